"""Callback -> websocket latency through the relay, with 100 subscribers of which one is stalled.

A signed ACE callback is POSTed to the relay and timed until a websocket subscriber has it, one event at a
time (the next is sent once the measured subscriber got the previous one), over --events events:
- reference: one subscriber and nothing else, measured in this same run;
- loaded: 100 subscribers, 99 reading and one stalled (a socket with a tiny receive buffer whose client
  never reads), which must not hold up the others.
Then a soak, not timed: the 98 extra readers leave and --soak padded events are pushed as fast as the relay
takes them, so the stalled subscriber overflows the kernel's socket buffers and its queue (--queue-size) and
must lose its oldest events instead of growing the relay.

Printed: p50/p95 of both runs and their ratio, p95 of the POST answer and of the last of the 99 readers,
the relay's RSS (after warm-up, after the timed run, after the soak), its /health counters, then GOAL MET or
NOT MET: loaded p95 <= 100 ms, and memory bounded (the queues within subscribers x queue size, the stalled
subscriber dropping, RSS growth under 64 MB). Machines here are shared and noisy: read the ratio and the
bound, not the absolute numbers.

The relay runs as a subprocess (`sinch-relay`, the secret and token in its environment, not its command
line) so it does not share our GIL; without that entry point it falls back to `relay.start_relay_thread` (then
RSS is this process's). Loopback only; every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
from client_throughput import read_ready_line
from httpx_aiohttp import AiohttpTransport
from websockets.asyncio.client import ClientConnection, connect

from api.auth import application_authorization, sign_request, utc_timestamp

KEY = "bench-events-app"
SECRET = base64.b64encode(b"bench-events-secret").decode()
TOKEN = "bench-events-token-at-least-32-characters"
CONTENT_TYPE = "application/json; charset=utf-8"
GOAL_P95_MS = 100.0
GOAL_GROWTH_MB = 64.0
WAIT = 10.0
MB = 1024 * 1024


# ---- the relay under test -------------------------------------------------------------------------------


@contextlib.contextmanager
def relay_server(queue_size: int) -> Iterator[tuple[str, int | None]]:
    """Yield (base URL, pid for RSS or None for this process) of a relay on 127.0.0.1."""
    exe = shutil.which("sinch-relay", path=str(Path(sys.executable).parent)) or shutil.which("sinch-relay")
    if exe:
        env = {**os.environ, "SINCH_APPLICATION_SECRET": SECRET, "SINCH_RELAY_TOKEN": TOKEN}
        proc = subprocess.Popen([exe, "--host", "127.0.0.1", "--port", "0", "--application-key", KEY,
                                 "--queue-size", str(queue_size)],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            yield read_ready_line(proc, time.monotonic() + 20), proc.pid
        finally:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        return
    from relay import RelaySettings, start_relay_thread  # in-process fallback (shares our GIL: slower numbers)

    running = start_relay_thread(RelaySettings(application_key=KEY, application_secret=SECRET, token=TOKEN,
                                               queue_size=queue_size))
    try:
        yield running.url, None
    finally:
        running.stop()


def rss_mb(pid: int | None) -> float | None:
    try:
        with open(f"/proc/{pid or 'self'}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


# ---- callbacks and subscribers --------------------------------------------------------------------------


class Poster:
    """Signs and POSTs ACE callbacks the way Sinch does."""

    def __init__(self, http: httpx.AsyncClient, padding: int = 0) -> None:
        self.http = http
        self.padding = "x" * padding

    async def post(self, call_id: str) -> float:
        """POST one callback; returns the seconds until its answer."""
        document = {"event": "ace", "callId": call_id, "timestamp": utc_timestamp(), "version": 1,
                    "applicationKey": KEY}
        if self.padding:
            document["custom"] = self.padding
        body = json.dumps(document, separators=(",", ":")).encode()
        stamp = utc_timestamp()
        signature = sign_request(SECRET, method="POST", path="/callback", body=body, content_type=CONTENT_TYPE,
                                 timestamp=stamp)
        headers = {"Content-Type": CONTENT_TYPE, "x-timestamp": stamp,
                   "Authorization": application_authorization(KEY, signature)}
        started = time.perf_counter()
        answer = await self.http.post("/callback", content=body, headers=headers)
        answer.raise_for_status()
        return time.perf_counter() - started


class Reader:
    """A subscriber that reads everything and notes when each callId arrived."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.arrived: dict[str, float] = {}
        self.waiting: dict[str, asyncio.Future[float]] = {}
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        with contextlib.suppress(Exception):
            async for text in self.ws:
                now = time.perf_counter()
                message = json.loads(text)
                if message.get("type") != "ace":
                    continue
                call_id = message["event"]["callId"]
                self.arrived[call_id] = now
                future = self.waiting.pop(call_id, None)
                if future is not None and not future.done():
                    future.set_result(now)

    def expect(self, call_id: str) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting[call_id] = future
        return future

    async def close(self) -> None:
        await self.ws.close()
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


async def subscribe(events_url: str, **kw: object) -> ClientConnection:
    return await connect(events_url, additional_headers={"Authorization": f"Bearer {TOKEN}"}, proxy=None,
                         open_timeout=WAIT, max_size=None, **kw)  # type: ignore[arg-type]


async def stalled_subscriber(url: str, events_url: str) -> ClientConnection:
    """Connected, then never read: a 4 KB receive buffer and a one-frame client queue back up at once."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((host, int(port)))
    sock.setblocking(False)
    return await subscribe(events_url, sock=sock, max_queue=1)


async def timed_run(poster: Poster, measured: Reader, count: int, label: str) -> tuple[list[float], list[float]]:
    """Closed loop: POST, wait for `measured` to get it, next. Returns (latencies, answer times) in seconds."""
    latencies, answers = [], []
    for n in range(count):
        call_id = f"{label}-{n}"
        arrival = measured.expect(call_id)
        started = time.perf_counter()
        answers.append(await poster.post(call_id))
        latencies.append(await asyncio.wait_for(arrival, WAIT) - started)
    return latencies, answers


def p(values: list[float], q: int) -> float:
    """The q-th percentile in milliseconds."""
    if len(values) < 2:
        return values[0] * 1000
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


async def bench(url: str, pid: int | None, events: int, subscribers: int, warmup: int, soak: int,
                soak_padding: int) -> int:
    events_url = url.replace("http://", "ws://") + "/events"
    async with httpx.AsyncClient(base_url=url, transport=AiohttpTransport(), timeout=WAIT) as http:
        poster = Poster(http)

        # reference: one subscriber, nobody else
        alone = Reader(await subscribe(events_url))
        await timed_run(poster, alone, warmup, "ref-warm")
        reference, _ = await timed_run(poster, alone, events, "ref")

        # loaded: the measured one, subscribers - 2 more readers, one stalled
        stalled = await stalled_subscriber(url, events_url)
        others = [Reader(await subscribe(events_url)) for _ in range(subscribers - 2)]
        health = (await http.get("/health")).json()
        assert health["subscribers"] == subscribers, health
        await timed_run(poster, alone, warmup, "load-warm")
        rss_start = rss_mb(pid)
        loaded, answers = await timed_run(poster, alone, events, "load")
        rss_timed = rss_mb(pid)
        deadline = time.perf_counter() + WAIT  # the last of the readers, per event
        while any(len(r.arrived) < warmup + events for r in others) and time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
        slowest = []
        for n in range(events):
            call_id = f"load-{n}"
            times = [r.arrived.get(call_id) for r in others]
            if all(times):
                slowest.append(max(t for t in times if t) - (alone.arrived[call_id] - loaded[n]))

        # soak: the stalled subscriber overflows; the relay must drop, not grow
        for reader in others:
            await reader.close()
        padded = Poster(http, padding=soak_padding)
        done = 0

        async def pump() -> None:
            nonlocal done
            while done < soak:
                done += 1
                await padded.post(f"soak-{done}")

        soak_started = time.perf_counter()
        await asyncio.gather(*(pump() for _ in range(8)))
        soak_seconds = time.perf_counter() - soak_started
        rss_soak = rss_mb(pid)
        health = (await http.get("/health")).json()
        await alone.close()
        await stalled.close()

    p50_ref, p95_ref = p(reference, 50), p(reference, 95)
    p50, p95 = p(loaded, 50), p(loaded, 95)
    print(f"relay at {url} ({os.cpu_count()} CPUs{'' if pid else ', in this process'}); "
          f"{events} events per run after {warmup} warm-up; one event in flight at a time")
    print(f"  reference, 1 subscriber:            p50 {p50_ref:6.2f} ms  p95 {p95_ref:6.2f} ms")
    print(f"  loaded, {subscribers} subscribers (1 stalled): p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  "
          f"(p95 ratio to reference {p95 / p95_ref:4.1f}x)")
    print(f"    POST answered:                    p50 {p(answers, 50):6.2f} ms  p95 {p(answers, 95):6.2f} ms")
    if slowest:
        print(f"    last of the {len(others)} other readers:    p50 {p(slowest, 50):6.2f} ms  "
              f"p95 {p(slowest, 95):6.2f} ms  ({len(slowest)} events seen by all)")
    print(f"  soak: {soak} events with {soak_padding} bytes of padding in {soak_seconds:.1f} s, 8 in flight, "
          f"the stalled subscriber still connected")
    print(f"  /health: relayed {health['relayed']}, dropped {health['dropped']}, queued {health['queued']} "
          f"(bound {health['subscribers']} x {health['queue_size']}), subscribers {health['subscribers']}")
    growth = None
    if rss_start is not None and rss_timed is not None and rss_soak is not None:
        growth = max(rss_timed, rss_soak) - rss_start
        print(f"  relay RSS: {rss_start:.1f} MB after warm-up, {rss_timed:.1f} MB after the timed run, "
              f"{rss_soak:.1f} MB after the soak (growth {growth:+.1f} MB)")
    fast = p95 <= GOAL_P95_MS
    within = health["queued"] <= health["subscribers"] * health["queue_size"]
    small = growth is None or growth < GOAL_GROWTH_MB
    bounded = within and small and health["dropped"] > 0
    if health["dropped"] == 0:
        memory = "NOT SHOWN (the stalled subscriber never overflowed its queue: raise --soak)"
    else:
        memory = "ok" if bounded else "NOT BOUNDED"
    print(f"goals: loaded p95 <= {GOAL_P95_MS:.0f} ms: {'ok' if fast else 'ABOVE GOAL'}; memory bounded (queues "
          f"within the bound, the stalled subscriber dropping, RSS growth < {GOAL_GROWTH_MB:.0f} MB): {memory}")
    print("GOAL MET" if fast and bounded else "GOAL NOT MET")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000, help="timed events per run")
    parser.add_argument("--subscribers", type=int, default=100, help="in the loaded run, one of them stalled")
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--queue-size", type=int, default=1000, help="the relay's per-subscriber queue")
    parser.add_argument("--soak", type=int, default=6000, help="untimed padded events to overflow the stalled one")
    parser.add_argument("--soak-padding", type=int, default=2048, help="bytes of padding per soak event")
    args = parser.parse_args(argv)
    if args.subscribers < 2:
        parser.error("--subscribers must be at least 2 (the measured one and the stalled one)")
    with relay_server(args.queue_size) as (url, pid):
        return asyncio.run(bench(url, pid, args.events, args.subscribers, args.warmup, args.soak,
                                 args.soak_padding))


if __name__ == "__main__":
    raise SystemExit(main())
