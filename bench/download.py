"""Recording download: our client against curl on the same URL, with peak memory, measured in the same run.

The sandbox runs as a subprocess on 127.0.0.1 (`client_throughput.sandbox_server`) and holds one recording of
--size-mb megabytes (`POST /_sandbox/recordings {"bytes": ...}`; its audio is rendered while it streams). Each
round downloads it once with every variant, in a fresh temporary folder, deleted afterwards:

  curl             `curl -sS -f -o FILE URL`, Basic auth with the demo key (handed over on stdin, `-K -`,
                   so no command line shows the secret); wall-clock time of the curl process, its start-up
                   included (what curl takes for an empty recording is printed beside it)
  ours (console)   the client the console uses on a spawned sandbox (`make run`), built by the very function
                   console.backend builds it with (`sandbox_client`), then `client.recordings.download(key, folder)`
  ours (default)   `SinchVoiceClient(...)` with the client's default transport (httpx on aiohttp), as on the
                   real platform

Ours run in a fresh Python process per download, timed around `download()` (imports and client construction
excluded, the connection included, as for curl), so that the peak RSS growth belongs to that one download:
VmHWM is reset through /proc/self/clear_refs just before it (or, where that is refused, a thread samples VmRSS
every 5 ms). Our download also fsyncs the file before publishing it and curl does not: "curl + fsync" adds the
time of fsyncing curl's file afterwards, as a reference for that cost only; the goal is against plain curl.

Rounds interleave the variants so a slow patch of a shared machine hits all of them; the fastest round counts
(the median is printed too) and the largest memory growth. Goal (issue 6): ours >= 0.8x curl's throughput and
< 30 MB peak RSS growth. Exit status 1 only when a download is wrong (size or content), never for timing.
Usage: python bench/download.py [--size-mb 200] [--rounds 3] [--dir FOLDER] [--progress]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import hashlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

GOAL_RATIO = 0.8
GOAL_GROWTH_MB = 30.0
TIME_LIMIT = 120  # seconds for one download, curl's or ours
MB = 1_000_000
VARIANTS = ("curl", "ours (console)", "ours (default)")
_PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


class BenchFailure(Exception):
    """A download that is wrong (not merely slow): the bench exits 1."""


# ---- the child process: one download with our client ------------------------------------------------------


def _status_kb(field_name: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    raise OSError(f"no {field_name} in /proc/self/status")


def _reset_peak() -> bool:
    """Reset VmHWM (the peak) to the current RSS; False where the kernel refuses (then we sample)."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        return True
    except OSError:
        return False


@contextlib.contextmanager
def peak_rss() -> Iterator[dict[str, object]]:
    """Resident set size before the block and its peak during it (bytes), in the dict yielded."""
    result: dict[str, object] = {"how": "n/a"}
    gc.collect()
    if not os.path.exists("/proc/self/status"):  # not Linux: time only
        yield result
        return
    if _reset_peak():  # no sampling thread, so no GIL contention with the download
        result.update(how="VmHWM", before=_status_kb("VmRSS") * 1024)
        yield result
        result["peak"] = _status_kb("VmHWM") * 1024
        return
    samples = [_status_kb("VmRSS") * 1024]
    result.update(how="VmRSS sampled every 5 ms", before=samples[0])
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.005):
            samples.append(_status_kb("VmRSS") * 1024)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield result
    finally:
        stop.set()
        sampler.join()
    result["peak"] = max([*samples, _status_kb("VmRSS") * 1024])


async def _yielding_progress(done: int, total: int | None) -> None:
    """--progress: what the Recordings screen's hook costs at least, a trip through the event loop per report."""
    await asyncio.sleep(0)


async def _download(job: dict[str, Any]) -> dict[str, object]:
    import httpx

    from api import SinchVoiceClient
    from console.backend import sandbox_client

    http: httpx.AsyncClient | None = None
    if job["variant"] == "ours (console)":  # the console's own path, retries and all
        client, http = sandbox_client(job["url"], job["key"], job["secret"])
        # its download client (and aiohttp's import, ~150 ms once per console run) is built by the first
        # download: here, as client construction is for the other variant, before the timing
        client.http_for(stream=True)
    else:
        client = SinchVoiceClient(job["key"], job["secret"], base_url=job["url"], max_retries=0)
    on_progress = _yielding_progress if job.get("progress") else None
    try:
        with peak_rss() as memory:
            started = time.perf_counter()
            path = await client.recordings.download(job["recording"], job["folder"], on_progress)
            seconds = time.perf_counter() - started
    finally:
        await client.aclose()
        if http is not None:
            await http.aclose()
    return {"seconds": seconds, "path": str(path)} | memory


def child() -> int:
    """`--child`: read one job (JSON, secret included) on stdin, print one JSON line with the result."""
    job = json.loads(sys.stdin.read())
    print(json.dumps(asyncio.run(_download(job))), flush=True)
    return 0


# ---- the parent: sandbox, rounds, report -------------------------------------------------------------------


@dataclass
class Sample:
    seconds: float
    growth: int | None = None  # bytes of peak RSS over the RSS just before the download
    how: str = ""


@dataclass
class Results:
    size: int
    samples: dict[str, list[Sample]] = field(default_factory=lambda: {name: [] for name in VARIANTS})
    fsync: list[float] = field(default_factory=list)  # seconds to fsync curl's file after it exited
    curl_fixed: float | None = None  # seconds curl takes for an empty recording: its start-up and one request
    reference_digest: str | None = None
    checked: set[str] = field(default_factory=set)

    def best(self, name: str) -> float | None:
        runs = self.samples.get(name)
        return min(s.seconds for s in runs) if runs else None

    def median(self, name: str) -> float | None:
        runs = self.samples.get(name)
        return statistics.median(s.seconds for s in runs) if runs else None

    def growth(self, name: str) -> int | None:
        values = [s.growth for s in self.samples.get(name, []) if s.growth is not None]
        return max(values) if values else None


def _create_recording(base: str, size: int) -> str:
    request = urllib.request.Request(f"{base}/_sandbox/recordings", method="POST",
                                     data=json.dumps({"bytes": size}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        created = json.load(answer)
    if int(created["bytes"]) != size:
        raise BenchFailure(f"the sandbox made a recording of {created['bytes']} bytes, not {size}")
    return str(created["key"])


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _check(results: Results, name: str, path: Path) -> None:
    """Right size every time; the same bytes as curl's file, hashed once per variant."""
    size = path.stat().st_size
    if size != results.size:
        raise BenchFailure(f"{name}: {size} bytes written, {results.size} expected")
    if name in results.checked:
        return
    digest = _digest(path)
    if results.reference_digest is None:
        results.reference_digest = digest
    elif digest != results.reference_digest:
        raise BenchFailure(f"{name}: the file's content differs from curl's")
    results.checked.add(name)


def _without_proxies() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in _PROXY_VARIABLES}


def _curl(curl: str, url: str, key: str, secret: str, target: Path) -> float:
    """Wall-clock seconds of one curl process downloading `url` into `target`."""
    config = f'user = "{key}:{secret}"\n'  # on stdin: never in argv, where `ps` would show it
    command = [curl, "-sS", "-f", "--noproxy", "*", "--max-time", str(TIME_LIMIT), "-o", str(target), "-K", "-", url]
    started = time.perf_counter()
    done = subprocess.run(command, input=config, text=True, capture_output=True, timeout=TIME_LIMIT + 10)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise BenchFailure(f"curl failed ({done.returncode}): {done.stderr.strip()}")
    return seconds


def run_curl(curl: str, url: str, key: str, secret: str, folder: Path, results: Results) -> None:
    target = folder / "curl.wav"
    seconds = _curl(curl, url, key, secret, target)
    # fsync afterwards (not timed as curl): the "curl + fsync" reference, and curl's dirty pages are not
    # left to be written back while the next variant runs
    fd = os.open(target, os.O_RDONLY)
    try:
        synced = time.perf_counter()
        os.fsync(fd)
        results.fsync.append(time.perf_counter() - synced)
    finally:
        os.close(fd)
    _check(results, "curl", target)
    results.samples["curl"].append(Sample(seconds))


def run_ours(name: str, url: str, key: str, secret: str, recording: str, folder: Path, results: Results,
             progress: bool) -> None:
    job = {"variant": name, "url": url, "key": key, "secret": secret, "recording": recording, "folder": str(folder),
           "progress": progress}
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child"], input=json.dumps(job),
                          text=True, capture_output=True, timeout=TIME_LIMIT, env=_without_proxies())
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise BenchFailure(f"{name}: the download failed: {last}")
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    path = Path(answer["path"])
    if path.parent != folder:
        raise BenchFailure(f"{name}: wrote {path}, outside {folder}")
    _check(results, name, path)
    growth = answer["peak"] - answer["before"] if "peak" in answer else None
    results.samples[name].append(Sample(answer["seconds"], growth, answer["how"]))


def measure(base: str, size: int, rounds: int, parent: str | None, progress: bool) -> Results:
    from sandbox import DEMO_APPLICATION_KEY, DEMO_APPLICATION_SECRET

    curl = shutil.which("curl")
    recording = _create_recording(base, size)
    url = f"{base}/calling/v1/recording/{recording}"
    results = Results(size)
    if curl is None:
        print("curl not found: no reference, ours only", file=sys.stderr)
    else:
        tiny = _create_recording(base, 46)  # an empty WAV: what curl costs before the first byte of a body
        with tempfile.TemporaryDirectory(prefix="sinch-bench-download-", dir=parent) as temp:
            results.curl_fixed = min(_curl(curl, f"{base}/calling/v1/recording/{tiny}", DEMO_APPLICATION_KEY,
                                           DEMO_APPLICATION_SECRET, Path(temp) / "tiny.wav") for _ in range(3))
    for number in range(max(1, rounds)):
        order = list(VARIANTS) if number % 2 == 0 else list(reversed(VARIANTS))  # no variant always first
        for name in order:
            # a fresh folder each time: every download creates its file, none truncates an old one
            with tempfile.TemporaryDirectory(prefix="sinch-bench-download-", dir=parent) as temp:
                folder = Path(temp)
                if name == "curl":
                    if curl is not None:
                        run_curl(curl, url, DEMO_APPLICATION_KEY, DEMO_APPLICATION_SECRET, folder, results)
                else:
                    run_ours(name, base, DEMO_APPLICATION_KEY, DEMO_APPLICATION_SECRET, recording, folder, results,
                             progress)
    return results


def report(results: Results, base: str, rounds: int, folder: str, progress: bool) -> None:
    size = results.size
    hook = "an on_progress hook that yields to the event loop" if progress else "no on_progress hook"
    print(f"download a {size / MB:.0f} MB recording from the sandbox at {base} ({os.cpu_count()} CPUs) into {folder}, "
          f"{rounds} rounds, {hook}; MB/s of the fastest round (median in brackets); memory = peak RSS growth of "
          "our process during the download, largest of the rounds")

    def line(label: str, best: float | None, median: float | None, extra: str = "") -> None:
        if best is None or median is None:
            print(f"  {label:<30}   (not available)")
            return
        print(f"  {label:<30} {size / MB / best:8.0f} MB/s  ({size / MB / median:6.0f})  {best:6.3f} s{extra}")

    fixed = ""
    if results.curl_fixed is not None:
        fixed = f"  (~{results.curl_fixed * 1000:.0f} ms of it: start-up, one request)"
    line("curl", results.best("curl"), results.median("curl"), fixed)
    if results.fsync:
        fsync_best = min(results.fsync)
        best, median = results.best("curl"), results.median("curl")
        line("curl + fsync (reference only)", best + fsync_best if best else None,
             median + statistics.median(results.fsync) if median else None,
             f"  (fsync {fsync_best * 1000:.0f} ms)")
    for name in VARIANTS[1:]:
        growth = results.growth(name)
        how = results.samples[name][0].how if results.samples[name] else ""
        memory = f"  {growth / MB:6.1f} MB peak RSS growth ({how})" if growth is not None else "  memory n/a"
        line(name, results.best(name), results.median(name), memory)
    print(f"goals: ours >= {GOAL_RATIO}x curl's throughput (fastest rounds), < {GOAL_GROWTH_MB:.0f} MB peak RSS growth;"
          " in brackets: the ratio of the medians, and against curl + fsync")
    curl, curl_median = results.best("curl"), results.median("curl")
    synced = curl + min(results.fsync) if curl and results.fsync else None
    for name in VARIANTS[1:]:
        ours, ours_median, growth = results.best(name), results.median(name), results.growth(name)
        if ours is None or ours_median is None:
            continue
        ratio = curl / ours if curl else None
        fast = ratio is not None and ratio >= GOAL_RATIO
        small = growth is not None and growth / MB < GOAL_GROWTH_MB
        if ratio is not None and curl_median and synced:
            ratio_text = (f"{ratio:5.2f}x curl (median {curl_median / ours_median:4.2f}x; "
                          f"{synced / ours:4.2f}x curl + fsync)")
        else:
            ratio_text = "n/a (no curl)"
        growth_text = f"{growth / MB:5.1f} MB" if growth is not None else "n/a"
        verdict = "GOAL MET" if fast and small else "GOAL NOT MET"
        print(f"  {name:<30} {ratio_text} {'ok' if fast else 'BELOW GOAL'}, {growth_text} "
              f"{'ok' if small else 'ABOVE GOAL'}  {verdict}")


def _stop_on_sigterm() -> None:
    """SIGTERM unwinds like Ctrl-C: the sandbox is stopped and the temporary folders removed."""
    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=200, help="recording size in MB (10^6 bytes)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; the fastest of each is kept")
    parser.add_argument("--dir", default=None, help="where the temporary download folders go (default: the "
                        "system's temporary folder); its file system decides the cost of writing and fsync")
    parser.add_argument("--progress", action="store_true", help="pass an on_progress hook that yields to the "
                        "event loop on every report, as the Recordings screen's does (default: no hook)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child()
    size = int(args.size_mb * MB)
    if not 46 <= size <= 4 * 1024**3:
        parser.error("--size-mb must be between 0.000046 and 4294")
    from client_throughput import sandbox_server

    _stop_on_sigterm()
    folder = args.dir or tempfile.gettempdir()
    try:
        with sandbox_server() as base:
            results = measure(base, size, args.rounds, args.dir, args.progress)
    except (BenchFailure, subprocess.TimeoutExpired) as failure:
        print(f"download bench FAILED: {failure}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    report(results, base, args.rounds, folder, args.progress)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
