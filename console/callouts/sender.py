"""Sending a callout: once, audited, refused on read-only profiles, with the outcome in words.

A callout rings a real phone and costs money, so this never sends twice: a second `send` while one is in
flight returns an "ignored" outcome at once, and nothing here retries (the client retries only a request that
certainly was not sent, DESIGN.md section 3).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from api import SinchVoiceClient
from console.audit import AuditLog, AuditWriteError
from console.callouts.forms import CalloutPlan
from console.callouts.preview import NumberPreview
from console.rooms.wording import ROOM, describe_error, error_code

Status = Literal["placed", "failed", "refused", "ignored"]


@dataclass(frozen=True)
class SendOutcome:
    status: Status
    text: str
    """"Placed text-to-speech callout to +46…: callId 4f…", "Not sent: destination: …", ..."""
    plan: CalloutPlan
    call_id: str | None = None
    placed_at: datetime | None = None
    error_code: int | None = None

    @property
    def ok(self) -> bool:
        return self.status == "placed"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class CalloutSender:
    """Places callouts for one session. `in_flight` is true from the first await of `send` until it returns."""

    def __init__(self, client: SinchVoiceClient, audit: AuditLog | None, *, read_only: bool = False,
                 clock: Callable[[], datetime] = _utc_now) -> None:
        self.client = client
        self.audit = audit
        self.read_only = read_only
        self.clock = clock
        self.in_flight = False

    def refusal(self, plan: CalloutPlan, preview: NumberPreview | None = None) -> str | None:
        """Why `plan` must not be sent (read-only profile, restricted number), or None."""
        if self.read_only:
            return "Not sent: this profile is read-only (callouts are refused)"
        if preview is not None and preview.block_reason and preview.normalized in ("", plan.destination):
            return f"Not sent: {preview.block_reason}"
        return None

    async def send(self, plan: CalloutPlan, preview: NumberPreview | None = None) -> SendOutcome:
        """Send `plan` once. Never raises: every failure is a worded outcome."""
        if self.in_flight:
            return SendOutcome("ignored", "A callout is already being sent; wait for its answer", plan)
        self.in_flight = True  # set before any await: a second press in the same tick is ignored
        try:
            return await self._send(plan, preview)
        finally:
            self.in_flight = False

    async def _send(self, plan: CalloutPlan, preview: NumberPreview | None) -> SendOutcome:
        who = plan.destination or "(ICE decides)"
        refused = self.refusal(plan, preview)
        if refused:
            if self.audit is not None:
                with contextlib.suppress(OSError):
                    await self.audit.refused("callout", refused, room=plan.conference_id, cli=who)
            return SendOutcome("refused", refused, plan)
        try:
            if self.audit is None:
                call_id = await plan.send(self.client)
            else:
                async with self.audit.action("callout", room=plan.conference_id, cli=who,
                                             message=plan.kind_name) as record:
                    call_id = await plan.send(self.client)
                    record.message = f"{plan.kind_name}, callId {call_id}"
        except AuditWriteError as error:
            return SendOutcome("failed", f"Not sent: {error}", plan)
        except Exception as error:
            words = describe_error(error, subject=ROOM)
            if not words.startswith("Not sent"):
                words = f"{plan.kind_name.capitalize()} to {who} failed: {words}"
            return SendOutcome("failed", words, plan, error_code=error_code(error))
        return SendOutcome("placed", f"Placed {plan.kind_name} to {who}: callId {call_id}", plan, call_id,
                           self.clock())
