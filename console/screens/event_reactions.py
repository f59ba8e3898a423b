"""What the console does at once when the relay reports an event (the app calls `react` for each one).

- An event about a conference polls that room now (instead of at its next tick); a room not watched yet joins
  the watch list (the API cannot list conferences: events are how the console learns of them). A DiCE only
  polls a watched room: a call ending is no reason to start watching a room that may be empty now.
- An event carrying the correlation tag of a callout whose outcome was unknown (`custom`) names its callId:
  the Calls mode tracks it as that call from now on.
- An event about a tracked call wakes it (a call that was backing off is asked again); a DiCE also polls the
  Calls mode now, so the call's result and debit show without waiting for its timer.
- A PIE that names no conference but whose menuId is a watched room (conference DTMF detection) polls it.
- A PIE whose DTMF value is `1` from a participant of a watched room raises their hand in the roster at once
  (no poll needed: polling may be paused); a DiCE lowers the hand of the call that ended. Other digits do
  nothing here. The hands are kept per room by the screen (console/rooms/hands.py).

Polls go through the screens' own schedulers, which coalesce: a burst of events for one room costs at most one
poll in flight and one after it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.screen import Screen

from console.events.model import RelayEvent
from console.rooms.hands import raises_hand
from console.screens.conferences import MAX_ROOM_ID, ConferencesScreen
from console.session import Session
from widgets.watch_list import WatchList

MAX_WATCHED_FROM_EVENTS = 20
"""Events add rooms to the watch list only while it holds fewer than this."""


def react(event: RelayEvent, session: Session, stacks: Mapping[str, Sequence[Screen[object]]]) -> None:
    if event.type == "dropped":
        return
    room = event.conference_id
    # A PIE from conference DTMF detection names its room only as the menu (the sandbox does so): trusted
    # for a poll of a room already watched, never to start watching one (a runMenu's menuId is no room).
    menu_room = event.menu_result.get("menuId") if event.type == "pie" and not room else None
    call = event.call_id
    for screen in stacks.get("conferences", ()):
        if not isinstance(screen, ConferencesScreen) or not screen.is_mounted:
            continue
        hand_room: str | None = None
        if room and len(room) <= MAX_ROOM_ID and room.isprintable():
            poll_room_now(screen, room, watch=event.type != "dice")
            hand_room = room
        elif isinstance(menu_room, str) and menu_room in screen.query_one(WatchList).rooms:
            poll_room_now(screen, menu_room, watch=False)
            hand_room = menu_room
        if call and hand_room and event.type == "pie" and raises_hand(event.menu_result):
            screen.raise_hand(hand_room, call, cli=event.cli)  # shown now: the poll above may be paused
        elif call and event.type == "dice":
            screen.call_ended(call)
    if call:  # a callout whose answer never came is found by the tag its callbacks echo in `custom`
        session.calls.match_custom(event.event.get("custom"), call)
    if call and call in session.calls:
        session.calls.wake(call)
        if event.type == "dice":
            for screen in stacks.get("calls", ()):
                start_poll = getattr(screen, "start_poll", None)  # CallsScreen, imported only when opened
                if screen.is_mounted and callable(start_poll):
                    start_poll()


def poll_room_now(screen: ConferencesScreen, room: str, *, watch: bool = True) -> None:
    """Poll a watched room now (the visible room stays the visible one); watch it first when `watch`."""
    if room in screen.query_one(WatchList).rooms:
        if not screen.moderator.watch(room).paused:  # the operator paused it: an event does not overrule that
            screen._poll_soon(room, 0)
    elif watch:
        rooms = screen.query_one(WatchList).rooms
        if len(rooms) >= MAX_WATCHED_FROM_EVENTS:
            # a busy application names many rooms: each watched room is a poll a second (and a 429 waiting)
            if not getattr(screen, "_told_watch_limit", False):
                screen._told_watch_limit = True  # type: ignore[attr-defined]
                screen.notify(f"Events name more rooms than the {MAX_WATCHED_FROM_EVENTS} watched: new ones are "
                              "not added by themselves (a adds one by hand).", severity="warning", markup=False)
            return
        screen.watch_room(room)
