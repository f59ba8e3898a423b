"""Small value types used across the API: money, identities, destinations."""

from __future__ import annotations

from typing import Literal

import phonenumbers
from pydantic import Field, field_validator, model_validator

from api.models.base import RequestModel, WireModel

DestinationType = Literal["number", "username"]
Domain = Literal["pstn", "mxp"]


class Money(WireModel):
    """An amount in a currency, e.g. a rate per minute or a call's debit."""

    currency_id: str = ""
    amount: float = 0.0

    def __str__(self) -> str:
        return f"{self.amount:.4f} {self.currency_id}".strip()


class Identity(WireModel):
    """Who a call is from or to, as Sinch reports it."""

    type: str = "number"
    endpoint: str = ""


def normalize_number(value: str, default_region: str | None = None) -> str:
    """Return `value` in E.164, accepting the spec's plus-less form ("46000000001") and "+46(0)73-017 01 01".

    A number that is valid in its country's numbering plan is formatted by phonenumbers (which also drops
    a wrongly typed trunk zero); a number that is merely possible keeps exactly the digits typed, so a
    test or unusual number is never rewritten into another one. Raises ValueError with a sentence a person
    can act on.
    """
    raw = value.strip().replace("(0)", "")
    if not raw:
        raise ValueError("a phone number is required")
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    international = raw.startswith("+") or default_region is None
    candidate = raw if raw.startswith("+") or not international else "+" + raw
    try:
        parsed = phonenumbers.parse(candidate, None if international else default_region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"{value!r} is not a phone number ({exc})") from None
    if not phonenumbers.is_possible_number(parsed):
        raise ValueError(f"{value!r} is not a possible phone number (wrong length for its country)")
    if phonenumbers.is_valid_number(parsed) or not international:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return "+" + "".join(ch for ch in candidate if ch.isdigit())


class Destination(RequestModel):
    """The endpoint a callout calls: a PSTN number (normalised to E.164) or an app username."""

    type: DestinationType = "number"
    endpoint: str = Field(min_length=1)

    @model_validator(mode="after")
    def _normalise_number(self) -> Destination:
        if self.type == "number":
            normalised = normalize_number(self.endpoint)
            if normalised != self.endpoint:
                object.__setattr__(self, "endpoint", normalised)
        return self

    @classmethod
    def coerce(cls, value: Destination | str) -> Destination:
        """Accept a Destination or a plain number string."""
        if isinstance(value, Destination):
            return value
        return cls(type="number", endpoint=value)


def e164_field_validator(*fields: str):
    """A reusable pydantic validator normalising the named optional number fields to E.164."""

    def _check(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return value
        return normalize_number(value)

    return field_validator(*fields)(_check)
