"""Sending a callout: once, audited, refused on read-only profiles, with the outcome in words.

A callout rings a real phone and costs money, so this never sends twice: a second `send` while one is in
flight returns an "ignored" outcome at once, and nothing here retries (the client retries only a request that
certainly was not sent, DESIGN.md section 3).

Every callout is tagged: its `custom` field starts with a fresh correlation tag (`sc-` + 12 hex digits, see
api.models.correlation). When the request went out and no answer came (api.errors.OutcomeUnknownError), the
outcome is "unknown", never "failed": the phone may be ringing, and sending again could ring it twice. The Calls
mode then keeps the callout under its tag until an ACE/DiCE event or a call result carrying the tag names its
callId.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Literal

from api import SinchVoiceClient
from api.errors import OutcomeUnknownError
from api.models.correlation import new_tag, tag_custom
from console.audit import AuditLog, AuditWriteError
from console.callouts.forms import CalloutPlan
from console.callouts.preview import NumberPreview
from console.rooms.wording import ROOM, describe_error, error_code

Status = Literal["placed", "failed", "refused", "ignored", "unknown"]
MAY_HAVE_BEEN_PLACED = "may have been placed: check Calls before sending again"


@dataclass(frozen=True)
class SendOutcome:
    status: Status
    text: str
    """"Placed text-to-speech callout to +46…: callId 4f…", "Not sent: destination: …", ..."""
    plan: CalloutPlan
    call_id: str | None = None
    placed_at: datetime | None = None
    error_code: int | None = None
    correlation_id: str | None = None
    """The tag sent in `custom` ("sc-0123456789ab"): it finds the call when its callId is not known."""

    @property
    def ok(self) -> bool:
        return self.status == "placed"

    @property
    def unknown(self) -> bool:
        """Sent, but no answer said whether the call was placed."""
        return self.status == "unknown"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class CalloutSender:
    """Places callouts for one session. `in_flight` is true from the first await of `send` until it returns."""

    def __init__(self, client: SinchVoiceClient, audit: AuditLog | None, *, read_only: bool = False,
                 clock: Callable[[], datetime] = _utc_now, tags: Callable[[], str] = new_tag) -> None:
        self.client = client
        self.audit = audit
        self.read_only = read_only
        self.clock = clock
        self.tags = tags
        """Makes each callout's correlation tag (tests pass a predictable one)."""
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
        tag = self.tags()
        try:
            tagged = replace(plan, arguments={**plan.arguments,
                                              "custom": tag_custom(tag, plan.arguments.get("custom"))})
        except ValueError as error:
            return SendOutcome("refused", f"Not sent: custom: {error}", plan)
        sent_at = self.clock()
        try:
            if self.audit is None:
                call_id, unanswered = await self._attempt(tagged)
            else:
                async with self.audit.action("callout", room=plan.conference_id, cli=who,
                                             message=f"{plan.kind_name}, custom {tag}") as record:
                    call_id, unanswered = await self._attempt(tagged)
                    if unanswered is not None:
                        record.unknown(f"{plan.kind_name}, custom {tag}: {MAY_HAVE_BEEN_PLACED} ({unanswered})")
                    else:
                        record.message = f"{plan.kind_name}, callId {call_id}, custom {tag}"
        except AuditWriteError as error:
            return SendOutcome("failed", f"Not sent: {error}", plan)
        except Exception as error:
            words = describe_error(error, subject=ROOM)
            if not words.startswith("Not sent"):
                words = f"{plan.kind_name.capitalize()} to {who} failed: {words}"
            return SendOutcome("failed", words, plan, error_code=error_code(error), correlation_id=tag)
        if unanswered is not None:
            text = (f"{plan.kind_name.capitalize()} to {who}: {_reason(unanswered)}, so it {MAY_HAVE_BEEN_PLACED} "
                    f"(tagged {tag})")
            return SendOutcome("unknown", text, plan, placed_at=sent_at, correlation_id=tag)
        return SendOutcome("placed", f"Placed {plan.kind_name} to {who}: callId {call_id}", plan, call_id,
                           self.clock(), correlation_id=tag)

    async def _attempt(self, tagged: CalloutPlan) -> tuple[str, OutcomeUnknownError | None]:
        """The callId, or the unanswered request's error (an outcome, not a failure: it is never raised on)."""
        try:
            return await tagged.send(self.client), None
        except OutcomeUnknownError as error:
            return "", error


def _reason(error: OutcomeUnknownError) -> str:
    """Why the outcome is unknown, as the start of the sentence."""
    if error.accepted:
        return "the platform accepted it but its callId could not be read"
    if error.status is not None:
        return f"a gateway answered HTTP {error.status} after it was sent"
    return "no answer came in time" if error.timed_out else "the connection broke after it was sent"
