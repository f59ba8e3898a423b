"""The JSON messages a websocket subscriber receives, one object per message.

    {"type": "ace", "seq": 7, "received_at": "2026-01-05T09:00:00.123Z", "rule": "default: ACE -> continue",
     "event": {...the callback body as Sinch sent it...}, "answer": {...the SVAML we answered...} | null}
    {"type": "dropped", "count": 12, "received_at": "..."}   # this subscriber fell behind: 12 oldest events lost

`type` is the callback's `event` in lower case ("unknown" when it has none). `seq` counts events relayed by
this relay (from 1), so a subscriber can see where a gap was. Each event is serialised once, however many
subscribers there are.

Relays sharing a Redis stream (relay.stream) put the event's stream id first, and `seq` counts the stream's
events (from 1, over all relays), so `?since=ID` names a place in the stream and a gap is a difference of seq:

    {"id": "1767603600123-42", "seq": 42, "type": "ace", "received_at": ..., "rule": ..., "event": ..., "answer": ...}
    {"type": "dropped", "count": 12, "since": "1767603000000-30", "received_at": "..."}
        # on resuming: the 12 events after `since` had left the stream (--retention) before this reconnect
"""

from __future__ import annotations

import json
from typing import Any

from api.auth import utc_timestamp


def event_message(*, kind: str, seq: int, event: dict[str, Any], answer: dict[str, Any] | None, rule: str,
                  received_at: str | None = None) -> str:
    return json.dumps({"type": kind, "seq": seq, "received_at": received_at or utc_timestamp(), "rule": rule,
                       "event": event, "answer": answer}, separators=(",", ":"), ensure_ascii=False)


def dropped_notice(count: int) -> str:
    return json.dumps({"type": "dropped", "count": count, "received_at": utc_timestamp()}, separators=(",", ":"))


def event_body(*, kind: str, event: dict[str, Any], answer: dict[str, Any] | None, rule: str,
               received_at: str | None = None) -> str:
    """What a relay appends to the shared stream: the message without its place (id, seq), given by Redis."""
    return json.dumps({"type": kind, "received_at": received_at or utc_timestamp(), "rule": rule, "event": event,
                       "answer": answer}, separators=(",", ":"), ensure_ascii=False)


def stream_message(stream_id: str, seq: int, body: str) -> str:
    """An `event_body` with its place in the stream first (string work only: the body is not parsed again)."""
    return f'{{"id":"{stream_id}","seq":{seq},{body[1:]}'


def lost_notice(count: int, since: str) -> str:
    return json.dumps({"type": "dropped", "count": count, "since": since, "received_at": utc_timestamp()},
                      separators=(",", ":"))
