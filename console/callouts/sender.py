"""Sending a callout: once, through the gateway (read-only, restricted numbers, audit), with the outcome in words.

A callout rings a real phone and costs money, so this never sends twice: a second `send` while one is in
flight returns an "ignored" outcome at once, and nothing here retries (the client retries only a request that
certainly was not sent: api.retry).

Every callout is tagged: its `custom` field starts with a fresh correlation tag (`sc-` + 12 hex digits, see
api.models.correlation). When the request went out and no answer came (api.errors.OutcomeUnknownError), the
outcome is "unknown", never "failed": the phone may be ringing, and sending again could ring it twice. The Calls
mode then keeps the callout under its tag until an ACE/DiCE event or a call result carrying the tag names its
callId.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Literal

from api import SinchVoiceClient
from api.errors import OutcomeUnknownError
from api.models.correlation import new_tag, tag_custom
from console.callouts.forms import CalloutPlan
from console.callouts.preview import NumberPreview
from console.gateway import MAY_HAVE_BEEN_PLACED, Gateway
from console.rooms.wording import ROOM, describe_error

Status = Literal["placed", "failed", "refused", "ignored", "unknown"]


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
    """Places callouts for one session through its gateway (console.gateway: read-only, restricted numbers and
    the audit are decided there). `in_flight` is true from the first await of `send` until it returns."""

    def __init__(self, gateway: Gateway, *, clock: Callable[[], datetime] = _utc_now,
                 tags: Callable[[], str] = new_tag) -> None:
        self.gateway = gateway
        self.clock = clock
        self.tags = tags
        """Makes each callout's correlation tag (tests pass a predictable one)."""
        self.in_flight = False

    @property
    def client(self) -> SinchVoiceClient:
        return self.gateway.client

    def refusal_now(self) -> str | None:
        """Why no callout may be sent at all (a read-only profile), or None."""
        return self.gateway.refusal("callout")

    def refusal(self, plan: CalloutPlan, preview: NumberPreview | None = None) -> str | None:
        """Why `plan` must not be sent, as far as is known without asking (read-only, a restricted preview)."""
        refused = self.gateway.refusal("callout")
        if refused is None and preview is not None and preview.block_reason and _describes(preview, plan):
            return f"Not sent: {preview.block_reason}"
        return refused

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
        known = preview if preview is not None and preview.error is None and _describes(preview, plan) else None
        refused = await self.gateway.callout_refusal(
            plan.destination, restricted=known.restricted if known else None,
            normalized=known.normalized if known else None)
        tag = self.tags()
        try:
            tagged = replace(plan, arguments={**plan.arguments,
                                              "custom": tag_custom(tag, plan.arguments.get("custom"))})
        except ValueError as error:
            refused = refused or f"Not sent: custom: {error}"
        if refused is not None:
            change = await self.gateway.refuse("callout", refused, room=plan.conference_id, cli=who)
            return SendOutcome("refused", change.text, plan)
        kind = plan.kind_name
        sent_at = self.clock()

        def failed(error: BaseException) -> str:
            if isinstance(error, OutcomeUnknownError):
                return f"{kind.capitalize()} to {who}: {_reason(error)}, so it {MAY_HAVE_BEEN_PLACED} (tagged {tag})"
            words = describe_error(error, subject=ROOM)
            return words if words.startswith("Not sent") else f"{kind.capitalize()} to {who} failed: {words}"

        change = await self.gateway.change(
            "callout", lambda: tagged.send(self.client), room=plan.conference_id, cli=who,
            message=f"{kind}, custom {tag}", describe=lambda call_id: f"{kind}, callId {call_id}, custom {tag}",
            done=lambda call_id: f"Placed {kind} to {who}: callId {call_id}", failed=failed)
        if change.unknown:
            return SendOutcome("unknown", change.text, plan, placed_at=sent_at, correlation_id=tag)
        if not change.ok:
            return SendOutcome("failed", change.text, plan, error_code=change.error_code, correlation_id=tag)
        return SendOutcome("placed", change.text, plan, change.value, self.clock(), correlation_id=tag)


def _describes(preview: NumberPreview, plan: CalloutPlan) -> bool:
    """The preview is about this plan's destination (not a number typed before it)."""
    return preview.normalized in ("", plan.destination)


def _reason(error: OutcomeUnknownError) -> str:
    """Why the outcome is unknown, as the start of the sentence."""
    if error.accepted:
        return "the platform accepted it but its callId could not be read"
    if error.status is not None:
        return f"a gateway answered HTTP {error.status} after it was sent"
    return "no answer came in time" if error.timed_out else "the connection broke after it was sent"
