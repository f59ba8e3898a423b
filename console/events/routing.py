"""Where a relayed event goes: to the services that care about it, never to a screen.

- An event about a conference polls that room now (instead of at its next tick); a room not watched yet joins
  the watch list (the API cannot list conferences: events are how the console learns of them), up to the rooms
  service's limit. A DiCE only polls a watched room: a call ending is no reason to start watching a room that
  may be empty now. A paused room stays paused.
- A PIE that names no conference but whose menuId is a watched room (conference DTMF detection) polls it; the
  menuId is trusted for that only, never to start watching (a runMenu's menuId is no room).
- A PIE whose DTMF value is `1` from a participant of a watched room raises their hand at once (no poll
  needed: polling may be paused); a DiCE lowers the hand of the call that ended.
- An event carrying the correlation tag of a callout whose outcome was unknown (`custom`) names its callId: the
  calls tracker follows it as that call from now on.
- An event about a tracked call wakes it (a call that was backing off is asked again); a DiCE polls the calls
  now, so the call's result and debit show without waiting for the next tick.

The services coalesce: a burst of events for one room costs at most one poll in flight and one after it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from console.events.model import RelayEvent
from console.rooms.hands import raises_hand
from console.rooms.service import MAX_ROOM_ID, RoomsService


class TrackedCalls(Protocol):
    """What routing needs of the calls tracker (console.calls.CallTracker)."""

    def __contains__(self, call_id: object) -> bool: ...

    def match_custom(self, custom: object, call_id: str) -> object: ...

    def wake(self, call_id: str | None = None) -> None: ...


class EventRouter:
    def __init__(self, rooms: RoomsService, calls: TrackedCalls, poll_calls: Callable[[], object]) -> None:
        self.rooms = rooms
        self.calls = calls
        self.poll_calls = poll_calls

    def route(self, event: RelayEvent) -> None:
        if event.type == "dropped":
            return
        hand_room = self._poll_room(event)
        call = event.call_id
        if call and hand_room and event.type == "pie" and raises_hand(event.menu_result):
            self.rooms.raise_hand(hand_room, call, cli=event.cli)  # shown now: the room's poll may be paused
        elif call and event.type == "dice":
            self.rooms.call_ended(call)
        if not call:
            return
        self.calls.match_custom(event.event.get("custom"), call)  # a callout whose answer never came
        if call in self.calls:
            self.calls.wake(call)
            if event.type == "dice":
                self.poll_calls()

    def _poll_room(self, event: RelayEvent) -> str | None:
        """Poll the room the event is about (watching it first when it is new); the room, or None."""
        room = event.conference_id
        if room and len(room) <= MAX_ROOM_ID and room.isprintable():
            if room in self.rooms:
                self._poll_unless_paused(room)
            elif event.type != "dice":
                self.rooms.watch_from_event(room)
            return room
        menu_room = event.menu_result.get("menuId") if event.type == "pie" and not room else None
        if isinstance(menu_room, str) and menu_room in self.rooms:
            self._poll_unless_paused(menu_room)
            return menu_room
        return None

    def _poll_unless_paused(self, room: str) -> None:
        if not self.rooms.moderator.watch(room).paused:  # the operator paused it: an event does not overrule
            self.rooms.poll_soon(room)
