"""The walking skeleton as a user sees it: connect to the in-process sandbox, show the live roster."""

from __future__ import annotations

import httpx

from console.app import SinchConsole
from console.backend import Backend, connect_in_process
from console.screens.conference import ConferenceScreen
from console.screenshots import SIZE, frozen_app, wait_for_roster
from widgets import Roster


async def test_roster_shows_the_sandbox_participants_and_follows_changes() -> None:
    backend = connect_in_process(seed=11)
    app = SinchConsole(lambda: backend, poll_interval=3600)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_roster(app, pilot)
        screen = app.screen
        assert isinstance(screen, ConferenceScreen)
        roster = screen.query_one(Roster)
        conference = await backend.client.conferences.get(screen.room or "")
        assert sorted(roster.rows) == sorted(p.call_id for p in conference.participants)

        # Someone joins on the platform; a refresh (r) shows them without losing the cursor.
        roster.move_cursor(row=1)
        kept = roster.selected_call_id
        http: httpx.AsyncClient = backend.client._http
        joined = await http.post(f"/_sandbox/conferences/{screen.room}/participants", json={"cli": "+14155550100"})
        await pilot.press("r")
        for _ in range(50):
            await pilot.pause()
            if joined.json()["callId"] in roster.rows:
                break
        assert joined.json()["callId"] in roster.rows
        assert roster.selected_call_id == kept


async def test_switching_rooms_and_an_empty_room_is_worded() -> None:
    backend = connect_in_process(seed=11)
    await backend.client.conferences.kick_all(backend.rooms[1])
    app = SinchConsole(lambda: backend, poll_interval=3600)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_roster(app, pilot)
        await pilot.press("]")
        status = app.screen.query_one("#status")
        for _ in range(50):
            await pilot.pause()
            if "no participants" in str(status.render()):
                break
        assert "no participants right now (40400)" in str(status.render())
        assert app.screen.query_one(Roster).row_count == 0


async def test_a_failing_platform_is_shown_in_words_and_the_app_keeps_running() -> None:
    backend = connect_in_process(seed=11)
    http: httpx.AsyncClient = backend.client._http
    app = SinchConsole(lambda: backend, poll_interval=3600)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_roster(app, pilot)
        await http.post("/_sandbox/faults", json={"kind": "status", "status": 500, "count": -1})
        await pilot.press("r")
        status = app.screen.query_one("#status")
        for _ in range(100):
            await pilot.pause()
            if "Cannot refresh" in str(status.render()):
                break
        assert "Cannot refresh" in str(status.render())
        assert app.screen.query_one(Roster).row_count > 0  # the last roster stays on screen
        assert app.is_running


async def test_a_backend_that_cannot_start_is_explained() -> None:
    def broken() -> Backend:
        raise OSError("address already in use")

    app = SinchConsole(broken)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(20):
            await pilot.pause()
        assert "Could not connect: address already in use" in str(app.query_one("#splash").render())


def test_snapshot_conference_roster(snap_compare) -> None:
    assert snap_compare(frozen_app(), terminal_size=SIZE, run_before=lambda pilot: wait_for_roster(pilot.app, pilot))
