"""One message from the relay's `/events` websocket, parsed, with what the Events table shows of it.

The relay sends (relay/messages.py)

    {"type": "ace", "seq": 7, "received_at": "...Z", "rule": "...", "event": {...as Sinch sent it...},
     "answer": {...SVAML...} | null}
    {"type": "dropped", "count": 12, "received_at": "...Z"}

Everything in `event` comes from the platform (or whoever reached the callback URL): it is kept as sent and
only read defensively here; the screen renders it as plain text, never as markup.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from api.auth import parse_timestamp
from api.models.display import clock

DROPPED = "dropped"
LABELS = {"ice": "ICE", "ace": "ACE", "dice": "DiCE", "pie": "PIE", "notify": "Notify", DROPPED: "dropped"}


@dataclass
class RelayEvent:
    """One relayed callback (or a "dropped N" notice). `index` is given by the EventLog that keeps it."""

    type: str
    received_at: datetime | None
    event: dict[str, Any] = field(default_factory=dict)
    answer: dict[str, Any] | None = None
    rule: str = ""
    seq: int | None = None
    count: int = 0
    """For a "dropped" notice: how many events this subscriber lost."""
    index: int = 0
    conference_id: str | None = None
    """The room: from the event, the SVAML answered (connectConf), or an earlier event of the same call."""
    earlier_cli: str = ""
    """The caller's number from an earlier event of the same call (ACE and PIE do not carry it)."""
    stream_id: str | None = None
    """Its place in a team's shared stream (relays with Redis): what the subscriber resumes from (`?since=`)."""

    @property
    def label(self) -> str:
        return LABELS.get(self.type, self.type.upper() or "?")

    @property
    def call_id(self) -> str:
        value = self.event.get("callId") or self.event.get("callid") or self.event.get("call_id") or ""
        return value if isinstance(value, str) else str(value)

    @property
    def cli(self) -> str:
        return _text(self.event.get("cli")) or _text(self.event.get("from")) or self.earlier_cli

    @property
    def to(self) -> str:
        to = self.event.get("to")
        return _text(to.get("endpoint")) if isinstance(to, dict) else _text(to)

    @property
    def menu_result(self) -> dict[str, Any]:
        result = self.event.get("menuResult")
        return result if isinstance(result, dict) else {}

    @property
    def dtmf(self) -> str | None:
        """The digits of a PIE, if it carries any."""
        value = self.menu_result.get("value")
        return value if self.type == "pie" and isinstance(value, str) and value else None

    @property
    def room_shown(self) -> str:
        """The room to show and filter on: the conference, or for a PIE of conference key detection the menu it
        names (the room). Not `conference_id`: reactions must not start watching a runMenu's menu id."""
        menu = self.menu_result.get("menuId") if self.type == "pie" else None
        return self.conference_id or (menu if isinstance(menu, str) else "")

    def summary(self) -> str:
        return summarise(self)

    def time_text(self) -> str:
        return self.received_at.astimezone().strftime("%H:%M:%S") if self.received_at else "--:--:--"

    def document(self) -> dict[str, Any]:
        """The message as the relay sent it (for the detail pane)."""
        if self.type == DROPPED:
            return {"type": DROPPED, "count": self.count}
        return {"type": self.type, "seq": self.seq, "rule": self.rule, "event": self.event}


def parse_message(text: str | bytes) -> RelayEvent | None:
    """A relay message, or None for anything that is not one (never raises)."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        return None
    received = parse_timestamp(data["received_at"]) if isinstance(data.get("received_at"), str) else None
    if received is not None and received.tzinfo is None:
        received = received.replace(tzinfo=UTC)
    if data["type"] == DROPPED:
        count = data.get("count")
        return RelayEvent(DROPPED, received, count=count if isinstance(count, int) else 0)
    raw_event, raw_answer, raw_seq, raw_rule = data.get("event"), data.get("answer"), data.get("seq"), data.get("rule")
    event: dict[str, Any] = raw_event if isinstance(raw_event, dict) else {}
    answer: dict[str, Any] | None = raw_answer if isinstance(raw_answer, dict) else None
    seq = raw_seq if isinstance(raw_seq, int) and not isinstance(raw_seq, bool) else None
    rule = raw_rule if isinstance(raw_rule, str) else ""
    relayed = RelayEvent(data["type"].lower(), received, event, answer, rule, seq)
    relayed.conference_id = conference_of(event, answer)
    relayed.stream_id = data["id"] if isinstance(data.get("id"), str) else None
    return relayed


def conference_of(event: dict[str, Any], answer: dict[str, Any] | None) -> str | None:
    """The conference an event is about, when it says: its own conferenceId (or a `custom` object's), or the
    room the relay connected the call to."""
    for holder in (event, event.get("custom")):
        if isinstance(holder, dict):
            room = holder.get("conferenceId") or holder.get("conference_id")
            if isinstance(room, str) and room.strip():
                return room.strip()
    action = answer.get("action") if answer else None
    if isinstance(action, dict) and action.get("name") == "connectConf":
        room = action.get("conferenceId")
        if isinstance(room, str) and room.strip():
            return room.strip()
    return None


def summarise(item: RelayEvent) -> str:
    """One line: "ACE answered", "DiCE HUNGUP CALLERHANGUP 0:42", "PIE dtmf 1 in standup"."""
    event = item.event
    if item.type == DROPPED:
        return f"dropped {item.count} event{'s' if item.count != 1 else ''}: this console fell behind the relay"
    if item.type == "ice":
        text = "ICE " + " → ".join(part for part in (item.cli, item.to) if part)
        action = (item.answer or {}).get("action")
        if isinstance(action, dict) and action.get("name"):
            target = item.conference_id if action.get("name") == "connectConf" else _text(action.get("number"))
            text += f", {_text(action.get('name'))}" + (f" {target}" if target else "")
        return text.strip()
    if item.type == "ace":
        amd = event.get("amd")
        status = _text(amd.get("status")) if isinstance(amd, dict) else ""
        return f"ACE answered ({status})" if status else "ACE answered"
    if item.type == "dice":
        parts = ["DiCE", _text(event.get("result")), _text(event.get("reason"))]
        duration = event.get("duration")
        if isinstance(duration, int | float) and not isinstance(duration, bool):
            parts.append(clock(duration))
        return " ".join(part for part in parts if part)
    if item.type == "pie":
        result = item.menu_result
        how = _text(result.get("inputMethod")) or _text(result.get("type"))
        value = _text(result.get("value"))
        where = item.conference_id or _text(result.get("menuId"))
        return " ".join(part for part in ("PIE", how, value, f"in {where}" if where else "") if part)
    if item.type == "notify":
        return " ".join(part for part in ("Notify", _text(event.get("type"))) if part)
    return f"{item.label} event"


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
