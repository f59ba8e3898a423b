"""An idle console does not lay its screen out again for words it already shows (issue 14, idle CPU): a quiet
room's every poll set the same room title and the same empty-roster note, and each `Static.update` re-laid the
whole screen out, the most of what a console watching one room at 1 s spent."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from console_helpers import SIZE, Harness, wait_for_roster
from textual.widgets import Static
from waiting import eventually

from console.rooms.updates import RoomPolled

LINES = ("room-title", "roster-empty")


async def test_polls_that_change_nothing_set_no_line_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    said: dict[str, list[str]] = {line: [] for line in LINES}
    real_update = Static.update

    def recorded(self: Static, *args: object, **kwargs: object) -> None:
        if self.id in said:
            said[self.id].append(str(args[0]) if args else "")
        real_update(self, *args, **kwargs)  # type: ignore[arg-type]

    h = Harness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        await wait_for_roster(h.app, pilot)
        monkeypatch.setattr(Static, "update", recorded)
        room = h.screen.room
        polls: list[RoomPolled] = []  # of the room on screen (the demo watches others too)
        unsubscribe = h.screen.rooms.subscribe(
            lambda update: polls.append(update) if isinstance(update, RoomPolled) and update.result.room == room
            else None)
        await eventually(lambda: len(polls) >= 3, pilot, what="three polls of the room on screen")
        await pilot.pause()
        unsubscribe()
    for line, texts in said.items():
        repeated = [a for a, b in itertools.pairwise(texts) if a == b]
        assert repeated == [], f"#{line} set again to the words it showed: {repeated[:2]}"
