"""Calls: read a call's state and result; steer a live or parked call with SVAML."""

from __future__ import annotations

from typing import Any, Literal

from api.errors import InvalidArgumentError
from api.models import CallResult, Svaml
from api.resources._base import Resource, build, path_segment
from api.retry import Idempotency

CallLeg = Literal["caller", "callee", "both"]
CALL_LEGS = ("caller", "callee", "both")


def _call_path(call_id: str) -> str:
    return f"/calling/v1/calls/id/{path_segment(call_id, 'call_id')}"


class Calls(Resource):
    async def get(self, call_id: str) -> CallResult:
        """Status, result, reason, duration and cost of a call."""
        response = await self._client._request("GET", _call_path(call_id))
        return self._client._parse(response, CallResult)

    async def manage(
        self,
        call_id: str,
        instructions: list[Any] | None = None,
        action: Any = None,
        call_leg: CallLeg | None = None,
    ) -> None:
        """Send SVAML to a call. Not idempotent (a second `say` speaks twice), so retried like a callout.

        `call_leg` ("caller", "callee", "both") targets one leg: PATCH .../calls/id/{callId}/leg/{callLeg},
        the path the official sinch 1.1.4 SDK's manage-with-call-leg sends.
        """
        svaml = build(Svaml, {"instructions": instructions or [], "action": action})
        if svaml.action is None:
            raise InvalidArgumentError("action", "a manage-call request needs an action (e.g. {'name': 'hangup'})")
        path = _call_path(call_id)
        if call_leg is not None:
            if call_leg not in CALL_LEGS:
                raise InvalidArgumentError("call_leg", f"must be one of {', '.join(CALL_LEGS)}, not {call_leg!r}")
            path += f"/leg/{call_leg}"
        await self._client._request("PATCH", path, body=svaml.to_wire(), idempotency=Idempotency.UNSAFE)
