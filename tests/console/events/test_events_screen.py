"""The Events mode: rows as events arrive (also while another mode is shown), the filter, pause, the detail
pane, the connection state in the title, the empty state; and, against a real relay on 127.0.0.1, the app's
subscription and its reactions (a new room joins the watch list, a tracked call is woken)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from events_helpers import (
    RULES,
    SIZE,
    TOKEN,
    EventsHarness,
    Harness,
    ace,
    dice,
    ice,
    offline_feed,
    pie,
    post_callback,
    relayed,
    sample_events,
    settings,
)
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static
from waiting import eventually

from console.events import ConnectionState, EventFeed
from console.screens.events import EventsScreen
from relay import Rules, RunningRelay, start_relay_thread
from widgets.watch_list import WatchList


async def open_events(h: EventsHarness, pilot: Pilot[None]) -> EventsScreen:
    await eventually(lambda: h.app.session is not None and "events" in h.app._modes, pilot)
    await pilot.press("6")
    await eventually(lambda: isinstance(h.app.screen, EventsScreen), pilot)
    screen = h.app.screen
    assert isinstance(screen, EventsScreen)
    return screen


def table(screen: EventsScreen) -> DataTable[Any]:
    return screen.query_one("#events", DataTable)


def rows(screen: EventsScreen) -> list[list[str]]:
    grid = table(screen)
    return [[str(cell) for cell in grid.get_row_at(index)] for index in range(grid.row_count)]


def title(screen: EventsScreen) -> str:
    return str(screen.query_one("#events-title", Static).render())


def _plain(screen: EventsScreen) -> str:
    """The detail pane as plain text (its renderable printed without colours, wide enough not to wrap)."""
    console = Console(width=200, color_system=None, force_terminal=False)
    with console.capture() as capture:
        console.print(screen.query_one("#event-detail", Static).content)
    return capture.get()


async def test_rows_arrive_and_the_table_follows(tmp_path: Path) -> None:
    feed = offline_feed()
    h = EventsHarness(tmp_path, feed)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await open_events(h, pilot)
        assert rows(screen) == [] and "0 events" in title(screen)
        for event in sample_events():
            feed.add(event)
        await eventually(lambda: table(screen).row_count == 5, pilot)
        assert rows(screen)[0] == ["09:30:00", "ICE", "call-1", "standup", "46708168731",
                                   "ICE 46708168731 → 46730170101, connectConf standup"]
        assert rows(screen)[4][1:4] == ["DiCE", "call-1", "standup"]
        assert rows(screen)[4][5] == "DiCE HUNGUP CALLERHANGUP 0:42"
        assert table(screen).cursor_row == 4  # following the newest
        await pilot.press("up", "up")
        feed.add(relayed(ace("call-3"), seq=6, at="2026-11-23T09:31:00Z"))
        await eventually(lambda: table(screen).row_count == 6, pilot)
        assert table(screen).cursor_row == 2  # reading older rows: not yanked to the bottom
        feed.set_state(ConnectionState("retrying", retry_in=4.2, reason="connection refused"))
        await pilot.pause()
        assert "relay retrying in 4 s (connection refused) · 6 events" in title(screen)


async def test_events_are_collected_while_another_mode_is_shown(tmp_path: Path) -> None:
    feed = offline_feed()
    h = EventsHarness(tmp_path, feed)
    async with h.app.run_test(size=SIZE) as pilot:
        await eventually(lambda: h.app.session is not None and "events" in h.app._modes, pilot)
        feed.add(sample_events()[0])  # before the Events screen ever existed
        screen = await open_events(h, pilot)
        await eventually(lambda: table(screen).row_count == 1, pilot)
        await pilot.press("1")
        await eventually(lambda: not isinstance(h.app.screen, EventsScreen), pilot)
        for event in sample_events()[1:]:
            feed.add(event)
        await pilot.press("6")
        await eventually(lambda: h.app.screen is screen and table(screen).row_count == 5, pilot)


async def test_filter(tmp_path: Path) -> None:
    feed = offline_feed()
    feed.log.extend(sample_events())
    h = EventsHarness(tmp_path, feed)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await open_events(h, pilot)
        await eventually(lambda: table(screen).row_count == 5, pilot)
        await pilot.press("slash")
        assert screen.query_one("#events-filter", Input).has_focus
        await pilot.press(*"type:ace")
        await eventually(lambda: table(screen).row_count == 2, pilot)
        assert [row[2] for row in rows(screen)] == ["call-1", "call-2"]
        assert "2 shown" in title(screen)
        feed.add(relayed(ace("call-7"), seq=6, at="2026-11-23T09:31:00Z"))
        feed.add(relayed(dice("call-7"), seq=7, at="2026-11-23T09:31:30Z"))
        await eventually(lambda: table(screen).row_count == 3, pilot)  # new events go through the filter too
        await pilot.press("enter")
        assert table(screen).has_focus
        screen.query_one("#events-filter", Input).value = "room:standup call:call-1 hungup"
        await eventually(lambda: table(screen).row_count == 1, pilot)
        assert rows(screen)[0][1] == "DiCE"
        screen.query_one("#events-filter", Input).value = ""
        await eventually(lambda: table(screen).row_count == 7, pilot)


async def test_escape_clears_the_filter(tmp_path: Path) -> None:
    feed = offline_feed()
    feed.log.extend(sample_events())
    h = EventsHarness(tmp_path, feed)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await open_events(h, pilot)
        await eventually(lambda: table(screen).row_count == 5, pilot)
        field = screen.query_one("#events-filter", Input)
        await pilot.press("slash", *"type:ace")
        await eventually(lambda: table(screen).row_count == 2, pilot)
        await pilot.press("escape")  # in the field: the filter goes, every event is back
        await eventually(lambda: table(screen).row_count == 5, pilot)
        assert field.value == "" and not field.display and table(screen).has_focus and "shown" not in title(screen)
        await pilot.press("slash", *"type:ace", "enter")  # applied, back in the table
        await eventually(lambda: table(screen).row_count == 2 and table(screen).has_focus, pilot)
        await pilot.press("enter")  # the detail pane first, then the filter
        await pilot.press("escape")
        assert not screen.query_one("#event-detail-pane").display and field.value == "type:ace"
        await pilot.press("escape")
        await eventually(lambda: table(screen).row_count == 5, pilot)
        assert field.value == "" and not field.display


async def test_an_empty_table_says_why(tmp_path: Path) -> None:
    feed = offline_feed()
    h = EventsHarness(tmp_path, feed)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await open_events(h, pilot)
        none = screen.query_one("#events-none", Static)
        await eventually(lambda: none.display, pilot)
        assert str(none.render()).startswith("No events yet: callbacks the relay receives")
        for event in sample_events():
            feed.add(event)
        await eventually(lambda: table(screen).row_count == 5 and not none.display, pilot)
        await pilot.press("slash", *"room:nowhere")
        await eventually(lambda: table(screen).row_count == 0 and none.display, pilot)
        assert str(none.render()) == "No event matches the filter room:nowhere (5 hidden): escape clears it."


async def test_pause_keeps_collecting(tmp_path: Path) -> None:
    feed = offline_feed()
    events = sample_events()
    feed.log.extend(events[:3])
    h = EventsHarness(tmp_path, feed)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await open_events(h, pilot)
        await eventually(lambda: table(screen).row_count == 3, pilot)
        await pilot.press("p")
        for event in events[3:]:
            feed.add(event)
        await eventually(lambda: "paused, 2 new" in title(screen), pilot)
        await pilot.pause()
        assert table(screen).row_count == 3 and feed.log.total == 5
        screen.query_one("#events-filter", Input).value = "type:ace"  # a filter applies to the frozen rows
        await eventually(lambda: table(screen).row_count == 1, pilot)
        screen.query_one("#events-filter", Input).value = ""
        await eventually(lambda: table(screen).row_count == 3, pilot)
        assert "paused, 2 new" in title(screen)
        await pilot.press("p")
        await eventually(lambda: table(screen).row_count == 5, pilot)
        assert "paused" not in title(screen)


async def test_detail_shows_the_event_json_and_the_answer(tmp_path: Path) -> None:
    feed = offline_feed()
    feed.log.extend(sample_events())
    # A platform string that looks like markup stays text.
    feed.log.add(relayed({**ace("call-[b]x[/b]"), "cli": "[red]46700000000[/red]"}, seq=6,
                         at="2026-11-23T09:31:00Z"))
    h = EventsHarness(tmp_path, feed)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await open_events(h, pilot)
        await eventually(lambda: table(screen).row_count == 6, pilot)
        assert not screen.query_one("#event-detail-pane").display
        await pilot.press("enter")
        assert screen.query_one("#event-detail-pane").display
        text = _plain(screen)
        assert '"callId": "call-[b]x[/b]"' in text and '"cli": "[red]46700000000[/red]"' in text
        assert rows(screen)[5][4] == "[red]46700000000[/red]"
        await pilot.press(*["up"] * 5)
        await pilot.pause()
        text = _plain(screen)
        assert "ICE · 09:30:00 (just now) · seq 1 · rule: dial-in -> standup" in text
        assert '"event": "ice"' in text and '"endpoint": "46730170101"' in text
        assert "Answered (SVAML)" in text and '"name": "connectConf"' in text and '"conferenceId": "standup"' in text
        await pilot.press(*["down"] * 4)
        await pilot.pause()
        assert "nothing answered" in _plain(screen)  # the DiCE: no SVAML
        await pilot.press("escape")
        assert not screen.query_one("#event-detail-pane").display


async def test_no_relay_configured(tmp_path: Path) -> None:
    h = EventsHarness(tmp_path, None)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await open_events(h, pilot)
        text = str(screen.query_one("#events-empty", Static).render())
        assert "no relay is configured" in text and "missing relay_url and relay_token" in text
        assert 'relay_url = "wss://' in text and "[profiles.default]" in text
        assert "no relay configured" in title(screen)
        await pilot.press("p", "slash", "enter", "escape")  # keys do nothing, and nothing breaks


# ---- the app's own subscription, against a real relay -------------------------------------------------


@pytest.fixture
def retro_relay() -> Iterator[RunningRelay]:
    relay = start_relay_thread(settings(rules=Rules.parse(RULES.replace('"standup"', '"retro"'))))
    yield relay
    relay.stop()


async def test_the_app_subscribes_and_reacts(tmp_path: Path, retro_relay: RunningRelay) -> None:
    config = f'[profiles.default]\nrelay_url = "{retro_relay.events_url}"\nrelay_token = "{TOKEN}"\n'
    h = Harness(tmp_path, config=config, seed=7)
    async with h.app.run_test(size=SIZE) as pilot, \
            httpx.AsyncClient(base_url=retro_relay.url, trust_env=False) as http:
        await eventually(lambda: h.app.events_feed is not None and h.app.events_feed.state.kind == "live", pilot)
        feed = h.app.events_feed
        assert isinstance(feed, EventFeed)
        badge = h.screen.query_one("#events-badge")  # every mode's top bar says whether events come in
        await eventually(lambda: str(badge.render()) == "events live", pilot)
        session = h.app.session
        assert session is not None
        tracked = session.calls.add("call-9")
        tracked.unknown = True  # as if the platform had said 40400 for it
        watch_list = h.screen.query_one(WatchList)
        assert "retro" not in watch_list.rooms
        await post_callback(http, ice("call-9"))  # the rule connects it to the room "retro"
        await eventually(lambda: "retro" in watch_list.rooms, pilot)
        assert h.screen.room != "retro" or watch_list.rooms == ["retro"]  # the visible room did not change
        await post_callback(http, dice("call-9"))
        # the DiCE woke the call the platform did not know and the calls were polled at once (no Calls screen open)
        await eventually(lambda: feed.log.total == 2 and session.calls.get("call-9").polled_at is not None, pilot)
        screen = await open_events(h, pilot)  # type: ignore[arg-type]
        await eventually(lambda: table(screen).row_count == 2, pilot)
        assert [row[1] for row in rows(screen)] == ["ICE", "DiCE"] and rows(screen)[1][3] == "retro"
        assert "relay live · 2 events" in title(screen)


async def test_a_wrong_token_shows_refused(tmp_path: Path, retro_relay: RunningRelay) -> None:
    config = f'[profiles.default]\nrelay_url = "{retro_relay.events_url}"\nrelay_token = "wrong"\n'
    h = Harness(tmp_path, config=config, seed=7)
    async with h.app.run_test(size=SIZE) as pilot:
        badge = None

        def refused_in_top_bar() -> bool:
            nonlocal badge
            badge = badge or next(iter(h.app.screen.query("#events-badge")), None)
            return badge is not None and str(badge.render()) == "events refused: bad token"

        await eventually(refused_in_top_bar, pilot)
        assert badge is not None and badge.has_class("down")
        screen = await open_events(h, pilot)  # type: ignore[arg-type]
        await eventually(lambda: "relay refused: bad token" in title(screen), pilot)
        assert not screen.query("#events-badge")  # the Events mode says it in its title instead


async def test_reactions_poll_and_watch_rooms_without_changing_the_visible_one(tmp_path: Path) -> None:
    h = EventsHarness(tmp_path, offline_feed())
    async with h.app.run_test(size=SIZE) as pilot:
        await eventually(lambda: h.app.session is not None and "events" in h.app._modes, pilot)
        conferences = h.screen
        session = h.app.session
        assert session is not None
        watch_list = conferences.query_one(WatchList)
        await eventually(lambda: watch_list.rooms == ["standup", "board-room", "support-bridge"], pilot)
        visible = conferences.room
        polled: list[str] = []
        session.rooms.poll_soon = lambda room, delay=0.0: polled.append(room)  # type: ignore[method-assign]

        def react(document: dict[str, Any], answer: dict[str, Any] | None = None) -> None:
            session.events.route(relayed(document, seq=1, at="2026-11-23T09:30:00Z", answer=answer))

        react({**ace("c-1"), "conferenceId": "board-room"})
        react(pie("1", "c-2", menu_id="support-bridge"))  # conference DTMF: the room only as the menu
        react(pie("1", "c-3", menu_id="main-menu"))  # a runMenu: not a room
        react({**dice("c-4"), "conferenceId": "ended-room"})  # a call ending does not start a watch
        assert polled == ["board-room", "support-bridge"]
        conferences.moderator.watch("board-room").toggle_pause()
        react({**ace("c-5"), "conferenceId": "board-room"})  # paused by the operator: left alone
        assert polled == ["board-room", "support-bridge"]
        react(ice("c-6"), answer={"instructions": [], "action": {"name": "connectConf", "conferenceId": "retro"}})
        assert watch_list.rooms == ["standup", "board-room", "support-bridge", "retro"]
        assert conferences.room == visible
        session.rooms.max_from_events = 4  # a busy application: events stop adding rooms at the limit
        react({**ace("c-7"), "conferenceId": "one-too-many"})
        assert "one-too-many" not in watch_list.rooms and len(watch_list.rooms) == 4
        from console.messages import EventArrived

        stale = relayed({**ace("c-8"), "conferenceId": "old-profile-room"}, seq=9, at="2026-11-23T09:30:09Z")
        h.app.post_message(EventArrived(stale, feed=object()))  # queued from the relay of a previous session
        for _ in range(5):
            await pilot.pause()
        assert "old-profile-room" not in watch_list.rooms
