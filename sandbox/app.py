"""`create_app`: the Starlette application of one simulated Sinch account.

Middleware order (outermost first): faults (a fault hits before anything else, like a flaky network),
raw-path routing (an escaped `/` stays inside its id), authentication, then the routes. Unknown paths
answer 40400 in the Sinch shape, never an HTML page.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response

from sandbox import scenarios
from sandbox.auth import AuthMiddleware
from sandbox.clock import Clock
from sandbox.engine import Sandbox
from sandbox.errors import error_response
from sandbox.faults import FaultBook, FaultMiddleware
from sandbox.rawpath import RawPathMiddleware
from sandbox.routes import all_routes
from sandbox.routes import callbacks as callback_routes


def create_app(
    *,
    sandbox: Sandbox | None = None,
    application_key: str | None = None,
    application_secret: str | None = None,
    scenario: str = "demo",
    seed: int | str | None = None,
    clock: Clock | None = None,
    ring_seconds: float = 2.0,
    auth_max_age: float | None = 600.0,
) -> Starlette:
    """Build the app. Pass `sandbox` to share a prepared one (its scenario is then not re-applied)."""
    if sandbox is None:
        sandbox = Sandbox(application_key=application_key, application_secret=application_secret, clock=clock,
                          seed=seed, ring_seconds=ring_seconds)
        scenarios.apply(sandbox, scenario)
    faults = FaultBook()

    async def http_error(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        if status == 404:
            return error_response(40400, "Not found", sandbox.ids.reference())
        if status == 405:
            return error_response(40003, "Invalid request: method not allowed", sandbox.ids.reference(),
                                  status=405)
        return error_response(50000, "Internal error", sandbox.ids.reference(), status=status)

    app = Starlette(
        routes=[*all_routes(), *callback_routes.routes],
        middleware=[
            Middleware(FaultMiddleware, book=faults, reference=sandbox.ids.reference),
            Middleware(RawPathMiddleware),
            Middleware(AuthMiddleware, secrets=sandbox.applications, reference=sandbox.ids.reference,
                       max_age=auth_max_age),
        ],
        exception_handlers={HTTPException: http_error},
    )
    app.router.redirect_slashes = False  # a redirect would break a signed POST: both spellings are routed
    app.state.sandbox = sandbox
    app.state.faults = faults
    return app
