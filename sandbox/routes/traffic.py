"""Traffic routes: callouts, calls and conferences (served under /calling/v1 and /v1)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.models import ConferenceCommand
from sandbox.callouts import place_callout
from sandbox.engine import Sandbox
from sandbox.errors import illegal
from sandbox.routes.common import endpoint, no_content, ok, param, signer
from sandbox.svaml import apply_to_call, parse_svaml
from sandbox.validation import parse_json, validate

CALL_LEGS = ("caller", "callee", "both")


@endpoint
def callouts(request: Request, sb: Sandbox, body: bytes) -> Response:
    call = place_callout(sb, parse_json(body), signer(request))
    return ok({"callId": call.call_id})


@endpoint
def get_call(request: Request, sb: Sandbox, body: bytes) -> Response:
    return ok(sb.call(param(request, "call_id")).to_wire(sb.now()))


@endpoint
def manage_call(request: Request, sb: Sandbox, body: bytes) -> Response:
    leg = param(request, "leg") if "leg" in request.path_params else None
    if leg is not None and leg not in CALL_LEGS:
        raise illegal(f"Illegal parameter 'callLeg': use one of {', '.join(CALL_LEGS)}")
    call = sb.call(param(request, "call_id"))
    apply_to_call(sb, call, parse_svaml(parse_json(body)))
    return no_content()


@endpoint
def get_conference(request: Request, sb: Sandbox, body: bytes) -> Response:
    conf = sb.conference(param(request, "conference_id"))
    now = sb.now()
    return ok({"participants": [p.to_wire(now) for p in conf.participants.values()]})


@endpoint
def manage_participant(request: Request, sb: Sandbox, body: bytes) -> Response:
    command = validate(ConferenceCommand, parse_json(body))
    sb.command(param(request, "conference_id"), param(request, "call_id"), command.command)
    return no_content()


@endpoint
def kick_participant(request: Request, sb: Sandbox, body: bytes) -> Response:
    sb.kick(param(request, "conference_id"), param(request, "call_id"))
    return no_content()


@endpoint
def kick_all(request: Request, sb: Sandbox, body: bytes) -> Response:
    sb.kick_all(param(request, "conference_id"))
    return no_content()


def routes(prefix: str) -> list[Route]:
    return [
        Route(f"{prefix}/callouts", callouts, methods=["POST"]),
        Route(f"{prefix}/calls/id/{{call_id}}", get_call, methods=["GET"]),
        Route(f"{prefix}/calls/id/{{call_id}}", manage_call, methods=["PATCH"]),
        Route(f"{prefix}/calls/id/{{call_id}}/leg/{{leg}}", manage_call, methods=["PATCH"]),
        Route(f"{prefix}/conferences/id/{{conference_id}}", get_conference, methods=["GET"]),
        Route(f"{prefix}/conferences/id/{{conference_id}}", kick_all, methods=["DELETE"]),
        Route(f"{prefix}/conferences/id/{{conference_id}}/{{call_id}}", manage_participant, methods=["PATCH"]),
        Route(f"{prefix}/conferences/id/{{conference_id}}/{{call_id}}", kick_participant, methods=["DELETE"]),
    ]
