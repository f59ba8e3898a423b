"""Helpers of the live-events tests: a relay on 127.0.0.1, callbacks signed like Sinch signs them, relay
messages built by hand, and the console app with an Events feed the test controls."""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # console_helpers lives one folder up
from console_helpers import SIZE as SIZE
from console_helpers import Harness as Harness

from api.auth import application_authorization, sign_request, utc_timestamp
from console.events import EventFeed, RelayEvent, parse_message
from relay import RelaySettings, Rules

KEY = "7c1d3e5f-events-test-app"
SECRET = base64.b64encode(b"events-test-secret-16").decode()
TOKEN = "events-token-0b9e-at-least-32-characters"
CONTENT_TYPE = "application/json; charset=utf-8"
WAIT = 30.0  # seconds: bounds a failure only (a task that should end, a message that should come)
RULES = """
[[rule]]
name = "dial-in -> standup"
event = "ice"
action = "connectConf"
conference = "standup"
detect_dtmf = true
"""


def settings(**overrides: Any) -> RelaySettings:
    values: dict[str, Any] = {"application_key": KEY, "application_secret": SECRET, "token": TOKEN,
                              "rules": Rules.parse(RULES)}
    values.update(overrides)
    return RelaySettings(**values)


async def post_callback(http: httpx.AsyncClient, document: dict[str, Any], path: str = "/callback") -> None:
    """POST a callback the way Sinch does: the raw JSON body, signed with the application's secret."""
    body = json.dumps(document, separators=(",", ":")).encode()
    stamp = utc_timestamp()
    signature = sign_request(SECRET, method="POST", path=path, body=body, content_type=CONTENT_TYPE, timestamp=stamp)
    response = await http.post(path, content=body, headers={
        "Content-Type": CONTENT_TYPE, "x-timestamp": stamp, "Authorization": application_authorization(KEY, signature)})
    assert response.status_code == 200, response.text


def ice(call_id: str = "call-1", cli: str = "46708168731", to: str = "46730170101") -> dict[str, Any]:
    return {"event": "ice", "callId": call_id, "timestamp": "2026-11-23T09:30:00Z", "version": 1, "cli": cli,
            "to": {"type": "number", "endpoint": to}, "domain": "pstn", "applicationKey": KEY}


def ace(call_id: str = "call-1") -> dict[str, Any]:
    return {"event": "ace", "callId": call_id, "timestamp": "2026-11-23T09:30:01Z", "version": 1,
            "applicationKey": KEY}


def pie(value: str = "1", call_id: str = "call-1", menu_id: str = "standup") -> dict[str, Any]:
    return {"event": "pie", "callId": call_id, "timestamp": "2026-11-23T09:30:20Z", "version": 1,
            "menuResult": {"type": "sequence", "value": value, "menuId": menu_id, "inputMethod": "dtmf"},
            "applicationKey": KEY}


def dice(call_id: str = "call-1", duration: int = 42, result: str = "HUNGUP",
         reason: str = "CALLERHANGUP") -> dict[str, Any]:
    return {"event": "dice", "callId": call_id, "timestamp": "2026-11-23T09:30:42Z", "reason": reason,
            "result": result, "version": 1, "duration": duration, "from": "46708168731",
            "to": {"type": "number", "endpoint": "46730170101"}, "debit": {"currencyId": "EUR", "amount": 0.02},
            "applicationKey": KEY}


def relayed(event: dict[str, Any], *, seq: int, at: str, answer: dict[str, Any] | None = None,
            rule: str = "") -> RelayEvent:
    """A relay message as the websocket would carry it, parsed (fixed `received_at`: deterministic screens)."""
    kind = str(event.get("event", "unknown"))
    text = json.dumps({"type": kind, "seq": seq, "received_at": at, "rule": rule or f"default: {kind}",
                       "event": event, "answer": answer})
    parsed = parse_message(text)
    assert parsed is not None
    return parsed


CONNECT_STANDUP = {"instructions": [], "action": {"name": "connectConf", "conferenceId": "standup",
                                                   "conferenceDtmfOptions": {"mode": "detect"}}}
CONTINUE = {"instructions": [], "action": {"name": "continue"}}


def sample_events() -> list[RelayEvent]:
    """A dial-in to standup, answered, a raised hand, a hang-up, and a callout answered elsewhere."""
    return [
        relayed(ice("call-1"), seq=1, at="2026-11-23T09:30:00.120Z", answer=CONNECT_STANDUP,
                rule="dial-in -> standup"),
        relayed(ace("call-1"), seq=2, at="2026-11-23T09:30:01.005Z", answer=CONTINUE),
        relayed(pie("1", "call-1"), seq=3, at="2026-11-23T09:30:20.480Z", answer=CONTINUE),
        relayed(ace("call-2"), seq=4, at="2026-11-23T09:30:25.000Z", answer=CONTINUE),
        relayed(dice("call-1"), seq=5, at="2026-11-23T09:30:42.300Z"),
    ]


class EventsHarness(Harness):
    """The console on the frozen in-process sandbox, its Events feed replaced by `feed` (not connected: the
    test adds events and sets the state itself). `feed=None` is a profile without a relay."""

    def __init__(self, folder: Path, feed: EventFeed | None, **kw: Any) -> None:
        super().__init__(folder, seed=7, **kw)
        self.feed = feed
        self.app._start_events = self._start_events  # type: ignore[method-assign]

    def _start_events(self, session: Any) -> EventFeed | None:
        if self.feed is not None:
            self.app.events_feed = self.feed
        return self.feed


def offline_feed() -> EventFeed:
    return EventFeed("ws://127.0.0.1:9/events", "unused")
