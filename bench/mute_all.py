"""Mute all 100 participants with 50 ms of sandbox latency: concurrent (bounded) against sequential.

Each mute is one PATCH, so sequential costs ~100 round trips; the console's bulk action runs them with a
bound (`console.rooms.bulk.run_bulk`, 16 in flight here), which should take <= 0.15x the time. What is timed is
the path the app runs on `M`: `Moderator.mute_all` (after a poll, as the roster has one), each mute through a
`Gateway` that writes its two audit lines (attempt, outcome) to an `AuditLog` in a temporary folder, and the
timeline and attendance afterwards; sequential is the same Moderator with `bulk_limit=1`. Both runs are
measured in this process, on the same sandbox, on 127.0.0.1 (a `sinch-sandbox` subprocess, or a thread when
that entry point is missing); the ratio matters, not the absolute numbers. Bounded: 100 requests per run and
a time limit on each.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
from client_throughput import sandbox_server

from api import SinchVoiceClient
from console.audit import AuditLog, read_entries
from console.gateway import Gateway
from console.rooms import AttendanceBook, Moderator
from console.rooms.bulk import run_bulk

ROOM = "bench-mute-all"
GOAL = 0.15
TIME_LIMIT = 60.0


async def _prepare(admin: httpx.AsyncClient, client: SinchVoiceClient, people: int) -> None:
    await admin.delete("/_sandbox/faults")
    try:
        conference = await client.conferences.get(ROOM)
        await run_bulk(conference.participants, lambda cid: client.conferences.unmute(ROOM, cid), limit=16)
    except Exception:
        conference = None
    missing = people - (len(conference.participants) if conference else 0)
    for n in range(missing):
        response = await admin.post(f"/_sandbox/conferences/{ROOM}/participants", json={"cli": f"+4670{n:07d}"})
        response.raise_for_status()


async def _muted(admin: httpx.AsyncClient) -> int:
    state = (await admin.get("/_sandbox/state")).json()
    return sum(1 for p in state["conferences"].get(ROOM, []) if p["muted"])


def _moderator(client: SinchVoiceClient, folder: Path, limit: int) -> Moderator:
    """As console.session wires it: the gateway writes the audit log, attendance goes to its journal."""
    audit = AuditLog(folder / "audit.jsonl", "bench@sandbox")
    return Moderator(client, attendance=AttendanceBook.load(folder / "attendance"), gateway=Gateway(client, audit),
                     bulk_limit=limit)


async def _mute_all(client: SinchVoiceClient, admin: httpx.AsyncClient, folder: Path, people: int, latency: float,
                    limit: int) -> float:
    """Seconds `Moderator.mute_all` takes for everyone in the room, `limit` mutes in flight."""
    moderator = _moderator(client, folder, limit)
    await _prepare(admin, client, people)
    poll = await moderator.poll(ROOM)  # the roster the app's mute all works from
    if not poll.ok or len(moderator.watch(ROOM).participants) != people:
        raise RuntimeError(f"the poll before mute all failed: {poll.error}")
    fault = {"kind": "latency", "seconds": latency, "count": -1, "path": "/calling"}
    (await admin.post("/_sandbox/faults", json=fault)).raise_for_status()
    try:
        started = time.perf_counter()
        outcome = await asyncio.wait_for(moderator.mute_all(ROOM), TIME_LIMIT)
        seconds = time.perf_counter() - started
    finally:
        await admin.delete("/_sandbox/faults")
    if not outcome.ok or await _muted(admin) != people:
        raise RuntimeError(f"mute all failed: {outcome.text}")
    audited = read_entries(folder / "audit.jsonl", limit=4 * people)
    if len(audited) != 2 * people:  # an attempt and an outcome line per mute: the audit did run
        raise RuntimeError(f"{len(audited)} audit lines for {people} mutes, {2 * people} expected")
    moderator.attendance.flush()
    return seconds


async def _run(url: str, key: str, secret: str, people: int, latency: float, limit: int) -> tuple[float, float]:
    async with httpx.AsyncClient(base_url=url, timeout=10) as admin, \
            SinchVoiceClient(key, secret, base_url=url, max_retries=0) as client:
        timings = []
        for concurrency in (1, limit):
            with tempfile.TemporaryDirectory(prefix="sinch-bench-mute-all-") as temp:
                timings.append(await _mute_all(client, admin, Path(temp), people, latency, concurrency))
        return timings[0], timings[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--limit", type=int, default=16, help="requests in flight for the concurrent run")
    args = parser.parse_args()
    from sandbox import DEMO_APPLICATION_KEY, DEMO_APPLICATION_SECRET

    with sandbox_server() as url:
        sequential, concurrent = asyncio.run(_run(url, DEMO_APPLICATION_KEY, DEMO_APPLICATION_SECRET,
                                                  args.people, args.latency, args.limit))
    ratio = concurrent / sequential
    print(f"mute all {args.people} participants, {args.latency * 1000:.0f} ms sandbox latency, {url}")
    print(f"  sequential            {sequential:7.3f} s")
    print(f"  concurrent (limit {args.limit:2d}) {concurrent:7.3f} s")
    print(f"  ratio                 {ratio:7.3f}x  (goal <= {GOAL}x: {'met' if ratio <= GOAL else 'NOT met'})")


if __name__ == "__main__":
    main()
