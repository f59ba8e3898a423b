"""Starvation: are genuine callbacks answered while many clients hold half-sent requests open?

The relay runs as a subprocess started with a soft limit of --nofile open files (1024, a common default;
0 leaves the limit alone). First --genuine signed callbacks are timed with nothing else going on (the
reference, measured in this same run); then --slow connections are opened from --per-address connections per
loopback source address (127.0.1.N), half stopping in their headers and half in their body, and the same
callbacks are sent again, each with a 10 s timeout. Then the script waits past the relay's read timeout and
counts how many slow connections the relay has cut off.

Printed: answered x of N and each latency, the ratio to the reference, slow connections still open, the
relay's /health counters, and GOAL MET when every genuine callback was answered under load.

    python bench/relay_slowloris.py                         # this checkout
    python bench/relay_slowloris.py --relay-src /tmp/old    # another checkout (its relay/ and api/), for before/after

Loopback only (Linux routes all of 127/8 to lo); every wait is bounded.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import select
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from api.auth import application_authorization, sign_request, utc_timestamp

ROOT = Path(__file__).resolve().parent.parent

KEY = "bench-slowloris-app"
SECRET = base64.b64encode(b"bench-slowloris-secret").decode()
TOKEN = "bench-slowloris-token-at-least-32-characters"
CONTENT_TYPE = "application/json; charset=utf-8"
PARTIAL_HEADERS = b"POST /callback HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\nx-timesta"
PARTIAL_BODY = (b"POST /callback HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\n"
                b"Content-Length: 4000\r\n\r\n{\"event\":\"ice\",")
START = ("import resource, runpy, sys\n"
         "nofile = int(sys.argv[1])\n"
         "if nofile:\n"
         "    resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))\n"
         "sys.argv = ['sinch-relay', '--port', '0', '--application-key', sys.argv[2]]\n"
         "runpy.run_module('relay', run_name='__main__')\n")


def start_relay(source: Path, nofile: int) -> tuple[subprocess.Popen[str], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SINCH_")}
    env |= {"SINCH_APPLICATION_SECRET": SECRET, "SINCH_RELAY_TOKEN": TOKEN, "PYTHONPATH": str(source)}
    proc = subprocess.Popen([sys.executable, "-c", START, str(nofile), KEY], cwd=source, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline() if proc.stdout else ""
    if " on " not in line:
        proc.kill()
        raise SystemExit(f"the relay did not start: {line!r}")
    return proc, line.split(" on ", 1)[1].strip()


def genuine(url: str, n: int) -> float | str:
    """Seconds until a signed ICE is answered 200, or what happened instead (a status, a timeout)."""
    body = json.dumps({"event": "ice", "callId": f"bench-{n}-{time.time_ns()}", "version": 1,
                       "cli": "46708168731", "to": {"type": "number", "endpoint": "46730170101"}}).encode()
    stamp = utc_timestamp()
    signature = sign_request(SECRET, method="POST", path="/callback", body=body, content_type=CONTENT_TYPE,
                             timestamp=stamp)
    headers = {"Content-Type": CONTENT_TYPE, "x-timestamp": stamp,
               "Authorization": application_authorization(KEY, signature)}
    started = time.perf_counter()
    try:
        with httpx.Client(base_url=url, trust_env=False, timeout=10) as http:
            status = http.post("/callback", content=body, headers=headers).status_code
    except httpx.TimeoutException:
        return "timeout"
    except httpx.HTTPError as exc:
        return type(exc).__name__
    return time.perf_counter() - started if status == 200 else f"HTTP {status}"


def open_slow(port: int, count: int, per_address: int) -> list[socket.socket]:
    sockets = []
    for index in range(count):
        sock = socket.socket()
        sock.bind((f"127.0.1.{index // per_address % 250 + 1}", 0))
        sock.settimeout(10)
        try:
            sock.connect(("127.0.0.1", port))
            sock.sendall(PARTIAL_HEADERS if index % 2 else PARTIAL_BODY)
        except OSError:
            sock.close()
            continue
        sockets.append(sock)
    return sockets


def still_open(sockets: list[socket.socket]) -> int:
    poller = select.poll()
    for sock in sockets:
        poller.register(sock, select.POLLIN | select.POLLHUP)
    return len(sockets) - len(poller.poll(0))


def health(url: str) -> dict[str, object]:
    try:
        with httpx.Client(base_url=url, trust_env=False, timeout=5) as http:
            return http.get("/health").json()
    except (httpx.HTTPError, ValueError):
        return {"unreachable": True}


def fmt(outcome: float | str) -> str:
    return outcome if isinstance(outcome, str) else f"{outcome * 1000:.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slow", type=int, default=1100, help="slow connections (default 1100)")
    parser.add_argument("--per-address", type=int, default=44, help="slow connections per source address")
    parser.add_argument("--genuine", type=int, default=3, help="genuine callbacks in each phase")
    parser.add_argument("--nofile", type=int, default=1024, help="the relay's soft open-file limit; 0: as is")
    parser.add_argument("--wait", type=float, default=7.0, help="seconds to wait before counting cut-offs")
    parser.add_argument("--relay-src", type=Path, default=ROOT, help="checkout whose relay/ and api/ to run")
    args = parser.parse_args()
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = args.slow + 256
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))
    proc, url = start_relay(args.relay_src.resolve(), args.nofile)
    try:
        reference = [genuine(url, n) for n in range(args.genuine)]
        slow = open_slow(int(url.rsplit(":", 1)[1]), args.slow, args.per_address)
        loaded = [genuine(url, n) for n in range(args.genuine)]
        opened_at = time.monotonic()
        during = still_open(slow)
        time.sleep(args.wait)
        after = still_open(slow)
        counters = health(url)
        for sock in slow:
            sock.close()
    finally:
        proc.terminate()
        proc.wait(10)
    answered = [t for t in loaded if isinstance(t, float)]
    base = sorted(t for t in reference if isinstance(t, float))
    print(f"relay from {args.relay_src}; its open-file limit {args.nofile or 'unchanged'}; "
          f"{len(slow)} slow connections opened ({args.per_address} per source address)")
    print(f"reference (no load): {', '.join(fmt(t) for t in reference)}")
    print(f"under load:          {', '.join(fmt(t) for t in loaded)}  -> answered {len(answered)} of {len(loaded)}")
    if answered and base:
        ratio = sorted(answered)[len(answered) // 2] / base[len(base) // 2]
        print(f"ratio, median under load / median reference: {ratio:.1f}x")
    print(f"slow connections still open: {during} right after the genuine callbacks, {after} "
          f"{time.monotonic() - opened_at:.1f}s after they were sent")
    print(f"/health: {json.dumps(counters)}")
    met = len(answered) == len(loaded)
    print("GOAL MET" if met else "GOAL NOT MET", "(every genuine callback answered while the slow clients hang)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
