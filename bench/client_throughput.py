"""Client throughput against the sandbox on loopback, with references measured in the same run.

Sequential GET conference requests through (a) our SinchVoiceClient, (b) a raw httpx.AsyncClient doing the
same signing inline (with httpx's own transport, and with the aiohttp transport we default to, which
isolates our overhead), (c) the official sinch 1.1.4 SDK; then 16 in flight for (a) and (b).
Machines here are shared and noisy: read the ratios, not the absolute numbers.

The sandbox runs as a subprocess (`sinch-sandbox`) so it does not share our GIL; when that entry point is
missing it falls back to `sandbox.server.start_sandbox_thread`. Loopback only; every run is bounded by a
request count and a time limit.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import selectors
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
from httpx_aiohttp import AiohttpTransport

from api import SinchVoiceClient
from api.auth import application_authorization, sign_request, utc_timestamp

ROOM = "bench-room"
CONCURRENCY = 16


def read_ready_line(proc: subprocess.Popen[str], deadline: float) -> str:
    """sinch-sandbox and sinch-relay print `Sinch ... listening on http://HOST:PORT` once they accept
    connections (bench/events.py uses this too)."""
    assert proc.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if selector.select(timeout=0.2):
                line = proc.stdout.readline()
                if "listening on" in line:
                    return line.rsplit(" ", 1)[1].strip()
                if not line:
                    break
    name = proc.args[0] if isinstance(proc.args, list) else proc.args
    raise RuntimeError(f"{name} did not report a listening address")


@contextlib.contextmanager
def sandbox_server() -> Iterator[str]:
    """Yield the base URL of a sandbox on 127.0.0.1 (port chosen by the OS), stopped afterwards."""
    exe = shutil.which("sinch-sandbox", path=str(Path(sys.executable).parent)) or shutil.which("sinch-sandbox")
    if exe:
        proc = subprocess.Popen([exe, "--host", "127.0.0.1", "--port", "0", "--scenario", "empty"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            yield read_ready_line(proc, time.monotonic() + 20)
        finally:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        return
    from sandbox.server import start_sandbox_thread  # in-process fallback (shares the GIL: slower numbers)

    running = start_sandbox_thread(host="127.0.0.1", port=0, scenario="empty")
    try:
        yield running.url
    finally:
        running.stop()


def _credentials(base: str) -> tuple[str, str]:
    from sandbox.state import DEMO_APPLICATION_KEY, DEMO_APPLICATION_SECRET

    return DEMO_APPLICATION_KEY, DEMO_APPLICATION_SECRET


def _seed_room(base: str) -> None:
    request = urllib.request.Request(f"{base}/_sandbox/conferences/{ROOM}/participants", method="POST",
                                     data=json.dumps({"cli": "+46708168731"}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as answer:
        assert answer.status in (200, 201), answer.status


Result = tuple[float, float]  # (requests per second, client CPU microseconds per request)


async def _timed(call: Callable[[], Awaitable[object]], count: int, seconds: float, workers: int = 1) -> Result:
    """Requests/s and our process's CPU per request for `count` calls (or `seconds`), `workers` at a time."""
    for _ in range(min(50, count)):  # warm-up: connections, caches
        await call()
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal done
        while done < count and time.perf_counter() < deadline:
            done += 1
            await call()

    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(workers)))
    return done / (time.perf_counter() - started), (time.process_time() - cpu) / done * 1e6


async def bench_ours(base: str, key: str, secret: str, count: int, seconds: float, workers: int) -> Result:
    async with SinchVoiceClient(key, secret, base_url=base, max_retries=0) as client:
        return await _timed(lambda: client.conferences.get(ROOM), count, seconds, workers)


async def bench_raw(base: str, key: str, secret: str, count: int, seconds: float, workers: int,
                    transport: httpx.AsyncBaseTransport | None) -> Result:
    path = f"/calling/v1/conferences/id/{ROOM}"
    async with httpx.AsyncClient(transport=transport) as http:
        async def call() -> object:
            stamp = utc_timestamp()
            signature = sign_request(secret, method="GET", path=path, body=None, content_type="", timestamp=stamp)
            answer = await http.get(base + path, headers={"x-timestamp": stamp,
                                                           "Authorization": application_authorization(key, signature)})
            answer.raise_for_status()
            return answer.json()

        return await _timed(call, count, seconds, workers)


def bench_sdk(base: str, key: str, secret: str, count: int, seconds: float) -> Result | None:
    try:
        from sinch import SinchClient
    except ImportError:
        return None
    sinch = SinchClient(application_key=key, application_secret=secret)
    sinch.configuration.disable_https = True
    sinch.configuration.voice_origin = base.removeprefix("http://")
    sinch.configuration.voice_applications_origin = base.removeprefix("http://")
    for _ in range(min(50, count)):
        sinch.voice.conferences.get(ROOM)
    done, started, cpu = 0, time.perf_counter(), time.process_time()
    while done < count and time.perf_counter() - started < seconds:
        sinch.voice.conferences.get(ROOM)
        done += 1
    return done / (time.perf_counter() - started), (time.process_time() - cpu) / done * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="requests per measurement")
    parser.add_argument("--seconds", type=float, default=3.0, help="time limit per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; the best of each is kept")
    args = parser.parse_args(argv)
    with sandbox_server() as base:
        key, secret = _credentials(base)
        _seed_room(base)
        n, s = args.count, args.seconds
        variants: dict[str, Callable[[], Result | None]] = {
            "ours sequential": lambda: asyncio.run(bench_ours(base, key, secret, n, s, 1)),
            "raw httpx sequential": lambda: asyncio.run(bench_raw(base, key, secret, n, s, 1, None)),
            "raw httpx+aiohttp sequential": lambda: asyncio.run(
                bench_raw(base, key, secret, n, s, 1, AiohttpTransport())),
            "sinch 1.1.4 SDK sequential": lambda: bench_sdk(base, key, secret, n, s),
            f"ours {CONCURRENCY} in flight": lambda: asyncio.run(bench_ours(base, key, secret, n, s, CONCURRENCY)),
            f"raw httpx {CONCURRENCY} in flight": lambda: asyncio.run(
                bench_raw(base, key, secret, n, s, CONCURRENCY, None)),
            f"raw httpx+aiohttp {CONCURRENCY} in flight": lambda: asyncio.run(
                bench_raw(base, key, secret, n, s, CONCURRENCY, AiohttpTransport())),
        }
        # Rounds interleave the variants so a slow patch of a shared machine hits all of them; keep the best.
        results: dict[str, Result | None] = dict.fromkeys(variants)
        for number in range(max(1, args.rounds)):
            order = list(variants) if number % 2 == 0 else list(reversed(variants))  # no variant always last
            for name in order:
                run = variants[name]
                result = run()
                best = results[name]
                if result and (best is None or result[0] > best[0]):
                    results[name] = result
    print(f"GET conference against the sandbox at {base} ({os.cpu_count()} CPUs), best of {args.rounds} rounds; "
          "client CPU = this process's CPU time per request (the server's share excluded)")
    for name, result in results.items():
        if result:
            print(f"  {name:<34} {result[0]:8.0f} req/s  {result[1]:7.0f} us client CPU/req")
        else:
            print(f"  {name:<34}   (not available)")

    def ratio(label: str, mine: str, ref: str, goal: float) -> None:
        a, b = results.get(mine), results.get(ref)
        if a and b:
            verdict = "ok" if a[0] / b[0] >= goal else "BELOW GOAL"
            print(f"  {label:<44} {a[0] / b[0]:5.2f}  (goal >= {goal}) {verdict}; "
                  f"client CPU efficiency {b[1] / a[1]:5.2f}")

    print("ratios (throughput; client CPU efficiency = reference CPU/req over ours):")
    ratio("ours / sinch SDK (sequential)", "ours sequential", "sinch 1.1.4 SDK sequential", 1.5)
    ratio("ours / raw httpx (sequential)", "ours sequential", "raw httpx sequential", 0.8)
    ratio("ours / raw httpx+aiohttp (sequential)", "ours sequential", "raw httpx+aiohttp sequential", 0.8)
    ratio(f"ours / raw httpx ({CONCURRENCY} in flight)", f"ours {CONCURRENCY} in flight",
          f"raw httpx {CONCURRENCY} in flight", 0.8)
    ratio(f"ours / raw httpx+aiohttp ({CONCURRENCY} in flight)", f"ours {CONCURRENCY} in flight",
          f"raw httpx+aiohttp {CONCURRENCY} in flight", 0.8)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
