"""The head-count sparkline a watched room grows in the watch list once two minutes of polls are known."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from console_helpers import SIZE, Harness, wait_for_roster
from rich.console import Group
from waiting import eventually

from console.app import SinchConsole
from console.backend import FROZEN_AT
from console.config import resolve_settings
from widgets.watch_list import WatchList


async def test_a_watched_room_grows_a_head_count_sparkline(tmp_path: Path) -> None:
    now = [FROZEN_AT]
    h = Harness(tmp_path)
    resolved = resolve_settings(tmp_path / "config.toml", sandbox=True, read_only=False, env={})
    h.app = SinchConsole(lambda _: h.backend, resolved, folder=tmp_path, clock=lambda: now[0])
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await wait_for_roster(h.app, pilot)
        room = screen.room
        assert room is not None
        watch_list = screen.query_one(WatchList)
        assert not isinstance(watch_list.get_option(room).prompt, Group)  # one minute known: no line yet
        now[0] = FROZEN_AT + timedelta(minutes=1)
        h.app.session.rooms.refresh(room)

        def drawn() -> bool:
            summary = watch_list.summary(room)
            return summary is not None and len(summary.recent) == 2

        await eventually(drawn, pilot)
        await eventually(lambda: isinstance(watch_list.get_option(room).prompt, Group), pilot)
