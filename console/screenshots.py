"""`make screenshots`: render the console's screens to SVG on a frozen in-process sandbox.

Also the source of the deterministic app the snapshot tests use, so screenshots and snapshots agree.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, TextArea

from api.models.views import TimelineEntry
from console.app import SinchConsole
from console.backend import FROZEN_AT, connect_in_process
from console.config import resolve_settings
from console.screens.conferences import ConferencesScreen
from widgets import Roster

SIZE = (120, 36)


def frozen_app(folder: Path, *, seed: int = 7, read_only: bool = False) -> SinchConsole:
    """The app on a deterministic sandbox (seeded ids, virtual clock frozen), keeping its files in `folder`."""
    resolved = resolve_settings(folder / "config.toml", sandbox=True, read_only=read_only, env={})
    return SinchConsole(lambda _: connect_in_process(seed=seed), resolved, folder=folder, clock=lambda: FROZEN_AT)


async def wait_for_roster(app: SinchConsole, pilot: Pilot[None], tries: int = 400) -> ConferencesScreen:
    """Let the app connect and show the first room's participants."""
    for _ in range(tries):
        await pilot.pause()
        screen = app.screen
        if isinstance(screen, ConferencesScreen) and screen.query_one(Roster).row_count:
            return screen
    raise RuntimeError("the roster never filled")


Scene = Callable[[SinchConsole, Pilot[None]], Awaitable[None]]


async def _roster(app: SinchConsole, pilot: Pilot[None]) -> None:
    screen = app.screen
    assert isinstance(screen, ConferencesScreen) and screen.room is not None
    people = list(screen.moderator.watch(screen.room).participants.values())
    screen.rooms.raise_hand(screen.room, people[-1].call_id, cli=people[-1].cli)  # as a relayed PIE "1" does
    await pilot.press("down", "down")


async def _help(app: SinchConsole, pilot: Pilot[None]) -> None:
    await pilot.press("question_mark")


async def _kick(app: SinchConsole, pilot: Pilot[None]) -> None:
    await pilot.press("down", "k")


async def _log(app: SinchConsole, pilot: Pilot[None]) -> None:
    await pilot.press("m")
    for _ in range(20):
        await pilot.pause()
    await pilot.press("7")


async def _callouts(app: SinchConsole, pilot: Pilot[None]) -> None:
    await pilot.press("2")
    for _ in range(10):
        await pilot.pause()
    app.screen.query_one("#tts-destination", Input).value = "+46708168731"
    app.screen.query_one("#tts-text", TextArea).text = "The quarterly review moves to 3 pm. Same room, same bridge."
    for _ in range(40):  # the cost preview answers after its debounce
        await pilot.pause(0.05)


async def _calls(app: SinchConsole, pilot: Pilot[None]) -> None:
    await _callouts(app, pilot)
    await pilot.press("ctrl+s")
    for _ in range(10):
        await pilot.pause()
    await pilot.press("y")
    for _ in range(20):
        await pilot.pause(0.05)
    await pilot.press("escape", "3")
    for _ in range(40):
        await pilot.pause(0.05)


async def _attendance_chart(app: SinchConsole, pilot: Pilot[None]) -> None:
    screen = app.screen
    assert isinstance(screen, ConferencesScreen) and screen.room is not None
    room = screen.room
    people = sorted(screen.moderator.watch(room).participants.values(), key=lambda p: -p.duration)
    first, second = people[0], people[1]  # the two longest in the room

    def ago(minutes: float) -> datetime:
        return FROZEN_AT - timedelta(minutes=minutes)

    # The frozen clock stands still: an earlier half hour of the meeting, as polls would have recorded it.
    screen.moderator.attendance.record(room, [
        TimelineEntry(ago(9), "muted", first.call_id, first.cli),
        TimelineEntry(ago(4), "unmuted", first.call_id, first.cli),
        TimelineEntry(ago(6), "muted", second.call_id, second.cli),
        TimelineEntry(ago(28), "joined", "visitor-1", "+4915123456789"),
        TimelineEntry(ago(7), "kicked", "visitor-1", "+4915123456789"),
        TimelineEntry(ago(30), "joined", "chair-1", "+14155550100"),
    ])
    await pilot.press("R")
    for _ in range(10):
        await pilot.pause()
    await pilot.press("g")


async def _recordings(app: SinchConsole, pilot: Pilot[None]) -> None:
    assert app.session is not None
    # the folder line shows where files go: a typical folder, not this run's temporary one
    app.session.download_dir = Path.home() / "Downloads" / "sinch-recordings" / "sandbox"
    await pilot.press("4")
    for _ in range(40):  # the first page arrives
        await pilot.pause(0.05)
        if app.screen.query("#recordings") and app.screen.query_one("#recordings", DataTable).row_count:
            break
    await pilot.press("space", "down", "space", "down", "down")  # two marked, the cursor on a third


async def _numbers(app: SinchConsole, pilot: Pilot[None]) -> None:
    assert app.session is not None
    await app.session.backend.client.callbacks.update(primary="https://hooks.example.com/sinch/events",
                                                      fallback="https://backup.example.com/sinch/events")
    await pilot.press("5")
    for _ in range(400):
        await pilot.pause()
        if getattr(app.screen, "items", None) is not None and not getattr(app.screen, "fetching", True):
            break
    await pilot.press("down", "down", "l", *"0046 70-123 66 66", "enter")  # a restricted demo number
    for _ in range(400):
        await pilot.pause()
        if getattr(app.screen, "lookup", None) is not None:
            break
    for field in app.screen.query(Input):
        field.cursor_blink = False


def _relayed(kind: str, seq: int, second: int, event: dict[str, Any],
             answer: dict[str, Any] | None = None, rule: str = "") -> str:
    """One websocket message as sinch-relay sends it (fixed times: the picture is the same every run)."""
    at = FROZEN_AT.replace(second=second).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    body = {"event": kind, "timestamp": at, "version": 1, **event}
    return json.dumps({"type": kind, "seq": seq, "received_at": at, "rule": rule or f"default: {kind}",
                       "event": body, "answer": answer})


async def _events(app: SinchConsole, pilot: Pilot[None]) -> None:
    from console.events import EventFeed
    from console.events.model import parse_message
    from console.events.subscriber import LIVE
    from console.screens.events import EventsScreen

    session = app.session
    assert session is not None
    feed = EventFeed("ws://127.0.0.1:8600/events", "screenshot")  # never connected: events are added below
    app.events_feed = feed
    await app.remove_mode("events")
    app.add_mode("events", lambda: EventsScreen(session, feed))
    room = "standup"
    people = list(session.moderator.watch(room).participants.values())
    first, second = people[0], people[-1]
    connect = {"instructions": [{"name": "say", "text": "Welcome to the stand-up.", "locale": "en-US"}],
               "action": {"name": "connectConf", "conferenceId": room,
                          "conferenceDtmfOptions": {"mode": "detect"}}}
    cont = {"instructions": [], "action": {"name": "continue"}}
    dial_in = {"to": {"type": "number", "endpoint": "+46850512345"}, "domain": "pstn", "custom": room}
    messages = [
        _relayed("ice", 1, 2, {"callId": first.call_id, "cli": first.cli, **dial_in}, connect, "standup dial-in"),
        _relayed("ice", 2, 9, {"callId": second.call_id, "cli": second.cli, **dial_in}, connect, "standup dial-in"),
        _relayed("pie", 3, 21, {"callId": second.call_id, "menuResult": {
            "type": "sequence", "value": "1", "menuId": room, "inputMethod": "dtmf"}}, cont, "raised hand"),
        _relayed("dice", 4, 34, {"callId": first.call_id, "result": "ANSWERED", "reason": "CALLERHANGUP",
                                 "duration": 754, "debit": {"currencyId": "USD", "amount": 0.0368}}),
    ]
    for text in messages:
        event = parse_message(text)
        assert event is not None
        feed.add(event)
    feed.set_state(LIVE)
    await pilot.press("6")
    for _ in range(20):
        await pilot.pause()
    await pilot.press("up", "enter")  # the raised hand's PIE, with the answer the relay gave


SCENES: dict[str, Scene] = {
    "conferences": _roster,
    "help": _help,
    "kick-confirmation": _kick,
    "log": _log,
    "callouts": _callouts,
    "calls": _calls,
    "attendance-chart": _attendance_chart,
    "recordings": _recordings,
    "numbers": _numbers,
    "events": _events,
}


async def render(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, scene in SCENES.items():
        with tempfile.TemporaryDirectory() as data:
            app = frozen_app(Path(data))
            async with app.run_test(size=SIZE) as pilot:
                await wait_for_roster(app, pilot)
                await scene(app, pilot)
                for _ in range(5):
                    await pilot.pause()
                written.append(Path(app.save_screenshot(f"{name}.svg", str(folder))))
    return written


def main(argv: list[str]) -> int:
    os.environ["TZ"] = "UTC"  # the frozen clock reads the same everywhere
    time.tzset()
    for path in asyncio.run(render(Path(argv[0] if argv else "screenshots"))):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
