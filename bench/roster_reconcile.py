"""Roster reconcile: time per poll against clearing and re-adding the table, measured in the same run.

Runs the Roster headless (`App.run_test()`) with 1,000 and 5,000 participants. Each poll 5 % of them change:
2 % toggle mute, 1 % toggle hold, 1 % leave and 1 % join; the clock moves 1 s per poll (leavers linger 10 s,
joiners stay highlighted 3 s, so removals and restyles happen every poll). The cursor sits mid-table and must
stay on its callId. As on the screen, `tick()` runs between polls, so the durations a poll reports are already
on screen. Reported per poll (median of POLLS):

  show            one poll as the console handles it: RoomWatch.apply_poll (the one diff) + Roster.apply
  clear+re-add    DataTable.clear() then add_row() for every participant (same cell text), cursor restored
  +settle         the same, plus the idle pass that measures new/changed cells and one screen refresh
  tick            Roster.tick() one second later (every duration cell changes)

Goal (issue 4): show <= 25 ms at 1,000 and <= 0.3x clear-and-re-add. Bounded: it stops by itself.
Usage: python bench/roster_reconcile.py [--polls N] [--sizes 1000,5000]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from api.models import Conference, Participant
from api.models.display import clock
from console.rooms.watch import RoomWatch
from widgets.people import clock_time, format_number, short_call_id
from widgets.roster import Roster
from widgets.roster_rows import styled_row

START = datetime(2025, 1, 1, 9, 0, 0)


class Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.roster = Roster(clock=lambda: START)

    def compose(self) -> ComposeResult:
        yield self.roster


def make(index: int, rng: random.Random) -> Participant:
    return Participant(
        cli=f"+4670{rng.randrange(1_000_000, 9_999_999)}", id=f"call-{index:06d}-{rng.getrandbits(32):08x}",
        duration=rng.randrange(0, 4000), muted=rng.random() < 0.3, onhold=False,
    )


def polls(size: int, count: int, seed: int = 7) -> list[list[Participant]]:
    """`count` successive polls; each changes 5 % of the participants."""
    rng = random.Random(seed)
    current = [make(i, rng) for i in range(size)]
    next_index = size
    result = [list(current)]
    per = max(1, size // 100)
    for _ in range(count):
        # a second passes between polls: every duration grows (tick() has already shown that), 5 % really change
        current = [p.model_copy(update={"duration": p.duration + 1}) for p in current]
        for _ in range(2 * per):
            i = rng.randrange(len(current))
            current[i] = current[i].model_copy(update={"muted": not current[i].muted})
        for _ in range(per):
            i = rng.randrange(len(current))
            current[i] = current[i].model_copy(update={"on_hold": not current[i].on_hold})
        for _ in range(per):
            # leave from anywhere above the middle (the cursor's row), so rows above it move
            current.pop(rng.randrange(len(current) // 2))
        for _ in range(per):
            current.append(make(next_index, rng))
            next_index += 1
        result.append(list(current))
    return result


def baseline(roster: Roster, participants: list[Participant], now: datetime) -> None:
    """What reconciling replaces: throw the rows away and add them all again, then find the cursor's row."""
    selected = roster.selected_call_id
    DataTable.clear(roster)
    joined = clock_time(now)
    for p in participants:  # the same cell text and styles as the roster draws, with the same cached formatting
        cells = [format_number(p.cli), "", short_call_id(p.call_id), clock(p.duration),
                 "muted" if p.muted else "", "on hold" if p.on_hold else "", joined, ""]
        roster.add_row(*styled_row(cells, ""), key=p.call_id)
    if selected is not None and selected in roster.rows:
        roster.move_cursor(row=roster.get_row_index(selected))


async def measure(size: int, count: int) -> dict[str, float]:
    app = Host()
    sequence = polls(size, count)
    results: dict[str, list[float]] = {"show": [], "show+settle": [], "tick": [], "readd": [], "readd+settle": []}
    async with app.run_test(size=(120, 40)) as pilot:
        roster = app.roster
        watch = RoomWatch("bench")
        watch.apply_poll(Conference(participants=sequence[0]), START)
        roster.show(sequence[0], now=START)
        await pilot.pause()
        roster.move_cursor(row=size // 2)
        kept = roster.selected_call_id
        for n, participants in enumerate(sequence[1:], start=1):
            now = START + timedelta(seconds=n)
            started = time.perf_counter()
            roster.apply(watch.apply_poll(Conference(participants=participants), now))
            shown = time.perf_counter()
            await pilot.pause()
            settled = time.perf_counter()
            assert roster.selected_call_id == kept, "the cursor left its callId"
            roster.tick(now + timedelta(seconds=1))  # the screen's 1 s timer between polls
            ticked = time.perf_counter()
            await pilot.pause()
            results["show"].append(shown - started)
            results["show+settle"].append(settled - started)
            results["tick"].append(ticked - settled)
        for n, participants in enumerate(sequence[1:], start=1):
            now = START + timedelta(seconds=n)
            started = time.perf_counter()
            baseline(roster, participants, now)
            shown = time.perf_counter()
            await pilot.pause()
            settled = time.perf_counter()
            results["readd"].append(shown - started)
            results["readd+settle"].append(settled - started)
    return {name: statistics.median(values) * 1000 for name, values in results.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--polls", type=int, default=20)
    parser.add_argument("--sizes", default="1000,5000")
    args = parser.parse_args()
    print(f"roster reconcile, 5 % changed per poll, median of {args.polls} polls (ms per poll)")
    print(f"{'rows':>6} {'show':>8} {'re-add':>8} {'ratio':>6} {'show+settle':>12} {'re-add+settle':>14} {'ratio':>6}"
          f" {'tick':>7}")
    for size in (int(s) for s in args.sizes.split(",")):
        r = asyncio.run(measure(size, args.polls))
        print(f"{size:>6} {r['show']:>8.2f} {r['readd']:>8.2f} {r['show'] / r['readd']:>6.2f}"
              f" {r['show+settle']:>12.2f} {r['readd+settle']:>14.2f} {r['show+settle'] / r['readd+settle']:>6.2f}"
              f" {r['tick']:>7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
