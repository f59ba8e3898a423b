"""The last N relayed events, in memory, with the Events screen's filter.

Bounded (a busy application sends thousands of callbacks an hour; the console keeps the last 2,000). It also
remembers which room each recent call was connected to, so a DiCE or a PIE of a call that an ICE sent to a
conference is shown (and reacted to) with its room even though the DiCE itself does not name it.
"""

from __future__ import annotations

import re
from collections import OrderedDict, deque
from collections.abc import Iterable
from dataclasses import dataclass

from console.events.model import RelayEvent

LOG_LIMIT = 2000
CALLS_REMEMBERED = 5000
"""Calls whose room and number later events of the same call borrow (the oldest are forgotten first)."""
_NOT_DIGITS = re.compile(r"[^0-9]")


@dataclass(frozen=True)
class EventQuery:
    """A filter: `type:ace` (or `type:ace,dice`), `room:standup`, `call:abc`, `number:4670...`, free words.

    Every part must match (AND); case does not matter; room, call and number match part of the value; a
    number ignores `+`, spaces and dashes.
    """

    types: frozenset[str] = frozenset()
    rooms: tuple[str, ...] = ()
    calls: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    words: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> EventQuery:
        types: set[str] = set()
        rooms: list[str] = []
        calls: list[str] = []
        numbers: list[str] = []
        words: list[str] = []
        for token in text.lower().split():
            key, colon, value = token.partition(":")
            if not colon or not value:
                words.append(token)
            elif key == "type":
                types.update(part for part in value.split(",") if part)
            elif key in ("room", "conference", "conf"):
                rooms.append(value)
            elif key in ("call", "callid"):
                calls.append(value)
            elif key in ("number", "cli", "to"):
                numbers.append(_NOT_DIGITS.sub("", value) or value)
            else:
                words.append(token)
        return cls(frozenset(types), tuple(rooms), tuple(calls), tuple(numbers), tuple(words))

    def __bool__(self) -> bool:
        return bool(self.types or self.rooms or self.calls or self.numbers or self.words)

    def matches(self, item: RelayEvent) -> bool:
        if self.types and item.type not in self.types and item.label.lower() not in self.types:
            return False
        room = item.room_shown.lower()
        if any(part not in room for part in self.rooms):
            return False
        call = item.call_id.lower()
        if any(part not in call for part in self.calls):
            return False
        numbers = " ".join(_NOT_DIGITS.sub("", value) for value in (item.cli, item.to) if value)
        if any(part not in numbers for part in self.numbers):
            return False
        if self.words:
            haystack = " ".join((item.type, call, room, item.cli, item.to, numbers, item.summary(), item.rule)).lower()
            return all(word in haystack or _digits_in(word, numbers) for word in self.words)
        return True


def _digits_in(word: str, numbers: str) -> bool:
    """"+46 70..." typed with a plus still finds the platform's 4670...: compare the digits."""
    digits = _NOT_DIGITS.sub("", word)
    return bool(digits) and digits in numbers


class EventLog:
    """The last `limit` events, oldest first. `total` counts every event ever added (it is also the newest
    event's `index`), so a screen can ask for what arrived since it last looked."""

    def __init__(self, limit: int = LOG_LIMIT) -> None:
        self.limit = max(1, limit)
        self.total = 0
        self.dropped = 0
        """Events the relay said this console lost (it fell behind)."""
        self._events: deque[RelayEvent] = deque(maxlen=self.limit)
        self._calls: OrderedDict[str, tuple[str | None, str]] = OrderedDict()  # callId -> (room, cli)

    def __len__(self) -> int:
        return len(self._events)

    @property
    def events(self) -> list[RelayEvent]:
        return list(self._events)

    def add(self, item: RelayEvent) -> RelayEvent:
        self.total += 1
        item.index = self.total
        if item.type == "dropped":
            self.dropped += item.count
        call = item.call_id
        if call:
            room, cli = self._calls.get(call, (None, ""))
            item.conference_id = item.conference_id or room
            item.earlier_cli = cli
            if (item.conference_id, item.cli) != (room, cli):
                self._calls[call] = (item.conference_id, item.cli)
            if call in self._calls:
                self._calls.move_to_end(call)
                while len(self._calls) > CALLS_REMEMBERED:
                    self._calls.popitem(last=False)
        self._events.append(item)
        return item

    def extend(self, items: Iterable[RelayEvent]) -> None:
        for item in items:
            self.add(item)

    def since(self, index: int) -> list[RelayEvent]:
        """Events added after the one numbered `index` that are still kept, oldest first."""
        if index >= self.total:
            return []
        newer = self.total - index
        return list(self._events)[-newer:] if newer < len(self._events) else list(self._events)

    def get(self, index: int) -> RelayEvent | None:
        first = self.total - len(self._events) + 1
        return self._events[index - first] if first <= index <= self.total else None

    def filtered(self, query: EventQuery | str) -> list[RelayEvent]:
        query = EventQuery.parse(query) if isinstance(query, str) else query
        return [item for item in self._events if query.matches(item)] if query else list(self._events)

    def room_of(self, call_id: str) -> str | None:
        return self._calls.get(call_id, (None, ""))[0]
