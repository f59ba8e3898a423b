"""Callback events Sinch POSTs to an application: ICE, ACE, DiCE, PIE and Notify.

A discriminated union on `event`. Older payloads spell the call id `callid`, newer ones `callId`: both parse.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, TypeAdapter

from api.models.base import WireModel
from api.models.common import Identity, Money

_CALL_ID = Field(default="", validation_alias=AliasChoices("callId", "callid", "call_id"), alias="callId")


class _Event(WireModel):
    call_id: str = _CALL_ID
    timestamp: datetime | None = None
    version: int | None = None
    custom: Any = None
    application_key: str | None = None


class IceEvent(_Event):
    """Incoming Call Event: a call reached the platform; answer with SVAML saying where it goes."""

    event: Literal["ice"]
    call_resource_url: str | None = None
    user_rate: Money | None = None
    cli: str | None = None
    to: Identity | None = None
    domain: str | None = None
    origination_type: str | None = None
    duration: int | None = None
    rdnis: str | None = None
    call_headers: list[dict[str, Any]] | None = None


class AceEvent(_Event):
    """Answered Call Event."""

    event: Literal["ace"]
    amd: dict[str, Any] | None = None


class DiceEvent(_Event):
    """Disconnected Call Event: how the call ended and what it cost."""

    event: Literal["dice"]
    reason: str | None = None
    result: str | None = None
    debit: Money | None = None
    user_rate: Money | None = None
    to: Identity | None = None
    from_: str | None = Field(default=None, alias="from")
    duration: int | None = None


class MenuResult(WireModel):
    """What the caller did in a menu: type (e.g. sequence, return, timeout) and value (the digits)."""

    type: str | None = None
    value: str | None = None
    menu_id: str | None = None
    input_method: str | None = None


class PieEvent(_Event):
    """Prompt Input Event: the result of a runMenu (or DTMF in a conference)."""

    event: Literal["pie"]
    menu_result: MenuResult | None = None


class NotifyEvent(_Event):
    """Notify: out-of-band information, e.g. a recording being available."""

    event: Literal["notify"]
    type: str | None = None


CallbackEvent = Annotated[IceEvent | AceEvent | DiceEvent | PieEvent | NotifyEvent, Field(discriminator="event")]
callback_event_adapter: TypeAdapter[Any] = TypeAdapter(CallbackEvent)


def parse_callback_event(body: bytes | str) -> IceEvent | AceEvent | DiceEvent | PieEvent | NotifyEvent:
    """Parse a callback body; raises pydantic.ValidationError for an unknown or malformed event."""
    return callback_event_adapter.validate_json(body)
