"""Sandbox test helpers (a unique module name: `conftest` is ambiguous across test folders).

An in-process app with a frozen clock and a fixed seed, and a client that signs like a Sinch SDK.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx

from api.auth import application_authorization, basic_authorization, sign_request, utc_timestamp
from sandbox import DEMO_APPLICATION_KEY, DEMO_APPLICATION_SECRET, Clock, create_app

START = datetime(2026, 1, 5, 9, 0, 0, tzinfo=UTC)
SEED = 1234
CONTENT_TYPE = "application/json; charset=UTF-8"


class Api:
    """An httpx client that signs every request like a Sinch SDK (or uses Basic auth when asked)."""

    def __init__(self, http: httpx.AsyncClient, key: str = DEMO_APPLICATION_KEY,
                 secret: str = DEMO_APPLICATION_SECRET) -> None:
        self.http, self.key, self.secret = http, key, secret

    async def request(self, method: str, path: str, body: Any = None, *, raw: bytes | None = None,
                      auth: str = "signed", timestamp: str | None = None, key: str | None = None,
                      secret: str | None = None, params: dict[str, Any] | None = None) -> httpx.Response:
        content = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        request = self.http.build_request(method, path, content=content or None, params=params,
                                          headers={"Content-Type": CONTENT_TYPE})
        key, secret = key or self.key, secret or self.secret
        if auth == "basic":
            request.headers["Authorization"] = basic_authorization(key, secret)
        elif auth == "signed":
            ts = timestamp or utc_timestamp()
            signature = sign_request(secret, method=method, path=request.url.raw_path.decode().split("?")[0],
                                     body=content, content_type=CONTENT_TYPE, timestamp=ts)
            request.headers["Authorization"] = application_authorization(key, signature)
            request.headers["x-timestamp"] = ts
        return await self.http.send(request)

    async def get(self, path: str, **kw: Any) -> httpx.Response:
        return await self.request("GET", path, **kw)

    async def post(self, path: str, body: Any = None, **kw: Any) -> httpx.Response:
        return await self.request("POST", path, body, **kw)

    async def patch(self, path: str, body: Any = None, **kw: Any) -> httpx.Response:
        return await self.request("PATCH", path, body, **kw)

    async def delete(self, path: str, body: Any = None, **kw: Any) -> httpx.Response:
        return await self.request("DELETE", path, body, **kw)

    # admin routes need no signature
    async def admin(self, method: str, path: str, body: Any = None) -> httpx.Response:
        return await self.http.request(method, f"/_sandbox{path}", json=body)

    async def advance(self, seconds: float) -> None:
        response = await self.admin("POST", "/clock/advance", {"seconds": seconds})
        assert response.status_code == 200, response.text


def assert_error(response: httpx.Response, status: int, code: int, *fragments: str) -> dict[str, Any]:
    """The Sinch error shape, with the status, code and words expected in the message."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"errorCode", "message", "reference"}, body
    assert body["errorCode"] == code, body
    assert isinstance(body["reference"], str) and body["reference"]
    for fragment in fragments:
        assert fragment in body["message"], body
    return body


def make_app(scenario: str = "empty", seed: int = SEED, ring_seconds: float = 2.0, **kw: Any):
    return create_app(scenario=scenario, seed=seed, clock=Clock.manual(START), ring_seconds=ring_seconds, **kw)


async def tts(api: Api, endpoint: str = "+46730170101", text: str = "Hello there", **extra: Any) -> str:
    body = {"method": "ttsCallout",
            "ttsCallout": {"destination": {"type": "number", "endpoint": endpoint}, "text": text, **extra}}
    response = await api.post("/calling/v1/callouts", body)
    assert response.status_code == 200, response.text
    return response.json()["callId"]


async def conference_callout(api: Api, room: str, endpoint: str = "+46730170101", **extra: Any) -> str:
    body = {"method": "conferenceCallout",
            "conferenceCallout": {"destination": {"type": "number", "endpoint": endpoint},
                                  "conferenceId": room, **extra}}
    response = await api.post("/calling/v1/callouts", body)
    assert response.status_code == 200, response.text
    return response.json()["callId"]
