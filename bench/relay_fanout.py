"""Fan-out under an open-loop load: one relay, RATE signed callbacks a second for SECONDS, 100 subscribers.

Issue 15 measured on main (open loop, one relay, 10 s, latency from each callback's scheduled time): 100/s x
100 p95 20 ms, 300/s x 100 p95 1.2 s, 1,000/s x 100 p95 17.9 s with a quarter not delivered, while the relay
reported nothing dropped (the backlog sat in socket buffers). Goal for one relay: 1,000/s x 100, p95 <= 100 ms,
every reading subscriber receives everything, memory bounded.

The same harness runs the relay of `--before REV` (default: main before frames were built once; `git archive`
into a temporary folder) and of this tree, one after the other in the same run, with one more subscriber that
never reads (a 4 KB receive buffer) beside the readers. Load and subscribers run in child processes
(bench/relay_load.py). Printed for each: subscribers' p50/p95/p99, deliveries missing at the end, the POST
answer's p95, the relay's RSS before and after, and its /health counters. Machines here are shared and noisy:
compare the two lines, not the absolute numbers.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from relay_load import TOKEN, Child, cpu_seconds, load_config, rss_mb, start_relay, stop, summary

ROOT = Path(__file__).resolve().parent.parent
BEFORE = "cc2e8e8"  # main before the fan-out built each frame once (issue 15)
GOAL_P95_MS = 100.0
DRAIN = 5.0
"""Seconds after the last answer before the subscribers stop counting."""


def checkout(rev: str, into: Path) -> Path:
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def stalled_subscriber(url: str) -> socket.socket:
    """Upgraded to a websocket, then never read from again."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((host, int(port)))
    sock.sendall((f"GET /events HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Key: c3RhbGxlZC1zdWJzY3JpYmVy\r\nSec-WebSocket-Version: 13\r\n"
                  f"Authorization: Bearer {TOKEN}\r\n\r\n").encode())
    return sock


def health(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url + "/health", timeout=10) as answer:
        return dict(json.load(answer))


def run_one(source: Path, label: str, args: argparse.Namespace) -> dict[str, Any]:
    proc, url = start_relay(source, "--max-subscribers", str(args.subscribers + 10))
    try:
        stalled = stalled_subscriber(url)
        count = int(args.rate * args.seconds)
        events = url.replace("http://", "ws://") + "/events"
        groups = [[[events] for _ in range(args.subscribers)][i::args.readers] for i in range(args.readers)]
        readers = [Child("readers", {"subscribers": group, "token": TOKEN, "label": label, "count": count})
                   for group in groups]
        poster = Child("poster", load_config(label, count, args.rate, [url]))
        for child in (*readers, poster):
            child.ready()
        rss_start, cpu_start = rss_mb(proc.pid), cpu_seconds(proc.pid)
        t0 = time.monotonic() + 0.5
        poster.say(f"go {t0}")
        posted = poster.result()
        cpu = cpu_seconds(proc.pid) - cpu_start
        time.sleep(DRAIN)
        for child in readers:
            child.say(f"stop {t0} {args.rate}")
        figures = summary(posted, [child.result() for child in readers])
        figures.update(rss_start=rss_start, rss_end=rss_mb(proc.pid), health=health(url), late_by=posted["late_by"],
                       cpu=cpu / args.seconds * 100)
        stalled.close()
        return figures
    finally:
        stop(proc)


def show(name: str, f: dict[str, Any]) -> None:
    h = f["health"]
    print(f"  {name:7} p50 {f['p50']:8.1f} ms  p95 {f['p95']:8.1f} ms  p99 {f['p99']:8.1f} ms   "
          f"not received {f['lost']} of {f['accepted'] * f['subscribers']} deliveries  "
          f"answer p95 {f['answer_p95']:.1f} ms  (posting ended {f['late_by']:.1f} s late)")
    print(f"          relay CPU {f['cpu']:.0f} % of a core while posting; RSS {f['rss_start']:.0f} -> "
          f"{f['rss_end']:.0f} MB; /health relayed {h['relayed']}, dropped "
          f"{h['dropped']}, queued {h['queued']}, cut_slow {h.get('cut_slow', '-')}; statuses {f['statuses']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=1000.0, help="callbacks a second")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--subscribers", type=int, default=100, help="reading subscribers (one stalled besides)")
    parser.add_argument("--readers", type=int, default=4, help="processes the subscribers are spread over")
    parser.add_argument("--before", default=BEFORE, help="the commit to compare with ('none' skips it)")
    args = parser.parse_args(argv)
    print(f"one relay, {args.rate:g} callbacks/s for {args.seconds:g} s (open loop), {args.subscribers} reading "
          "subscribers + 1 stalled; latency from each callback's scheduled time to each subscriber")
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="relay-before-") as old:
        if args.before != "none":
            results[f"before {args.before}"] = run_one(checkout(args.before, Path(old)), "b", args)
        results["now"] = run_one(ROOT, "n", args)
    for name, figures in results.items():
        show(name, figures)
    now = results["now"]
    met = now["p95"] is not None and now["p95"] <= GOAL_P95_MS and now["lost"] == 0
    print(f"goal: p95 <= {GOAL_P95_MS:.0f} ms and every reading subscriber received everything: "
          f"{'GOAL MET' if met else 'GOAL NOT MET'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
