"""The JSON messages a websocket subscriber receives, one object per message.

    {"type": "ace", "seq": 7, "received_at": "2026-01-05T09:00:00.123Z", "rule": "default: ACE -> continue",
     "event": {...the callback body as Sinch sent it...}, "answer": {...the SVAML we answered...} | null}
    {"type": "dropped", "count": 12, "received_at": "..."}   # this subscriber fell behind: 12 oldest events lost

`type` is the callback's `event` in lower case ("unknown" when it has none). `seq` counts events relayed by
this relay (from 1), so a subscriber can see where a gap was. Each event is serialised once, however many
subscribers there are.
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
