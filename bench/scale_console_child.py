"""The console side of bench/scale_console.py: one headless, instrumented console process.

Run by the parent as `python bench/scale_console_child.py URL ROOMS SECONDS DATA_DIR` with the sandbox's key and
secret in BENCH_SANDBOX_KEY / BENCH_SANDBOX_SECRET, and PYTHONPATH naming the source tree under test (today's
checkout, or an older one for the "before" figures). It uses only entry points every tree has (SinchConsole,
Backend, resolve_settings, the API client), so one harness measures both.

It prints `READY` once every room was polled, then measures SECONDS and prints one JSON line of figures:
- cpu: process CPU time (all threads, so work moved to a thread still counts) over wall time;
- lag: how late a 50 ms asyncio sleep on the UI loop wakes (the loop's responsiveness), p95 and max, at start
  (launch to READY + 5 s) and in the window;
- polls: conference GETs per room per second, and polls that started later than interval + 0.25 s after the last;
- rss: resident memory at the window's start and end (/proc/self/statm).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import sys
import time
from pathlib import Path

LAG_STEP = 0.05
LATE_SLACK = 0.25
INTERVAL = 1.0
START_SETTLE = float(os.environ.get("BENCH_SETTLE", 5.0))  # seconds after READY before the window opens


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(0.95 * (len(ordered) - 1))] if ordered else 0.0


class Probe:
    """Loop lateness and poll starts, kept with their time so windows can be cut afterwards."""

    def __init__(self) -> None:
        self.lags: list[tuple[float, float]] = []
        self.polls: dict[str, list[float]] = {}

    async def watch_loop(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(LAG_STEP)
            now = time.perf_counter()
            self.lags.append((now, max(0.0, now - before - LAG_STEP)))

    def count_polls(self, conferences: object) -> None:
        get = conferences.get  # type: ignore[attr-defined]

        async def counted(room: str, *args: object, **kwargs: object) -> object:
            self.polls.setdefault(room, []).append(time.perf_counter())
            return await get(room, *args, **kwargs)

        conferences.get = counted  # type: ignore[attr-defined]

    def lag_between(self, start: float, end: float) -> list[float]:
        return [lag for at, lag in self.lags if start <= at <= end]

    def polls_between(self, start: float, end: float) -> tuple[int, int]:
        """(polls, late polls) started in the window, over every room."""
        count = late = 0
        for starts in self.polls.values():
            inside = [at for at in starts if start <= at <= end]
            count += len(inside)
            late += sum(1 for a, b in itertools.pairwise(inside) if b - a > INTERVAL + LATE_SLACK)
        return count, late


class GcPauses:
    """Full (generation 2) garbage collections and how long each held the loop: a suspect for stalls."""

    def __init__(self) -> None:
        import gc

        self.pauses: list[tuple[float, float]] = []
        self._started = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses.append((time.perf_counter(), time.perf_counter() - self._started))

    def between(self, start: float, end: float) -> list[float]:
        return [pause for at, pause in self.pauses if start <= at <= end]


class Diagnosis:
    """Where the time and memory go, to stderr, when asked: BENCH_PROFILE=1 (cProfile of the UI thread over the
    window, top functions by own time), BENCH_TRACEMALLOC=1 (allocations that grew over the window),
    BENCH_GC_TYPES=1 (what a full collection walks at the end: the tracked objects not frozen, by type) and
    BENCH_SLOW=MS (asyncio's debug mode names every callback or task step that held the loop longer, from launch;
    debug mode costs CPU, so the other figures of that run are not comparable)."""

    def __init__(self) -> None:
        self.profile = self.memory = None
        if os.environ.get("BENCH_PROFILE"):
            import cProfile

            self.profile = cProfile.Profile()
            self.profile.enable()
        if os.environ.get("BENCH_TRACEMALLOC"):
            import tracemalloc

            self.memory = tracemalloc.take_snapshot()  # tracing began at launch: caches filling and turning
            # over before the window then cancel out, and what is left grew during it

    def report(self) -> None:
        if os.environ.get("BENCH_GC_TYPES"):
            import collections
            import gc

            tracked = gc.get_objects()  # generations 0-2 only: frozen objects are not walked by a collection
            print(f"{len(tracked):,} tracked objects outside the frozen generation "
                  f"({gc.get_freeze_count():,} frozen), thresholds {gc.get_threshold()}", file=sys.stderr)
            kinds = collections.Counter(f"{type(o).__module__}.{type(o).__qualname__}" for o in tracked)
            for kind, count in kinds.most_common(25):
                print(f"{count:9,}  {kind}", file=sys.stderr)
            del tracked
        if self.profile is not None:
            import pstats

            self.profile.disable()
            if os.environ["BENCH_PROFILE"] != "1":  # a path: keep the whole profile for pstats
                self.profile.dump_stats(os.environ["BENCH_PROFILE"])
            order = os.environ.get("BENCH_PROFILE_SORT", "tottime")
            pstats.Stats(self.profile, stream=sys.stderr).sort_stats(order).print_stats(40)
        if self.memory is not None:
            import tracemalloc

            now = tracemalloc.take_snapshot()
            total = sum(stat.size_diff for stat in now.compare_to(self.memory, "filename"))
            print(f"traced Python memory grew {total / 1e6:+.2f} MB over the window", file=sys.stderr)
            for stat in now.compare_to(self.memory, "filename")[:8]:
                print(f"{stat.size_diff / 1e6:+.2f} MB  {stat.traceback.format()[0].strip()}", file=sys.stderr)
            grown = now.compare_to(self.memory, "traceback")
            for stat in grown[:8]:
                print(f"{stat.size_diff / 1e6:+.2f} MB  {stat.count_diff:+d} blocks", file=sys.stderr)
                for line in stat.traceback.format()[-8:]:
                    print("    " + line, file=sys.stderr)


async def main(url: str, rooms: list[str], seconds: float, folder: Path) -> dict[str, object]:
    import httpx

    from api import SinchVoiceClient
    from console.app import SinchConsole
    from console.backend import Backend
    from console.config import resolve_settings

    if os.environ.get("BENCH_TRACEMALLOC"):
        import tracemalloc

        tracemalloc.start(8)
    if os.environ.get("BENCH_SLOW"):
        import logging

        logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
        loop = asyncio.get_running_loop()
        loop.set_debug(True)
        loop.slow_callback_duration = float(os.environ["BENCH_SLOW"]) / 1000
    probe = Probe()
    gc_pauses = GcPauses()
    launched = time.perf_counter()
    monitor = asyncio.create_task(probe.watch_loop())

    def connect(_resolved: object = None) -> Backend:  # older trees call it without the settings
        http = httpx.AsyncClient(timeout=10.0)
        client = SinchVoiceClient(application_key=os.environ["BENCH_SANDBOX_KEY"],
                                  application_secret=os.environ["BENCH_SANDBOX_SECRET"],
                                  base_url=url, http_client=http)
        probe.count_polls(client.conferences)
        return Backend(client, f"bench {url}", True, list(rooms), after_close=http.aclose)

    try:  # what console/__main__.py does before running the app, in trees that have it
        from console import memory  # type: ignore[attr-defined, unused-ignore]
    except ImportError:
        pass
    else:
        memory.manage()
    resolved = resolve_settings(folder / "config.toml", sandbox=True, rooms=list(rooms), poll_interval=INTERVAL,
                                env={})
    app = SinchConsole(connect, resolved, folder=folder / "data")
    async with app.run_test(size=(120, 36)):
        while set(probe.polls) < set(rooms):
            await asyncio.sleep(0.05)
        ready = time.perf_counter()
        print("READY", flush=True)
        await asyncio.sleep(START_SETTLE)
        diagnose = Diagnosis()
        start, cpu0, rss0 = time.perf_counter(), time.process_time(), rss_mb()
        await asyncio.sleep(seconds)
        end, cpu1, rss1 = time.perf_counter(), time.process_time(), rss_mb()
        diagnose.report()
        monitor.cancel()
    at_start = probe.lag_between(launched, ready + START_SETTLE)
    window = probe.lag_between(start, end)
    polls, late = probe.polls_between(start, end)
    return {
        "cpu_pct": 100 * (cpu1 - cpu0) / (end - start),
        "lag_p95_ms": 1000 * p95(window), "lag_max_ms": 1000 * max(window, default=0.0),
        "start_lag_max_ms": 1000 * max(at_start, default=0.0), "ready_s": ready - launched,
        "polls_per_room_s": polls / len(rooms) / (end - start), "late_polls": late, "polls": polls,
        "rss_start_mb": rss0, "rss_end_mb": rss1, "rss_growth_mb": rss1 - rss0,
        "gc_full": len(gc_pauses.between(start, end)),
        "gc_full_max_ms": 1000 * max(gc_pauses.between(start, end), default=0.0),
        "attendance_kb": sum(f.stat().st_size for f in (folder / "data").rglob("attendance*") if f.is_file()) / 1e3,
    }


if __name__ == "__main__":
    figures = asyncio.run(main(sys.argv[1], sys.argv[2].split(","), float(sys.argv[3]), Path(sys.argv[4])))
    print("FIGURES " + json.dumps(figures), flush=True)
