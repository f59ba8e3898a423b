"""Shared helpers for api tests: a recording MockTransport and a client that never sleeps."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from api import SinchVoiceClient
from api.retry import RetryPolicy

KEY = "5F5C418A0F914BBC8234A9BF5EDDAD97"
SECRET = "JViE5vDor0Sw3WllZka15Q=="  # the example pair of Sinch's public "using REST" page


@dataclass
class Sent:
    """What reached the transport: method, raw path, headers and the exact body bytes."""

    method: str
    url: httpx.URL
    raw_path: str
    headers: httpx.Headers
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Recorder:
    """A MockTransport handler replaying `replies` in order (the last one repeats)."""

    replies: list[httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]] = field(
        default_factory=list
    )
    sent: list[Sent] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        self.sent.append(Sent(request.method, request.url, request.url.raw_path.decode().split("?")[0],
                              request.headers, body))
        reply = self.replies[min(len(self.sent), len(self.replies)) - 1] if self.replies else httpx.Response(204)
        if isinstance(reply, Exception):
            raise reply
        if callable(reply) and not isinstance(reply, httpx.Response):
            return reply(request)
        return httpx.Response(reply.status_code, headers=reply.headers, content=reply.content)


def reply(status: int = 200, body: Any = None, headers: dict[str, str] | None = None, raw: bytes | None = None):
    if raw is not None:
        return httpx.Response(status, headers=headers, content=raw)
    if body is None:
        return httpx.Response(status, headers=headers)
    return httpx.Response(status, headers=headers, json=body)


@dataclass
class Sleeps:
    calls: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def make_client(sleeps: Sleeps):
    """make_client(*replies, **client_kwargs) -> (client, recorder)."""
    created: list[SinchVoiceClient] = []

    def factory(*replies: Any, **kwargs: Any) -> tuple[SinchVoiceClient, Recorder]:
        recorder = Recorder(list(replies))
        http = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
        kwargs.setdefault("retry_policy", RetryPolicy(sleep=sleeps, random=lambda: 0.5))
        client = SinchVoiceClient(application_key=KEY, application_secret=SECRET, http_client=http, **kwargs)
        created.append(client)
        return client, recorder

    return factory
