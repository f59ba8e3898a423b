"""Admin routes for callbacks (no auth, never Sinch paths).

    POST /_sandbox/participants/{callId}/dtmf   {"digits": "1"}  -> keys pressed on a call. In an IVR menu
         (SVAML runMenu) they are matched against its options and a PIE reports the menuResult (return,
         sequence, invalidinput; a `menu(id)` option only moves the call, see sandbox.menus); otherwise a PIE
         carries them when the participant's room detects DTMF (conferenceDtmfOptions mode "detect").
         200 {"callId", "digits", "conferenceId", "menuId", "sent"} (`menuId`: the menu the call is in after
         the keys, null when none; `sent` false when no PIE was queued, e.g. no callback URL is configured);
         40003 when the call is neither in a menu nor in a room with detection
    POST /_sandbox/callbacks/flush  {"timeout": 5}  -> waits until queued callbacks are delivered and their
         answers applied: 200 {"flushed": bool, "callbackDelivery": {...}}
"""

from __future__ import annotations

import re

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.engine import Sandbox
from sandbox.errors import SandboxError, illegal, missing
from sandbox.routes.common import endpoint, ok, param
from sandbox.validation import parse_json

DIGITS = re.compile(r"^[0-9#*]{1,32}$")
MAX_FLUSH_SECONDS = 30.0


@endpoint
def press_dtmf(request: Request, sb: Sandbox, body: bytes) -> Response:
    data = parse_json(body)
    digits = data.get("digits")
    if digits is None or digits == "":
        raise missing("Missing parameter 'digits'")
    digits = str(digits)
    if not DIGITS.match(digits):
        raise illegal("Illegal parameter 'digits': use 0-9, # and * (at most 32)")
    call_id = param(request, "call_id")
    sent = sb.press_dtmf(call_id, digits)
    call = sb.calls[call_id]
    return ok({"callId": call_id, "digits": digits, "conferenceId": call.conference_id,
               "menuId": call.menu.current if call.menu else None, "sent": sent})


async def flush_callbacks(request: Request) -> Response:
    """Not an `endpoint`: it must not hold the sandbox lock while the sender applies answers."""
    sb: Sandbox = request.app.state.sandbox
    try:
        data = parse_json(await request.body(), required=False)
        timeout = min(MAX_FLUSH_SECONDS, max(0.0, float(data.get("timeout", 5.0))))
    except (SandboxError, TypeError, ValueError):
        timeout = 5.0
    flushed = await run_in_threadpool(sb.dispatcher.flush, timeout)
    return JSONResponse({"flushed": flushed, "callbackDelivery": sb.dispatcher.to_wire()})


routes = [
    Route("/_sandbox/participants/{call_id}/dtmf", press_dtmf, methods=["POST"]),
    Route("/_sandbox/callbacks/flush", flush_callbacks, methods=["POST"]),
]
