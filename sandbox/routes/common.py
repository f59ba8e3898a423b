"""What every route shares: run due events first, hold the lock, and answer errors in the Sinch shape."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox.engine import Sandbox
from sandbox.errors import SandboxError, error_response
from sandbox.rawpath import segment

log = logging.getLogger("sandbox")
Handler = Callable[[Request, Sandbox, bytes], Response]


def endpoint(fn: Handler) -> Callable[[Request], Any]:
    """Wrap a synchronous handler `fn(request, sandbox, body)`.

    The body is read before the lock is taken; the handler runs after `tick()` so it sees the platform as
    it is now. Any SandboxError becomes its Sinch error; anything else is a 50000 (and is logged).
    """

    @functools.wraps(fn)
    async def run(request: Request) -> Response:
        sb: Sandbox = request.app.state.sandbox
        try:
            body = await request.body()
            with sb.lock:
                sb.tick()
                return fn(request, sb, body)
        except SandboxError as exc:
            return error_response(exc.code, exc.message, sb.ids.reference(), status=exc.status)
        except Exception:
            log.exception("sandbox handler failed: %s %s", request.method, request.url.path)
            return error_response(50000, "Internal error", sb.ids.reference())

    return run


def param(request: Request, name: str) -> str:
    """A path parameter, with an escaped slash restored (see sandbox.rawpath)."""
    return segment(request.path_params[name])


def signer(request: Request) -> str:
    """The application key the request was authenticated as (set by the auth middleware)."""
    return request.scope.get("state", {}).get("application_key") or request.app.state.sandbox.application_key


def no_content() -> Response:
    """Mutations answer 204 without a body (sinch 1.1.4 treats an empty body as `{}`)."""
    return Response(status_code=204)


def ok(body: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status)


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")
