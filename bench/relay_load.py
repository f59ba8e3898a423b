"""Open-loop load for relay benches: signed callbacks at a fixed rate, and many cheap websocket subscribers.

Used by bench/relay_fanout.py and bench/relay_cluster.py; runs as child processes so the load does not share
the relays' cores' GIL with the harness:

    python bench/relay_load.py poster    (config on stdin as one JSON line; prints "ready", waits for "go T0")
    python bench/relay_load.py readers   (config on stdin; prints "ready", waits for "stop T0 RATE")

Callback n is due at T0 + n / rate (time.monotonic, the same clock in every process on this machine) whatever
happened to the earlier ones (open loop: a slow relay makes latency grow instead of the load shrink).
Its callId is `LABEL-n`; a subscriber notes when each arrives, and latency is arrival minus due time, so it
includes any wait before the callback was even sent. Requests are signed before the run (timestamps stay
within the relay's 300 s window) and written on kept-alive connections; subscribers are raw sockets that parse
frames by hand: a Python websocket client spends more per message than the relay does, and 100 of them would
measure themselves.

A subscriber given several URLs reconnects to the next one with `?since=ID` (the last `id` it saw) when its
connection ends; a poster given several targets sends round-robin and, when a connection fails, sends the
same callback once more, signed again, to the next target.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import struct
import subprocess
import sys
import time
from array import array
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.auth import application_authorization, sign_request, utc_timestamp

CONTENT_TYPE = "application/json; charset=utf-8"
CONNECTIONS = 48
"""Kept-alive connections per target (open loop: enough that a slow answer does not hold the schedule)."""


def bucket(ms: float) -> float:
    """A latency rounded to about 2 significant digits, so histograms from many processes merge cheaply."""
    if ms < 10:
        return round(ms, 1)
    if ms < 100:
        return float(round(ms))
    if ms < 1000:
        return round(ms, -1)
    return round(ms, -2)


def percentile(histogram: Counter[float], q: float) -> float | None:
    total = sum(histogram.values())
    if not total:
        return None
    rank, seen = q / 100 * total, 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return max(histogram)


# ---- the harness's side (bench/relay_fanout.py, bench/relay_cluster.py) -----------------------------------


KEY = "bench-relay-app"
SECRET = base64.b64encode(b"bench-relay-secret").decode()
TOKEN = "bench-relay-token-at-least-32-characters-long"
HERE = Path(__file__).resolve().parent


def start_relay(source: Path, *args: str, port: int = 0) -> tuple[subprocess.Popen[str], str]:
    """A `python -m relay` child from the tree `source` (this one, or an older commit unpacked); its URL."""
    env = {**os.environ, "SINCH_APPLICATION_SECRET": SECRET, "SINCH_RELAY_TOKEN": TOKEN, "PYTHONPATH": str(source)}
    proc = subprocess.Popen([sys.executable, "-m", "relay", "--host", "127.0.0.1", "--port", str(port),
                             "--application-key", KEY, *args], cwd=source, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    deadline = time.monotonic() + 30
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if "listening on" in line:
            return proc, line.rsplit(" ", 1)[1].strip()
        if not line:
            break
    proc.kill()
    raise RuntimeError(f"the relay from {source} did not start")


def stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Child:
    """A poster or readers child: config in, "ready", a go/stop line, a JSON result out."""

    def __init__(self, role: str, config: dict[str, Any]) -> None:
        self.proc = subprocess.Popen([sys.executable, str(HERE / "relay_load.py"), role], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(config) + "\n")
        self.proc.stdin.flush()

    def ready(self) -> None:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            raise RuntimeError(f"a load child did not start: {line!r}")

    def say(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def result(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        out = self.proc.stdout.readline()
        self.proc.wait(30)
        return dict(json.loads(out))


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_config(label: str, count: int, rate: float, targets: list[str]) -> dict[str, Any]:
    return {"label": label, "count": count, "rate": rate, "key": KEY, "secret": SECRET,
            "targets": [[url.removeprefix("http://").rsplit(":", 1)[0], int(url.rsplit(":", 1)[1])]
                        for url in targets]}


def summary(poster: dict[str, Any], readers: list[dict[str, Any]]) -> dict[str, Any]:
    """Lost (accepted, never received by a subscriber), duplicated, dropped, latency percentiles."""
    accepted = base64.b64decode(poster["accepted"])
    latencies: Counter[float] = Counter()
    lost = duplicated = dropped = lost_told = reconnects = subscribers = 0
    for result in readers:
        for sub in result["subscribers"]:
            subscribers += 1
            latencies.update({float(k): v for k, v in sub["latencies"].items()})
            lost += sum(1 for n in sub["missing"] if accepted[n])
            duplicated += sub["duplicates"]
            dropped += sub["dropped"]
            lost_told += sub["lost_told"]
            reconnects += sub["reconnects"]
    answers = Counter({float(k): v for k, v in poster["answers"].items()})
    return {"subscribers": subscribers, "accepted": sum(accepted), "statuses": poster["statuses"],
            "retried": poster["retried"], "lost": lost, "duplicated": duplicated, "dropped": dropped,
            "lost_told": lost_told, "reconnects": reconnects,
            "p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "p99": percentile(latencies, 99),
            "answer_p95": percentile(answers, 95)}


# ---- poster ---------------------------------------------------------------------------------------------


def signed_request(n: int, config: dict[str, Any]) -> bytes:
    """Callback n, signed now; its body is the same each time (a retry is the same event, signed again)."""
    document = {"event": "ace", "callId": f"{config['label']}-{n}", "timestamp": config["event_time"],
                "version": 1, "applicationKey": config["key"]}
    body = json.dumps(document, separators=(",", ":")).encode()
    stamp = utc_timestamp()
    signature = sign_request(config["secret"], method="POST", path="/callback", body=body,
                             content_type=CONTENT_TYPE, timestamp=stamp)
    head = (f"POST /callback HTTP/1.1\r\nHost: relay\r\nContent-Type: {CONTENT_TYPE}\r\n"
            f"Content-Length: {len(body)}\r\nx-timestamp: {stamp}\r\n"
            f"Authorization: {application_authorization(config['key'], signature)}\r\n\r\n")
    return head.encode() + body


async def read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    if length:
        await reader.readexactly(length)
    if b"connection: close" in head.lower():
        raise ConnectionResetError("closed by the relay")
    return status


class Target:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.queue: asyncio.Queue[int] = asyncio.Queue()


async def post_worker(target: Target, targets: list[Target], requests: list[bytes], status: bytearray,
                      answers: Counter[float], due: Any, retried: set[int], config: dict[str, Any]) -> None:
    connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
    while True:
        n = await target.queue.get()
        try:
            if connection is None:
                connection = await asyncio.wait_for(asyncio.open_connection(target.host, target.port), 2)
            reader, writer = connection
            writer.write(requests[n])
            code = await asyncio.wait_for(read_response(reader), 10)
            status[n] = min(code // 100, 9)
            answers[bucket((time.monotonic() - due(n)) * 1000)] += 1
        except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError, IndexError):
            if connection is not None:
                connection[1].close()
            connection = None
            if n not in retried and len(targets) > 1:  # Sinch would try again: here, once, at the next target
                retried.add(n)
                requests[n] = signed_request(n, config)  # a retry is signed again (a new x-timestamp)
                targets[(targets.index(target) + 1) % len(targets)].queue.put_nowait(n)
            else:
                status[n] = 0
            await asyncio.sleep(0.05)


async def run_poster(config: dict[str, Any]) -> dict[str, Any]:
    count, rate = config["count"], config["rate"]
    config["event_time"] = utc_timestamp()
    requests = [signed_request(n, config) for n in range(count)]
    targets = [Target(host, port) for host, port in config["targets"]]
    status = bytearray(b"\x01" * count)  # 1 = not answered yet, 2 = 2xx, 4 = 4xx, 0 = no answer
    answers: Counter[float] = Counter()
    retried: set[int] = set()
    print("ready", flush=True)
    line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    t0 = float(line.split()[1])

    def due(n: int) -> float:
        return t0 + n / rate

    workers = [asyncio.create_task(post_worker(target, targets, requests, status, answers, due, retried, config))
               for target in targets for _ in range(CONNECTIONS)]
    for n in range(count):
        delay = due(n) - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        targets[n % len(targets)].queue.put_nowait(n)
    deadline = time.monotonic() + 30
    while status.count(1):
        if time.monotonic() > deadline:
            break
        await asyncio.sleep(0.05)
    for worker in workers:
        worker.cancel()
    return {"accepted": base64.b64encode(bytes(1 if s == 2 else 0 for s in status)).decode(),
            "statuses": dict(Counter(str(s) for s in status)), "answers": {str(k): v for k, v in answers.items()},
            "retried": len(retried), "late_by": max(0.0, time.monotonic() - due(count - 1))}


# ---- subscribers ----------------------------------------------------------------------------------------


class RawSubscriber:
    """One websocket subscriber on a raw socket: handshake by hand, frames parsed by hand, arrival times noted."""

    def __init__(self, urls: list[str], token: str, label: str, count: int) -> None:
        self.urls, self.token, self.prefix = urls, token, f'"callId":"{label}-'.encode()
        self.arrived = array("d", bytes(8 * count))
        self.duplicates = self.dropped = self.lost_told = self.reconnects = 0
        self.last_id = ""
        self.stopping = False
        self.connected = asyncio.Event()

    async def run(self) -> None:
        turn = 0
        while not self.stopping:
            url = self.urls[turn % len(self.urls)]
            with contextlib.suppress(OSError, asyncio.IncompleteReadError, ValueError):
                await self._session(url)
            if self.stopping:
                return
            turn += 1
            self.reconnects += 1
            await asyncio.sleep(0.1)

    async def _session(self, url: str) -> None:
        host, _, rest = url.removeprefix("ws://").partition("/")
        hostname, port = host.rsplit(":", 1)
        path = "/" + rest + (f"?since={self.last_id}" if self.last_id else "")
        reader, writer = await asyncio.wait_for(asyncio.open_connection(hostname, int(port)), 5)
        try:
            key = base64.b64encode(os.urandom(16)).decode()
            writer.write((f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                          f"Authorization: Bearer {self.token}\r\n\r\n").encode())
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
            if b" 101 " not in head.split(b"\r\n", 1)[0]:
                raise ValueError(head[:40])
            self.connected.set()
            buffer = b""
            while True:
                chunk = await reader.read(1 << 18)
                if not chunk:
                    return
                buffer = self._frames(buffer + chunk, writer)
        finally:
            writer.close()

    def _frames(self, data: bytes, writer: asyncio.StreamWriter) -> bytes:
        at, size = 0, len(data)
        now = time.monotonic()
        while size - at >= 2:
            opcode, length = data[at] & 0x0F, data[at + 1] & 0x7F
            start = at + 2
            if length == 126:
                if size - at < 4:
                    break
                length, start = struct.unpack_from("!H", data, at + 2)[0], at + 4
            elif length == 127:
                if size - at < 10:
                    break
                length, start = struct.unpack_from("!Q", data, at + 2)[0], at + 10
            if start + length > size:
                break
            payload = data[start:start + length]
            at = start + length
            if opcode == 1:
                self._message(payload, now)
            elif opcode == 9:  # ping: a masked pong with the same payload
                mask = os.urandom(4)
                writer.write(bytes((0x8A, 0x80 | len(payload))) + mask
                             + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
            elif opcode == 8:
                raise ConnectionResetError("closed")
        return data[at:]

    def _message(self, payload: bytes, now: float) -> None:
        if payload.startswith(b'{"id":"'):
            self.last_id = payload[7:payload.index(b'"', 7)].decode()
        found = payload.find(self.prefix)
        if found < 0:
            if b'"type":"dropped"' in payload:
                count = json.loads(payload)["count"]
                if b'"since"' in payload:
                    self.lost_told += count
                else:
                    self.dropped += count
            return
        start = found + len(self.prefix)
        n = int(payload[start:payload.index(b'"', start)])
        if self.arrived[n]:
            self.duplicates += 1
        else:
            self.arrived[n] = now

    def report(self, t0: float, rate: float) -> dict[str, Any]:
        latencies: Counter[float] = Counter()
        missing = []
        for n, moment in enumerate(self.arrived):
            if moment:
                latencies[bucket((moment - (t0 + n / rate)) * 1000)] += 1
            else:
                missing.append(n)
        return {"latencies": {str(k): v for k, v in latencies.items()}, "missing": missing,
                "duplicates": self.duplicates, "dropped": self.dropped, "lost_told": self.lost_told,
                "reconnects": self.reconnects}


async def run_readers(config: dict[str, Any]) -> dict[str, Any]:
    subscribers = [RawSubscriber(urls, config["token"], config["label"], config["count"])
                   for urls in config["subscribers"]]
    tasks = [asyncio.create_task(subscriber.run()) for subscriber in subscribers]
    for subscriber in subscribers:
        await asyncio.wait_for(subscriber.connected.wait(), 30)
    print("ready", flush=True)
    line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    _, t0, rate = line.split()
    for subscriber in subscribers:
        subscriber.stopping = True
    for task in tasks:
        task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.gather(*tasks, return_exceptions=True)
    return {"subscribers": [subscriber.report(float(t0), float(rate)) for subscriber in subscribers]}


def main() -> int:
    role = sys.argv[1]
    config = json.loads(sys.stdin.readline())
    result = asyncio.run(run_poster(config) if role == "poster" else run_readers(config))
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
