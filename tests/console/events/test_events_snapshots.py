"""Snapshots of the Events mode (frozen sandbox and clock, 120x36): events fed to the screen's feed directly
(fixed received_at values, never a race with a socket), the connection state set by hand."""

from __future__ import annotations

from pathlib import Path

from events_helpers import SIZE, EventsHarness, ace, offline_feed, relayed, sample_events
from textual.widgets import Input
from waiting import eventually

from console.events import ConnectionState
from console.screens.events import EventsScreen


def _scene(h: EventsHarness, act):
    async def scene(pilot) -> None:
        await eventually(lambda: h.app.session is not None and "events" in h.app._modes, pilot)
        await pilot.press("6")
        await eventually(lambda: isinstance(h.app.screen, EventsScreen), pilot)
        screen = h.app.screen
        await act(pilot, screen)
        for field in screen.query(Input):  # a blinking cursor would race the picture
            field.cursor_blink = False
        await pilot.pause()

    return scene


def test_live_log_with_detail(snap_compare, tmp_path: Path) -> None:
    feed = offline_feed()
    feed.set_state(ConnectionState("live"))
    h = EventsHarness(tmp_path, feed)

    async def act(pilot, screen) -> None:
        for event in sample_events():
            feed.add(event)
        await eventually(lambda: screen.query_one("#events").row_count == 5, pilot)
        await pilot.press(*["up"] * 4, "enter")

    assert snap_compare(h.app, terminal_size=SIZE, run_before=_scene(h, act))


def test_filtered_and_paused_while_retrying(snap_compare, tmp_path: Path) -> None:
    feed = offline_feed()
    feed.log.extend(sample_events())
    h = EventsHarness(tmp_path, feed)

    async def act(pilot, screen) -> None:
        await pilot.press("slash", *"type:ace", "enter", "p")
        feed.add(relayed(ace("call-8"), seq=6, at="2026-11-23T09:31:00Z"))
        feed.add(relayed(ace("call-9"), seq=7, at="2026-11-23T09:31:05Z"))
        feed.set_state(ConnectionState("retrying", retry_in=4.0, reason="connection refused"))
        await eventually(lambda: "paused, 2 new" in str(screen.query_one("#events-title").render()), pilot)

    assert snap_compare(h.app, terminal_size=SIZE, run_before=_scene(h, act))


def test_no_relay_configured(snap_compare, tmp_path: Path) -> None:
    h = EventsHarness(tmp_path, None)

    async def act(pilot, screen) -> None:
        await pilot.pause()

    assert snap_compare(h.app, terminal_size=SIZE, run_before=_scene(h, act))
