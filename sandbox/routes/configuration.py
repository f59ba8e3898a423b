"""Configuration routes (the global host): numbers, callback URLs, query number."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.models import AssignNumbersRequest, CallbacksConfig, UnassignNumberRequest
from sandbox.engine import Sandbox
from sandbox.errors import SandboxError
from sandbox.rates import query_number_body
from sandbox.routes.common import endpoint, no_content, ok, param, signer
from sandbox.validation import parse_json, validate


@endpoint
def get_numbers(request: Request, sb: Sandbox, body: bytes) -> Response:
    return ok({"numbers": sb.numbers.listing()})


@endpoint
def assign_numbers(request: Request, sb: Sandbox, body: bytes) -> Response:
    """`applicationkey` per the API reference; `applicationKey`/`application_key` too (sinch 1.1.4). Empty = signer."""
    req = validate(AssignNumbersRequest, parse_json(body))
    sb.numbers.assign(req.numbers, req.application_key or signer(request), req.capability, set(sb.applications))
    return no_content()


@endpoint
def unassign_number(request: Request, sb: Sandbox, body: bytes) -> Response:
    req = validate(UnassignNumberRequest, parse_json(body))
    sb.numbers.unassign(req.number, req.application_key or signer(request), req.capability, set(sb.applications))
    return no_content()


def _own_application(request: Request) -> str:
    key = param(request, "application_key")
    if key != signer(request):
        raise SandboxError(40301, "Invalid authorization scheme for calling the method: "
                                  "the key in the path is not the application that signed the request")
    return key


@endpoint
def get_callbacks(request: Request, sb: Sandbox, body: bytes) -> Response:
    return ok({"url": sb.callbacks.get(_own_application(request))})


@endpoint
def update_callbacks(request: Request, sb: Sandbox, body: bytes) -> Response:
    key = _own_application(request)
    config = validate(CallbacksConfig, parse_json(body))
    sb.callbacks.set(key, config.url.primary, config.url.fallback)
    return no_content()


@endpoint
def query_number(request: Request, sb: Sandbox, body: bytes) -> Response:
    # the server decoded the path once (`%2B` -> `+`); a raw `+` is literal, never a space. Decoding again
    # would turn a typed `%2B` (sent as `%252B`) into a `+` the caller never meant.
    return ok(query_number_body(param(request, "number")))


def routes(prefix: str) -> list[Route]:
    numbers = [
        Route(path, fn, methods=[method])
        for path in (f"{prefix}/configuration/numbers", f"{prefix}/configuration/numbers/")
        for method, fn in (("GET", get_numbers), ("POST", assign_numbers), ("DELETE", unassign_number))
    ]
    return [
        *numbers,
        Route(f"{prefix}/configuration/callbacks/applications/{{application_key}}", get_callbacks, methods=["GET"]),
        Route(f"{prefix}/configuration/callbacks/applications/{{application_key}}", update_callbacks,
              methods=["POST"]),
        Route(f"{prefix}/calling/query/number/{{number:path}}", query_number, methods=["GET"]),
    ]
