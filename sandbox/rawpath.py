"""Route on the path as sent, so an encoded slash in an id stays inside its segment.

Starlette matches routes against the percent-decoded path, where `standup%2F<callId>` (a conference id with
a slash, escaped by a careful client) would become `standup/<callId>`: the kick-one-participant route
instead of kick-all. This middleware decodes everything except `%2F`, and `segment()` restores the slash
inside a path parameter.
"""

from __future__ import annotations

from urllib.parse import unquote

from starlette.types import ASGIApp, Receive, Scope, Send

ENCODED_SLASH = "%2F"


class RawPathMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = scope.get("raw_path") if scope["type"] == "http" else None
        if raw and b"%2f" in raw.lower():
            path = raw.decode("latin-1").split("?", 1)[0]
            path = path.replace("%2f", ENCODED_SLASH).replace(ENCODED_SLASH, "%252F")
            scope = dict(scope, path=unquote(path))
        await self.app(scope, receive, send)


def segment(value: str) -> str:
    """A path parameter as the client meant it (`%2F` back to `/`)."""
    return value.replace(ENCODED_SLASH, "/")
