"""Snapshots of the Conferences screen's states, on a frozen in-process sandbox (seeded ids, fixed clock)."""

from __future__ import annotations

from pathlib import Path

from console_helpers import SIZE, Harness, wait_for_roster
from waiting import eventually

from console.backend import connect_in_process
from console.screens.conferences import ConferencesScreen
from console.screens.dialogs import ConfirmScreen, PromptScreen
from console.screens.help import HelpScreen


def test_live_room(snap_compare, tmp_path: Path) -> None:
    h = Harness(tmp_path, seed=7)

    async def scene(pilot) -> None:
        await wait_for_roster(h.app, pilot)
        await pilot.press("down")

    assert snap_compare(h.app, terminal_size=SIZE, run_before=scene)


def test_empty_watch_list(snap_compare, tmp_path: Path) -> None:
    backend = connect_in_process(seed=7)
    backend.rooms = []
    h = Harness(tmp_path, backend=backend)

    async def scene(pilot) -> None:
        await eventually(lambda: isinstance(h.app.screen, ConferencesScreen), pilot)

    assert snap_compare(h.app, terminal_size=SIZE, run_before=scene)


def test_stale_room(snap_compare, tmp_path: Path) -> None:
    h = Harness(tmp_path, seed=7)

    async def scene(pilot) -> None:
        await wait_for_roster(h.app, pilot)
        # Only the visible room fails: a fault on every room made the other rooms' "stale" race the picture.
        await h.http.post("/_sandbox/faults", json={"kind": "status", "status": 503, "count": -1,
                                                    "path": f"/calling/v1/conferences/id/{h.screen.room}"})
        await pilot.press("r")
        title = h.screen.query_one("#room-title")
        await eventually(lambda: "stale" in str(title.render()), pilot)
        # Freeze the picture: "retrying in N s" counts down on the loop's own clock (the console's clock is
        # frozen here, the loop's is not), so a loaded machine drew 1 s or 0 s. The wording has its own test.
        h.app.session.rooms.close()
        h.screen._show_title()
        await eventually(lambda: "retrying" not in str(title.render()), pilot)

    assert snap_compare(h.app, terminal_size=SIZE, run_before=scene)


def test_help(snap_compare, tmp_path: Path) -> None:
    h = Harness(tmp_path, seed=7)

    async def scene(pilot) -> None:
        await wait_for_roster(h.app, pilot)
        await pilot.press("question_mark")
        await eventually(lambda: isinstance(h.app.screen, HelpScreen), pilot)

    assert snap_compare(h.app, terminal_size=SIZE, run_before=scene)


def test_kick_confirmation(snap_compare, tmp_path: Path) -> None:
    h = Harness(tmp_path, seed=7)

    async def scene(pilot) -> None:
        await wait_for_roster(h.app, pilot)
        await pilot.press("x")
        await eventually(lambda: isinstance(h.app.screen, ConfirmScreen), pilot)

    assert snap_compare(h.app, terminal_size=SIZE, run_before=scene)


def test_kick_all_confirmation(snap_compare, tmp_path: Path) -> None:
    h = Harness(tmp_path, seed=7)

    async def scene(pilot) -> None:
        await wait_for_roster(h.app, pilot)
        await pilot.press("K")
        await eventually(lambda: isinstance(h.app.screen, PromptScreen), pilot)

    assert snap_compare(h.app, terminal_size=SIZE, run_before=scene)
