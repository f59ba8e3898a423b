"""Can the console hold a real room? CPU, UI loop lag, polls on time and memory, headless, against a sandbox.

Scenarios (issue 13):
- big:   one room of 1,000 participants, 10 join and 10 leave every second;
- many:  50 watched rooms of 20 at 1 s, one room (in turn) sees a join and a leave every second.

For each, a sandbox child (`--scenario empty`) is filled through the bulk admin route, then a console child
(bench/scale_console_child.py) runs headless and instrumented while this process drives the churn. With
`--before REV` (default: main before the attendance journal) the same harness also runs on that commit's source
(`git archive` into a temporary folder), alternating with today's, so both sets of figures come from one run on
one machine. `--seconds 600` gives the issue's 10 minutes for memory growth.

Goals: big: CPU <= 15 % of a core, lag p95 <= 50 ms, no late poll, RSS growth <= 5 MB over 10 minutes;
many: CPU <= 15 %, no loop stall over 100 ms at start or after.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from console.sandbox_process import SandboxProcess  # noqa: E402

BEFORE = "7a942f6"  # main before the attendance journal (issue 13)
CHILD = Path(__file__).with_name("scale_console_child.py")


class Scenario:
    """`aged`: seconds the sandbox's clock moves on after the rooms are filled, so everyone has been in that long
    when the console first looks (a meeting under way, not one that just began)."""

    def __init__(self, name: str, rooms: int, size: int, churn: int, every_room: bool, aged: float = 0) -> None:
        self.name, self.size, self.churn, self.every_room, self.aged = name, size, churn, every_room, aged
        self.rooms = [f"{name}-{n:02d}" for n in range(rooms)]


SCENARIOS = {
    "big": Scenario("big", rooms=1, size=1000, churn=10, every_room=True),
    "many": Scenario("many", rooms=50, size=20, churn=1, every_room=False),
}


def fill(http: httpx.Client, scenario: Scenario) -> float:
    """Build the rooms; seconds the largest bulk call took (the route's own goal: 1,000 in under 0.5 s)."""
    slowest = 0.0
    for n, room in enumerate(scenario.rooms):
        started = time.perf_counter()
        answer = http.post(f"/_sandbox/conferences/{room}/participants/bulk",
                           json={"add": scenario.size, "cliStart": n * 100_000})
        answer.raise_for_status()
        slowest = max(slowest, time.perf_counter() - started)
    if scenario.aged:
        http.post("/_sandbox/clock/advance", json={"seconds": scenario.aged}).raise_for_status()
    return slowest


def churn(http: httpx.Client, scenario: Scenario, stop: threading.Event) -> None:
    """Every second: `churn` leave and `churn` join (every room, or one room in turn); none for a quiet room."""
    if scenario.churn == 0:
        return
    tick, turn = 0, 0
    next_at = time.monotonic()
    while not stop.wait(max(0.0, next_at - time.monotonic())):
        rooms = scenario.rooms if scenario.every_room else [scenario.rooms[turn % len(scenario.rooms)]]
        for room in rooms:
            http.post(f"/_sandbox/conferences/{room}/participants/bulk",
                      json={"remove": scenario.churn, "add": scenario.churn,
                            "cliStart": 5_000_000 + tick * scenario.churn})
        tick, turn, next_at = tick + 1, turn + 1, next_at + 1.0


def run_console(source: Path, scenario: Scenario, seconds: float) -> dict[str, float]:
    """One sandbox, one console child on `source`; the child's figures."""
    sandbox = SandboxProcess(scenario="empty")
    url = sandbox.wait_ready()
    try:
        with httpx.Client(base_url=url, timeout=30) as http, tempfile.TemporaryDirectory() as tmp:
            bulk_s = fill(http, scenario)
            env = os.environ | {"PYTHONPATH": str(source), "HOME": tmp, "XDG_DATA_HOME": f"{tmp}/share",
                                "XDG_CONFIG_HOME": f"{tmp}/config", "BENCH_SANDBOX_KEY": sandbox.application_key,
                                "BENCH_SANDBOX_SECRET": sandbox.application_secret}
            child = subprocess.Popen([sys.executable, str(CHILD), url, ",".join(scenario.rooms), str(seconds), tmp],
                                     stdout=subprocess.PIPE, text=True, env=env, cwd=tmp)
            assert child.stdout is not None
            stop = threading.Event()
            driver = threading.Thread(target=churn, args=(http, scenario, stop), daemon=True)
            figures: dict[str, float] = {}
            for line in child.stdout:
                if line.startswith("READY"):
                    driver.start()
                elif line.startswith("FIGURES "):
                    figures = json.loads(line.split(" ", 1)[1])
            stop.set()
            child.wait(timeout=60)
            if driver.is_alive():
                driver.join(timeout=10)
            if not figures:
                raise RuntimeError(f"the console child on {source} gave no figures (exit {child.returncode})")
            return figures | {"bulk_fill_s": bulk_s}
    finally:
        sandbox.stop()


def book_load_ms(legs: int = 30_000, rounds: int = 5) -> tuple[float, float]:
    """Median ms to load a generated book of `legs` legs: (snapshot + a 5,000-line journal, the same as an old
    version-1 snapshot). Goal: under 200 ms."""
    import statistics

    from console.rooms import attendance_journal as journal
    from console.rooms.attendance import AttendanceBook

    start = journal.to_micros(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    assert start is not None
    rooms: journal.Rooms = {}
    for n in range(legs):
        joined = start + n * 1_000_000
        rooms.setdefault(f"room-{n % 40}", {})[f"call-{n:08d}"] = [
            f"call-{n:08d}", f"+4670{n:07d}", joined, joined + 600_000_000, joined + 590_000_000, n % 3, n % 50 == 0]
    timings = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        split = legs - 5_000
        snapshot = {room: dict(list(legs_.items())[: split // 40]) for room, legs_ in rooms.items()}
        (folder / journal.SNAPSHOT_NAME).write_bytes(journal.snapshot_bytes(snapshot))
        with open(folder / journal.JOURNAL_NAME, "w") as lines:
            for room, legs_ in rooms.items():
                for wire in list(legs_.values())[split // 40:]:
                    lines.write(json.dumps(["leg", room, wire]) + "\n")
        for _ in range(rounds):
            started = time.perf_counter()
            book = AttendanceBook.load(folder, now=datetime(2026, 12, 1, tzinfo=UTC))
            timings.append(1000 * (time.perf_counter() - started))
        assert sum(len(legs_) for legs_ in book.rooms.values()) == legs
        old = Path(tmp) / "v1"
        old.mkdir()
        v1 = {room: [{"call_id": w[0], "cli": w[1], "joined": _iso(w[2]), "left": _iso(w[3]),
                      "last_seen": _iso(w[4]), "times_muted": w[5], "kicked": w[6]} for w in legs_.values()]
              for room, legs_ in rooms.items()}
        (old / journal.SNAPSHOT_NAME).write_text(json.dumps({"version": 1, "rooms": v1}, indent=1))
        v1_timings = []
        for _ in range(rounds):
            started = time.perf_counter()
            AttendanceBook.load(old, now=datetime(2026, 12, 1, tzinfo=UTC))
            v1_timings.append(1000 * (time.perf_counter() - started))
    return statistics.median(timings), statistics.median(v1_timings)


def _iso(micros: int | None) -> str | None:
    from console.rooms.attendance_journal import from_micros

    when = from_micros(micros)
    return None if when is None else when.isoformat().replace("+00:00", "Z")


def checkout(rev: str, into: Path) -> Path:
    """The source of `rev` (a commit of this repository) unpacked into `into`; a folder is taken as it is (a copy
    of the tree, so edits others make meanwhile in a shared checkout do not change what is measured)."""
    if Path(rev).is_dir():
        return Path(rev).resolve()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


@contextmanager
def compared_sources(before: str, after: str | None, prefix: str) -> Iterator[list[tuple[str, Path]]]:
    """The source trees to measure, labelled: "before" (unless `before` is "none") then "after" (this checkout
    unless `after` names a commit or folder); unpacked commits live as long as the block."""
    with tempfile.TemporaryDirectory(prefix=f"{prefix}-before-") as old, \
            tempfile.TemporaryDirectory(prefix=f"{prefix}-after-") as new:
        sources = [("after", ROOT if after is None else checkout(after, Path(new)))]
        if before != "none":
            sources.insert(0, ("before", checkout(before, Path(old))))
        yield sources


def verdicts(name: str, f: dict[str, float], seconds: float) -> list[str]:
    """Each goal of issue 13 for this scenario: met or NOT met, with the figure that decides it."""
    growth_10min = f["rss_growth_mb"] * 600 / seconds
    checks = [(f"CPU <= 15 % of a core ({f['cpu_pct']:.1f} %)", f["cpu_pct"] <= 15)]
    if name == "big":
        checks += [(f"lag p95 <= 50 ms ({f['lag_p95_ms']:.1f} ms)", f["lag_p95_ms"] <= 50),
                   (f"every poll on time ({f['late_polls']:.0f} late of {f.get('polls', 0):.0f})",
                    f["late_polls"] == 0),
                   (f"RSS growth <= 5 MB / 10 min ({f['rss_growth_mb']:+.1f} MB in {seconds:.0f} s"
                    + (")" if seconds >= 600 else f", {growth_10min:+.1f} if linear; Textual's caches fill in the "
                       "first minutes, so --seconds 600 is the real test)"), growth_10min <= 5)]
    else:
        checks += [(f"no stall > 100 ms at start ({f['start_lag_max_ms']:.0f} ms)", f["start_lag_max_ms"] <= 100),
                   (f"no stall > 100 ms after ({f['lag_max_ms']:.0f} ms)", f["lag_max_ms"] <= 100)]
    return [f"{'met    ' if good else 'NOT met'} {words}" for words, good in checks]


def show(label: str, f: dict[str, float]) -> str:
    return (f"{label:<7} cpu {f['cpu_pct']:5.1f} %  lag p95 {f['lag_p95_ms']:6.1f} ms  max {f['lag_max_ms']:6.0f} ms  "
            f"start max {f['start_lag_max_ms']:5.0f} ms  polls/room/s {f['polls_per_room_s']:.2f}  "
            f"late {f['late_polls']:4.0f}  rss {f['rss_start_mb']:5.1f} -> {f['rss_end_mb']:5.1f} MB  "
            f"attendance on disk {f['attendance_kb']:.0f} kB  full GCs {f.get('gc_full', 0):.0f} "
            f"(longest {f.get('gc_full_max_ms', 0):.0f} ms)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=180, help="measured window per run (600 = 10 minutes)")
    parser.add_argument("--scenario", choices=[*SCENARIOS, "all"], default="all")
    parser.add_argument("--before", default=BEFORE,
                        help="commit (or source folder) for today's-design figures ('none' skips)")
    parser.add_argument("--after", default=None,
                        help="commit or source folder for the new figures (default: this checkout's files, "
                             "uncommitted edits included)")
    parser.add_argument("--runs", type=int, default=1, help="runs per scenario and source (alternating)")
    args = parser.parse_args()
    names = list(SCENARIOS) if args.scenario == "all" else [args.scenario]
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (figures are noisy above ~1 per core)")
    journal_ms, v1_ms = book_load_ms()
    print(f"attendance book of 30,000 legs loads in {journal_ms:.0f} ms (snapshot + journal; goal < 200 ms), "
          f"{v1_ms:.0f} ms from a version-1 file")
    with compared_sources(args.before, args.after, "scale") as sources:
        for name in names:
            scenario = SCENARIOS[name]
            print(f"\n== {name}: {len(scenario.rooms)} room(s) of {scenario.size}, {args.seconds:.0f} s a run")
            last: dict[str, float] = {}
            results: dict[str, dict[str, float]] = {}
            for run in range(args.runs):
                for label, source in sources:
                    last = results[label] = run_console(source, scenario, args.seconds)
                    print(show(f"{label}{run + 1 if args.runs > 1 else ''}", last), flush=True)
            print(f"   bulk fill of a room: {last['bulk_fill_s'] * 1000:.0f} ms (goal: 1,000 in < 500 ms)")
            for label in results:  # the goals, for each source's last run
                for line in verdicts(name, results[label], args.seconds):
                    print(f"   {label:<6} {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
