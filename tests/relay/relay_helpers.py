"""Relay test helpers (a unique module name: `conftest` is ambiguous across test folders).

Signatures here are computed by hand from the layout Sinch documents
(https://developers.sinch.com/docs/voice/api-reference/authentication/signed-request: hashlib, hmac, base64), never
with `api.auth`, so a bug shared by our signer and our verifier cannot make these tests pass.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from datetime import UTC, datetime
from typing import Any

import httpx

from relay import RelaySettings, Rules

KEY = "5b8e4c1d-relay-test-app"
SECRET = base64.b64encode(b"relay-test-secret-16b").decode()
TOKEN = "subscriber-token-5f0c2a-at-least-32-characters"
CONTENT_TYPE = "application/json; charset=utf-8"

# developers.sinch.com, "Callback request signing": the documented ACE callback and its signature.
DOC_KEY = "669E367E-6BBA-48AB-AF15-266871C28135"
DOC_SECRET = "BeIukql3pTKJ8RGL5zo0DA=="
DOC_PATH = "/sinch/callback/ace"
DOC_TIMESTAMP = "2014-09-24T10:59:41Z"
DOC_BODY = (b'{"event":"ace","callid":"822aa4b7-05b4-4d83-87c7-1f835ee0b6f6_257",'
            b'"timestamp":"2014-09-24T10:59:41Z","version":1}')
DOC_SIGNATURE = "Tg6fMyo8mj9pYfWQ9ssbx3Tc1BNC87IEygAfLbJqZb4="


def now_stamp(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def hand_signature(secret: str, *, method: str, path: str, body: bytes, content_type: str, timestamp: str) -> str:
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode() if body else ""
    to_sign = f"{method}\n{md5}\n{content_type}\nx-timestamp:{timestamp}\n{path}".encode()
    return base64.b64encode(hmac.new(base64.b64decode(secret), to_sign, hashlib.sha256).digest()).decode()


def signed_headers(body: bytes, *, path: str = "/callback", key: str = KEY, secret: str = SECRET,
                   timestamp: str | None = None, content_type: str = CONTENT_TYPE) -> dict[str, str]:
    stamp = timestamp or now_stamp()
    signature = hand_signature(secret, method="POST", path=path, body=body, content_type=content_type,
                               timestamp=stamp)
    return {"Content-Type": content_type, "x-timestamp": stamp, "Authorization": f"Application {key}:{signature}"}


def basic_headers(key: str = KEY, secret: str = SECRET) -> dict[str, str]:
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    return {"Content-Type": CONTENT_TYPE, "Authorization": f"Basic {token}"}


def make_settings(**overrides: Any) -> RelaySettings:
    values: dict[str, Any] = {"application_key": KEY, "application_secret": SECRET, "token": TOKEN,
                              "rules": Rules.empty()}
    values.update(overrides)
    return RelaySettings(**values)


def body_of(document: dict[str, Any]) -> bytes:
    return json.dumps(document, separators=(",", ":")).encode()


def ice(call_id: str = "c-ice-1", to: str = "46730170101", cli: str = "46708168731", **extra: Any) -> dict[str, Any]:
    return {"event": "ice", "callId": call_id, "timestamp": "2026-01-05T09:00:00Z", "version": 1,
            "callResourceUrl": "https://calling-euc1.api.sinch.com/calling/v1/calls/id/" + call_id,
            "cli": cli, "to": {"type": "number", "endpoint": to}, "domain": "pstn", "applicationKey": KEY, **extra}


def ace(call_id: str = "c-ace-1", **extra: Any) -> dict[str, Any]:
    return {"event": "ace", "callId": call_id, "timestamp": "2026-01-05T09:00:01Z", "version": 1,
            "applicationKey": KEY, **extra}


def pie(value: str = "1", call_id: str = "c-pie-1", menu_id: str = "standup", **extra: Any) -> dict[str, Any]:
    return {"event": "pie", "callId": call_id, "timestamp": "2026-01-05T09:00:02Z", "version": 1,
            "menuResult": {"type": "sequence", "value": value, "menuId": menu_id, "inputMethod": "dtmf"},
            "applicationKey": KEY, **extra}


def dice(call_id: str = "c-dice-1") -> dict[str, Any]:
    return {"event": "dice", "callId": call_id, "timestamp": "2026-01-05T09:05:00Z", "reason": "CALLERHANGUP",
            "result": "ANSWERED", "version": 1, "debit": {"currencyId": "EUR", "amount": 0.02},
            "userRate": {"currencyId": "EUR", "amount": 0.01}, "to": {"type": "number", "endpoint": "46730170101"},
            "applicationKey": KEY, "duration": 300, "from": "46708168731"}


def notify(call_id: str = "c-notify-1") -> dict[str, Any]:
    return {"event": "notify", "callId": call_id, "version": 1, "type": "recording_finished",
            "destination": "s3://bucket/rec.mp3", "applicationKey": KEY}


class Callbacks:
    """Posts callbacks to a relay the way Sinch does: a signed POST with the raw JSON body."""

    def __init__(self, http: httpx.AsyncClient, path: str = "/callback") -> None:
        self.http, self.path = http, path

    async def post(self, document: dict[str, Any] | None = None, *, raw: bytes | None = None,
                   headers: dict[str, str] | None = None, path: str | None = None, **sign: Any) -> httpx.Response:
        body = raw if raw is not None else body_of(document or {})
        path = path or self.path
        return await self.http.post(path, content=body, headers=headers or signed_headers(body, path=path, **sign))


def assert_refused(response: httpx.Response) -> None:
    """401 in the Sinch error shape, saying nothing about why."""
    assert response.status_code == 401, response.text
    body = response.json()
    assert set(body) == {"errorCode", "message", "reference"}, body
    assert body["errorCode"] == 40108 and body["message"] == "Invalid credentials" and body["reference"]
    assert SECRET not in response.text and DOC_SECRET not in response.text


def read_line(stream, timeout: float = 20.0) -> str:  # type: ignore[no-untyped-def]
    """The next line a relay child prints, or AssertionError after `timeout` seconds (readline alone blocks)."""
    out: list[str] = []
    reader = threading.Thread(target=lambda: out.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    if not out:
        raise AssertionError("the relay printed nothing in time")
    return out[0]
