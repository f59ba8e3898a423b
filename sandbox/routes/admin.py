"""Admin routes under /_sandbox (never Sinch paths, no auth): steer the simulation from tests and demos."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.clock import wire_time
from sandbox.engine import Sandbox
from sandbox.errors import illegal, missing
from sandbox.rates import normalize
from sandbox.routes.common import base_url, endpoint, no_content, ok, param
from sandbox.validation import parse_json

MAX_RECORDING_BYTES = 4 * 1024**3
MAX_BULK = 10_000  # one request builds a big room for a bench; more is a mistake, not a room




@endpoint
def add_participant(request: Request, sb: Sandbox, body: bytes) -> Response:
    """Someone dials into the room: `{"cli": "+46...", "muted": false}` -> `{"callId": ...}`."""
    data = parse_json(body)
    if not data.get("cli"):
        raise missing("Missing parameter 'cli'")
    call = sb.dial_in(param(request, "room"), normalize(str(data["cli"]), "cli"),
                      muted=bool(data.get("muted", False)))
    if data.get("onhold"):
        sb.command(param(request, "room"), call.call_id, "onhold")
    return ok({"callId": call.call_id}, status=201)


@endpoint
def bulk_participants(request: Request, sb: Sandbox, body: bytes) -> Response:
    """Many people join and leave in one call, for benches and tests of big rooms (1,000 take ~0.1 s).

    `{"add": 1000}` (numbers +4670 0000000, +4670 0000001, ...: `cliStart` moves the first) or
    `{"add": [{"cli": "+46...", "muted": true}, ...]}`; `{"remove": 10}` hangs up the 10 longest in the room
    (CALLERHANGUP) or `{"remove": ["callId", ...]}` those calls. Removals run first.
    -> 201 `{"added": [callId, ...], "removed": [callId, ...], "participants": n}`.
    """
    data = parse_json(body)
    room = param(request, "room")
    removed = [_hang_up(sb, room, call_id) for call_id in _to_remove(sb, room, data.get("remove"))]
    added = [sb.dial_in(room, cli, muted=muted).call_id for cli, muted in _to_add(data)]
    conf = sb.conferences.get(room)
    count = len(conf.participants) if conf is not None else 0
    return ok({"added": added, "removed": removed, "participants": count}, status=201)


def _to_add(data: dict[str, Any]) -> list[tuple[str, bool]]:
    wanted = data.get("add") or []
    if isinstance(wanted, bool) or not isinstance(wanted, int | list):
        raise illegal("Illegal parameter 'add': a count or a list of {cli, muted}")
    if isinstance(wanted, int):
        if not 0 <= wanted <= MAX_BULK:
            raise illegal(f"Illegal parameter 'add': between 0 and {MAX_BULK}")
        start = data.get("cliStart", 0)
        if isinstance(start, bool) or not isinstance(start, int) or not 0 <= start <= 9_999_999 - wanted:
            raise illegal("Illegal parameter 'cliStart': a number from 0 leaving room for the count")
        # Swedish mobile numbers (+46 70 ...) are valid to phonenumbers, so no per-number parsing is needed
        return [(f"+4670{start + n:07d}", False) for n in range(wanted)]
    if len(wanted) > MAX_BULK or not all(isinstance(item, dict) and item.get("cli") for item in wanted):
        raise illegal(f"Illegal parameter 'add': at most {MAX_BULK} items, each with a 'cli'")
    return [(normalize(str(item["cli"]), "cli"), bool(item.get("muted", False))) for item in wanted]


def _to_remove(sb: Sandbox, room: str, wanted: object) -> list[str]:
    if wanted is None:
        return []
    conf = sb.conferences.get(room)
    present = list(conf.participants.values()) if conf is not None else []
    if isinstance(wanted, int) and not isinstance(wanted, bool) and wanted >= 0:
        return [p.call_id for p in sorted(present, key=lambda p: p.joined_at)[:wanted]]
    if isinstance(wanted, list) and all(isinstance(call_id, str) for call_id in wanted):
        return wanted
    raise illegal("Illegal parameter 'remove': a count or a list of callIds")


def _hang_up(sb: Sandbox, room: str, call_id: str) -> str:
    sb.participant(room, call_id)  # 40400 when that call is not in the room
    sb.end_call(sb.call(call_id), sb.now(), reason="CALLERHANGUP")
    return call_id


@endpoint
def remove_participant(request: Request, sb: Sandbox, body: bytes) -> Response:
    """The participant hangs up (CALLERHANGUP), as opposed to being kicked by a moderator."""
    _hang_up(sb, param(request, "room"), param(request, "call_id"))
    return no_content()


@endpoint
def advance_clock(request: Request, sb: Sandbox, body: bytes) -> Response:
    data = parse_json(body)
    try:
        seconds = float(data.get("seconds", 0))
    except (TypeError, ValueError):
        raise illegal("Illegal parameter 'seconds': a number is required") from None
    if seconds < 0:
        raise illegal("Illegal parameter 'seconds': the clock only moves forward")
    return ok({"now": wire_time(sb.advance(seconds))})


@endpoint
def add_fault(request: Request, sb: Sandbox, body: bytes) -> Response:
    fault = request.app.state.faults.add(sb.ids.fault_id(), parse_json(body))
    return ok(fault.to_wire(), status=201)


@endpoint
def list_faults(request: Request, sb: Sandbox, body: bytes) -> Response:
    return ok({"faults": request.app.state.faults.listing()})


@endpoint
def clear_faults(request: Request, sb: Sandbox, body: bytes) -> Response:
    request.app.state.faults.clear()
    return no_content()


@endpoint
def state(request: Request, sb: Sandbox, body: bytes) -> Response:
    return ok(sb.snapshot(base_url(request)) | {"faults": request.app.state.faults.listing()})


@endpoint
def add_recording(request: Request, sb: Sandbox, body: bytes) -> Response:
    """`{"seconds": 3}` or `{"bytes": 209715200}` (size wins); audio is rendered on download, streamed."""
    data = parse_json(body, required=False)
    try:
        seconds = float(data["seconds"]) if data.get("seconds") is not None else None
        size = int(data["bytes"]) if data.get("bytes") is not None else None
    except (TypeError, ValueError):
        raise illegal("Illegal parameter: 'seconds' and 'bytes' must be numbers") from None
    if (seconds is not None and seconds <= 0) or (size is not None and not 46 <= size <= MAX_RECORDING_BYTES):
        raise illegal("Illegal parameter: 'seconds' must be positive, 'bytes' between 46 and 4 GiB")
    call_id = str(data.get("callId") or sb.ids.call_id())
    rec = sb.add_recording(call_id, sb.now(), seconds=seconds if size is None else None, size_bytes=size)
    return ok(rec.to_wire(base_url(request)) | {"bytes": sb.recordings.size(rec)}, status=201)


routes = [
    Route("/_sandbox/conferences/{room}/participants", add_participant, methods=["POST"]),
    Route("/_sandbox/conferences/{room}/participants/bulk", bulk_participants, methods=["POST"]),
    Route("/_sandbox/conferences/{room}/participants/{call_id}", remove_participant, methods=["DELETE"]),
    Route("/_sandbox/clock/advance", advance_clock, methods=["POST"]),
    Route("/_sandbox/faults", add_fault, methods=["POST"]),
    Route("/_sandbox/faults", list_faults, methods=["GET"]),
    Route("/_sandbox/faults", clear_faults, methods=["DELETE"]),
    Route("/_sandbox/state", state, methods=["GET"]),
    Route("/_sandbox/recordings", add_recording, methods=["POST"]),
]
