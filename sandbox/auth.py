"""Authentication like the real platform: an application-signed request or Basic auth, else 401/40108.

Pure ASGI so the signature is checked over the body bytes exactly as they arrived and the path exactly as
it was sent (`raw_path`, so `%2B` stays `%2B` and a literal `+` stays `+`). The body is then replayed to
the route. Admin routes (`/_sandbox/...`) are not Sinch paths and need no credentials.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import verify_request
from sandbox.errors import error_body

ADMIN_PREFIX = "/_sandbox"
log = logging.getLogger("sandbox.auth")


class AuthMiddleware:
    def __init__(self, app: ASGIApp, *, secrets: dict[str, str], reference: Callable[[], str],
                 max_age: float | None = 600.0, allow_basic: bool = True) -> None:
        self.app = app
        self.secrets = secrets
        self.reference = reference
        self.max_age = max_age
        self.allow_basic = allow_basic

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path", "").startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        verdict = verify_request(
            headers=headers, method=scope["method"], path=_raw_path(scope), body=body, secrets=self.secrets,
            allow_basic=self.allow_basic, max_age=self.max_age, now=datetime.now(UTC),
        )
        if not verdict.ok:
            # the reason stays server-side (in the log, for whoever runs the sandbox): telling a caller *why*
            # a signature failed helps attackers. Verdicts never hold a secret or a signature.
            log.info("refused %s %s: %s", scope["method"], _raw_path(scope), verdict.reason)
            payload = json.dumps(error_body(40108, "Invalid credentials", self.reference())).encode()
            await send({"type": "http.response.start", "status": 401,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(payload)).encode())]})
            await send({"type": "http.response.body", "body": payload})
            return
        scope.setdefault("state", {})["application_key"] = verdict.application_key
        scope["state"]["auth_scheme"] = verdict.scheme
        await self.app(scope, _replay(body, receive), send)


def _raw_path(scope: Scope) -> str:
    raw = scope.get("raw_path")
    if raw:
        return raw.decode("latin-1").split("?", 1)[0]
    return scope.get("root_path", "") + scope.get("path", "")


async def _read_body(receive: Receive) -> bytes:
    """All request body bytes (what arrived, if the client disconnected half-way)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks)
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the route the body already read, then defers to the real one."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
