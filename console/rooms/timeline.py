"""The per-room timeline: who joined, left, was muted or kicked, when, and whether the console did it.

Console actions are recorded when they succeed; the next poll then shows the same change (the participant
is now muted, or gone). That change is attributed to the console action already on the timeline instead of
being listed a second time as a platform event. An expectation that no poll confirms (the change was undone
on the platform before we looked) expires after `expect_for` seconds, so it cannot claim a later event.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Literal

from api.models import Participant
from api.models.views import TimelineEntry
from console.rooms.watch import RoomDiff

Kind = Literal["joined", "left", "muted", "unmuted", "kicked", "held", "resumed", "policy"]

# Which change a poll shows after each console action.
_SEEN_AS: dict[str, str] = {"muted": "muted", "unmuted": "unmuted", "kicked": "left",
                            "held": "held", "resumed": "resumed"}
# A poll showing the opposite cancels the expectation (the platform undid it before we looked).
_OPPOSITE: dict[str, str] = {"muted": "unmuted", "unmuted": "muted", "left": "joined",
                             "held": "resumed", "resumed": "held"}


class Timeline:
    """Entries of one room, oldest first, the last `limit` kept (a long conference must not grow memory)."""

    def __init__(self, room: str, *, limit: int = 1000, expect_for: float = 30.0) -> None:
        self.room = room
        self.expect_for = expect_for
        self._entries: deque[TimelineEntry] = deque(maxlen=limit)
        self._expected: dict[tuple[str, str], datetime] = {}  # (call_id, change seen in a poll) -> since

    def __iter__(self) -> Iterator[TimelineEntry]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def entries(self) -> list[TimelineEntry]:
        return list(self._entries)

    def record_action(self, kind: Kind, call_id: str, cli: str, at: datetime, *, detail: str = "") -> TimelineEntry:
        """A console action that succeeded: on the timeline now, and expected in the next poll."""
        entry = TimelineEntry(at, kind, call_id, cli, "console", detail)
        self._entries.append(entry)
        seen_as = _SEEN_AS.get(kind)
        if seen_as and call_id:
            self._expected[(call_id, seen_as)] = at
        return entry

    def retract(self, entry: TimelineEntry) -> None:
        """Take back an action recorded before sending that then failed."""
        if entry in self._entries:
            self._entries.remove(entry)
        seen_as = _SEEN_AS.get(entry.kind)
        if seen_as:
            self._expected.pop((entry.call_id, seen_as), None)

    def record_policy(self, text: str, at: datetime) -> TimelineEntry:
        """A room policy was switched ("auto-mute on", "soft lock on")."""
        entry = TimelineEntry(at, "policy", "", "", "console", text)
        self._entries.append(entry)
        return entry

    def apply_diff(self, diff: RoomDiff) -> list[TimelineEntry]:
        """Turn a poll's changes into entries, skipping those the console already recorded."""
        self._expire(diff.at)
        added: list[TimelineEntry] = []
        changes: Iterable[tuple[Kind, tuple[Participant, ...]]] = (
            ("joined", diff.joined), ("left", diff.left), ("muted", diff.muted),
            ("unmuted", diff.unmuted), ("held", diff.held), ("resumed", diff.resumed),
        )
        for kind, people in changes:
            for person in people:
                if self._expected.pop((person.call_id, kind), None) is not None:
                    continue  # the console's own action, already on the timeline
                opposite = _OPPOSITE.get(kind)
                if opposite:
                    self._expected.pop((person.call_id, opposite), None)
                if kind == "left":  # gone: nothing else about this call can still be confirmed
                    for key in [k for k in self._expected if k[0] == person.call_id]:
                        del self._expected[key]
                detail = "present when watching started" if diff.initial and kind == "joined" else ""
                entry = TimelineEntry(diff.at, kind, person.call_id, person.cli, "platform", detail)
                self._entries.append(entry)
                added.append(entry)
        return added

    def _expire(self, now: datetime) -> None:
        for key, since in list(self._expected.items()):
            if (now - since).total_seconds() > self.expect_for:
                del self._expected[key]
