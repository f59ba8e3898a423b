"""Faults on demand, so the console's resilience can be tested: latency, 5xx, 429 and dropped connections.

A fault applies to the next `count` requests whose path starts with `path` (admin routes are never
affected). "drop" starts a response that promises more bytes (Content-Length) than it sends and then
aborts: over a real socket uvicorn closes the connection and httpx raises `RemoteProtocolError`; under
`httpx.ASGITransport` the app raises `DroppedConnection`, itself an `httpx.RemoteProtocolError`, so the
client sees the same transport error either way. "drop" drops before the platform acts; "drop_after" lets
the request be carried out (a callout is placed) and drops its answer: the case of an outcome the client
cannot know. "drip" sends the real answer one byte every `seconds` (a body that never quite times out).
"""

from __future__ import annotations

import asyncio
import functools
import json
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.errors import error_body, illegal

KINDS = ("latency", "status", "rate_limit", "drop", "drop_after", "drip")


class DroppedConnection(Exception):
    """Raised by the app to abort a response mid-way (an injected "drop" fault)."""

    def __init__(self) -> None:
        super().__init__("connection dropped by an injected sandbox fault")


@functools.cache
def _transport_dropped() -> type[DroppedConnection]:
    """DroppedConnection that is also httpx's RemoteProtocolError, built when a drop first fires: importing
    httpx costs the sandbox ~0.1 s of start-up that only this fault needs."""
    import httpx

    class TransportDropped(DroppedConnection, httpx.RemoteProtocolError):
        pass

    return TransportDropped


@dataclass
class Fault:
    id: str
    kind: str
    count: int = 1  # requests left to affect; -1 = until cleared
    status: int = 503
    retry_after: float | None = None  # seconds; rate_limit faults default to 1
    seconds: float = 1.0
    path: str = "/"

    def to_wire(self) -> dict[str, object]:
        return asdict(self)


def _retry_after(spec: dict[str, Any], kind: str) -> float | None:
    raw = spec.get("retry_after", spec.get("retryAfter"))
    if raw is None:
        return 1.0 if kind == "rate_limit" else None
    return float(raw)


class FaultBook:
    """Active faults, consumed in the order they were added."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault_id: str, spec: dict[str, Any]) -> Fault:
        kind = spec.get("kind")
        if kind not in KINDS:
            raise illegal(f"Illegal parameter 'kind': use one of {', '.join(KINDS)}")
        try:
            fault = Fault(
                id=fault_id, kind=str(kind), count=int(spec.get("count", 1)),
                status=int(spec.get("status", 429 if kind == "rate_limit" else 503)),
                retry_after=_retry_after(spec, str(kind)),
                seconds=float(spec.get("seconds", 1.0)), path=str(spec.get("path", "/")),
            )
        except (TypeError, ValueError):
            raise illegal("Illegal parameter: count, status, retry_after and seconds must be numbers") from None
        if fault.count == 0 or fault.count < -1 or not 100 <= fault.status <= 599 or fault.seconds < 0:
            raise illegal("Illegal parameter: count must be positive (or -1), status an HTTP status")
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def listing(self) -> list[dict[str, object]]:
        with self._lock:
            return [f.to_wire() for f in self._faults]

    def take(self, path: str) -> Fault | None:
        """The fault that applies to this request, if any (its count goes down by one)."""
        with self._lock:
            for fault in self._faults:
                if path.startswith(fault.path):
                    if fault.count > 0:
                        fault.count -= 1
                        if fault.count == 0:
                            self._faults.remove(fault)
                    return fault
        return None


class FaultMiddleware:
    """Pure ASGI: applies the next matching fault before the request reaches auth and routes."""

    def __init__(self, app: ASGIApp, book: FaultBook, reference: Callable[[], str]) -> None:
        self.app, self.book, self.reference = app, book, reference

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        fault = None
        if scope["type"] == "http" and not path.startswith("/_sandbox"):
            fault = self.book.take(path)
        if fault is None:
            await self.app(scope, receive, send)
        elif fault.kind == "latency":
            await asyncio.sleep(fault.seconds)
            await self.app(scope, receive, send)
        elif fault.kind == "drop":
            await _drop(send)
        elif fault.kind == "drop_after":
            await self.app(scope, receive, _discard)  # the platform acts; its answer never leaves
            await _drop(send)
        elif fault.kind == "drip":
            await self.app(scope, receive, functools.partial(_drip, send, receive, fault.seconds))
        else:
            await _send_error(send, fault, self.reference())


async def _drop(send: Send) -> None:
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")]})
    await send({"type": "http.response.body", "body": b'{"callId": "', "more_body": True})
    raise _transport_dropped()()


async def _discard(message: Message) -> None:
    return None


async def _drip(send: Send, receive: Receive, seconds: float, message: Message) -> None:
    """Pass the response start on; send each body byte on its own, `seconds` apart, until the client leaves."""
    if message["type"] != "http.response.body":
        await send(message)
        return
    body, more = message.get("body", b""), message.get("more_body", False)
    for index in range(len(body)):
        last = index == len(body) - 1 and not more
        await send({"type": "http.response.body", "body": body[index:index + 1], "more_body": not last})
        if last:
            return
        try:  # the request was read already: the next message can only be the client going away
            if (await asyncio.wait_for(receive(), seconds)).get("type") == "http.disconnect":
                return
        except TimeoutError:
            pass
    if not body:
        await send(message)


async def _send_error(send: Send, fault: Fault, reference: str) -> None:
    code = 50000 if fault.status >= 500 else (40003 if fault.kind == "status" else 42900)
    message = "Too many requests" if fault.kind == "rate_limit" else "Service unavailable (injected fault)"
    if fault.kind == "status" and fault.status < 500:
        message = "Injected fault"
    payload = json.dumps(error_body(code, message, reference)).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    if fault.retry_after is not None:
        headers.append((b"retry-after", f"{fault.retry_after:g}".encode()))
    await send({"type": "http.response.start", "status": fault.status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
