"""Raised hands (issue 7): a conference participant presses 1, the sandbox sends a signed PIE to a real relay on
127.0.0.1, the console's feed receives it and the hand shows in the roster at once, with polling paused so no
poll can be the cause; unmuting, the h key, leaving and switching rooms behave as an operator expects."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from console_helpers import SIZE, Harness, wait_for_roster
from waiting import eventually

from api import SinchVoiceClient
from console.backend import FROZEN_AT, Backend
from console.events import EventFeed, parse_message
from console.messages import EventArrived
from console.screens.conferences import ConferencesScreen
from relay import RelaySettings, Rules, RunningRelay, start_relay_thread
from sandbox import DEMO_APPLICATION_KEY, DEMO_APPLICATION_SECRET, DEMO_ROOMS, Clock, Sandbox, create_app
from widgets.timeline import Timeline

ROOM = "standup"
TOKEN = "hands-token-5d21-at-least-32-characters"
CLI = "+46701234567"
WAIT = 5.0  # seconds the sandbox may take to deliver its queued callbacks (loopback: milliseconds)
RULES = f"""
[[rule]]
name = "dial-in -> {ROOM}, keys detected"
event = "ice"
custom = "{ROOM}"
action = "connectConf"
conference = "{ROOM}"
detect_dtmf = true
"""


@pytest.fixture
def relay() -> Iterator[RunningRelay]:
    settings = RelaySettings(application_key=DEMO_APPLICATION_KEY, application_secret=DEMO_APPLICATION_SECRET,
                             token=TOKEN, rules=Rules.parse(RULES))
    running = start_relay_thread(settings)
    yield running
    running.stop()


@pytest.fixture
def sandbox_backend() -> Iterator[tuple[Backend, Sandbox]]:
    """What `connect_in_process` builds, keeping hold of the sandbox to stop its callback sender after."""
    app = create_app(scenario="demo", seed=7, clock=Clock.manual(start=FROZEN_AT))
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox")
    client = SinchVoiceClient(application_key=DEMO_APPLICATION_KEY, application_secret=DEMO_APPLICATION_SECRET,
                              base_url="http://sandbox", http_client=http)
    sandbox: Sandbox = app.state.sandbox
    yield Backend(client, "default · SANDBOX (in process)", True, list(DEMO_ROOMS), after_close=http.aclose), sandbox
    sandbox.close()


class Room:
    """The sandbox side: dial in, press keys, hang up, and wait for callbacks to reach the relay."""

    def __init__(self, h: Harness) -> None:
        self.h = h

    async def admin(self, method: str, path: str, body: Any = None) -> httpx.Response:
        return await self.h.http.request(method, f"/_sandbox{path}", json=body)

    async def flush(self) -> None:
        response = await self.admin("POST", "/callbacks/flush", {"timeout": WAIT})
        assert response.status_code == 200 and response.json()["flushed"], response.text

    async def dial_in(self, cli: str = CLI, *, muted: bool = False) -> str:
        response = await self.admin("POST", f"/conferences/{ROOM}/participants", {"cli": cli, "muted": muted})
        assert response.status_code == 201, response.text
        await self.flush()  # the ICE reached the relay, whose answer turned on DTMF detection
        return response.json()["callId"]

    async def press(self, call_id: str, digits: str) -> None:
        response = await self.admin("POST", f"/participants/{call_id}/dtmf", {"digits": digits})
        assert response.status_code == 200 and response.json()["sent"], response.text
        await self.flush()

    async def hang_up(self, call_id: str) -> None:
        response = await self.admin("DELETE", f"/conferences/{ROOM}/participants/{call_id}")
        assert response.status_code == 204, response.text
        await self.flush()


def hand(h: Harness, call_id: str) -> bool:
    row = h.roster.participant(call_id)
    return row is not None and row.hand_raised and str(h.roster.get_cell(call_id, "hand")) == "▲"


def hand_lines(screen: ConferencesScreen) -> list[tuple[str, str, str]]:
    return [(entry.who, entry.by, entry.detail) for entry in screen.query_one(Timeline).entries if entry.kind == "hand"]


async def test_pressing_1_raises_a_hand_without_a_poll(tmp_path: Path, relay: RunningRelay,
                                                      sandbox_backend: tuple[Backend, Sandbox]) -> None:
    backend, _ = sandbox_backend
    config = f'[profiles.default]\nrelay_url = "{relay.events_url}"\nrelay_token = "{TOKEN}"\n'
    config += f'[profiles.default.address_book."{CLI}"]\nname = "Ada Lovelace"\n'
    h = Harness(tmp_path, config=config, backend=backend)
    room = Room(h)
    async with h.app.run_test(size=SIZE) as pilot:
        await wait_for_roster(h.app, pilot)
        await eventually(lambda: h.app.events_feed is not None and h.app.events_feed.state.kind == "live", pilot)
        feed = h.app.events_feed
        assert isinstance(feed, EventFeed)
        screen = h.screen
        assert screen.room == ROOM
        await backend.client.callbacks.update(primary=relay.callback_url)
        call_id = await room.dial_in(muted=True)
        await eventually(lambda: h.roster.participant(call_id) is not None, pilot)  # the ICE's reaction polled
        assert not hand(h, call_id)

        await pilot.press("p")  # polling of the room paused: from here on no poll can show anything
        assert screen.moderator.watch(ROOM).paused
        polls: list[str] = []
        poll = screen.moderator.poll

        async def counted(polled: str) -> Any:
            polls.append(polled)
            return await poll(polled)

        screen.moderator.poll = counted  # type: ignore[method-assign]
        await room.press(call_id, "1")
        await eventually(lambda: hand(h, call_id), pilot)
        assert ROOM not in polls  # raised by the event itself (the other demo rooms keep polling on their timers)
        assert feed.log.events[-1].type == "pie"
        assert hand_lines(screen) == [("Ada Lovelace (+46 70 123 45 67)", "platform", "raised a hand (pressed 1)")]
        assert "1 hand up" in str(screen.query_one("#room-title").render())
        assert "raised a hand" in h.status()
        assert [hand.call_id for hand in screen.rooms.hands.raised(ROOM)] == [call_id]

        # another key means nothing; pressing 1 again changes nothing
        seen = feed.log.total
        await room.press(call_id, "2")
        await room.press(call_id, "1")
        await eventually(lambda: feed.log.total == seen + 2, pilot)
        for _ in range(5):
            await pilot.pause(0.01)
        assert len(hand_lines(screen)) == 1 and hand(h, call_id)

        # the hand survives switching rooms (it lives in the screen's Hands, not only in the widget)
        await pilot.press("right_square_bracket")
        await eventually(lambda: screen.room != ROOM, pilot)
        assert h.roster.participant(call_id) is None
        await pilot.press("left_square_bracket")
        await eventually(lambda: screen.room == ROOM and hand(h, call_id), pilot)
        assert hand_lines(screen)[-1][2] == "raised a hand (pressed 1)"

        # m on the (muted) participant unmutes them, which lowers the hand
        h.roster.move_cursor(row=h.roster.get_row_index(call_id))
        await pilot.press("m")
        await eventually(lambda: not hand(h, call_id), pilot)
        assert (await h.participants(ROOM))[call_id]["muted"] is False
        assert hand_lines(screen)[-1] == ("Ada Lovelace (+46 70 123 45 67)", "console", "hand lowered: unmuted")
        assert screen.rooms.hands.raised(ROOM) == []

        # raised again, then lowered with h; H lowers every hand
        await room.press(call_id, "1")
        await eventually(lambda: hand(h, call_id), pilot)
        await pilot.press("h")
        assert not hand(h, call_id) and "Lowered Ada Lovelace" in h.status()
        assert hand_lines(screen)[-1][1:] == ("console", "hand lowered")
        await pilot.press("h")
        assert "has no raised hand" in h.status()
        await room.press(call_id, "1")
        await eventually(lambda: hand(h, call_id), pilot)
        await pilot.press("H")
        assert not hand(h, call_id) and f"Lowered 1 hand in {ROOM}" in h.status()

        # leaving lowers it: the DiCE says so at once, without a poll
        await room.press(call_id, "1")
        await eventually(lambda: hand(h, call_id), pilot)
        room_polls = polls.count(ROOM)
        await room.hang_up(call_id)
        await eventually(lambda: not screen.rooms.hands.raised(ROOM), pilot)
        assert hand_lines(screen)[-1][1:] == ("platform", "hand lowered: call ended")
        assert polls.count(ROOM) == room_polls


def relayed(document: dict[str, Any], answer: dict[str, Any] | None = None) -> Any:
    import json

    event = parse_message(json.dumps({"type": document["event"], "seq": 1, "received_at": "2026-11-23T09:30:00Z",
                                      "event": document, "answer": answer}))
    assert event is not None
    return event


def pie(call_id: str, value: str = "1", menu_id: str = ROOM, **extra: Any) -> dict[str, Any]:
    return {"event": "pie", "callId": call_id, "menuResult": {"type": "sequence", "value": value, "menuId": menu_id,
                                                              "inputMethod": "dtmf"}, **extra}


async def test_which_pies_raise_a_hand_and_what_a_poll_lowers(tmp_path: Path) -> None:
    """Without a socket: events posted as the feed posts them. Unwatched menus and other digits do nothing;
    a hand raised in another room is kept there; a poll that sees the participant gone lowers it."""
    h = Harness(tmp_path, seed=7)
    async with h.app.run_test(size=SIZE) as pilot:
        await wait_for_roster(h.app, pilot)
        screen = h.screen
        assert screen.room == ROOM
        present = h.roster.selected_call_id
        assert present is not None

        def post(document: dict[str, Any], answer: dict[str, Any] | None = None) -> None:
            h.app.post_message(EventArrived(relayed(document, answer)))

        post(pie("c-menu", menu_id="main-menu"))  # a runMenu's menu: not a room
        post(pie(present, value="2"))
        post(pie(present, value="1", menu_id="board-room"))  # a room not shown: kept for later
        post(pie("c-new", conferenceId="retro"))  # a room named by the event: watched now, hand kept
        hands = screen.rooms.hands
        await eventually(lambda: "retro" in hands._raised and hands.count("board-room") == 1, pilot)
        assert screen.rooms.hands.count(ROOM) == 0 and not h.roster.participant(present).hand_raised  # type: ignore[union-attr]
        assert screen.rooms.hands.count("main-menu") == 0

        post(pie(present))
        await eventually(lambda: hand(h, present), pilot)
        # the platform no longer lists them (kicked elsewhere): the next poll lowers the hand
        response = await h.http.delete(f"/_sandbox/conferences/{ROOM}/participants/{present}")
        assert response.status_code == 204
        await pilot.press("r")
        await eventually(lambda: not screen.rooms.hands.is_raised(ROOM, present), pilot)
        assert hand_lines(screen)[-1][1:] == ("platform", "hand lowered: left")
