"""Small value types used across the API: money, identities, destinations; how a phone number is keyed and shown."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any, Literal

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


def _number_character(ch: str) -> bool:
    """ASCII digits, "+", white space and the separators people type or paste between digits."""
    return "0" <= ch <= "9" or ch in "+-./()" or ch.isspace() or unicodedata.category(ch) == "Pd"


E164_DIGITS = (7, 15)
"""How many digits an E.164 number may have after the "+" (15 at most by the standard; 7 is shorter than any
country's numbers with its code)."""


def e164_syntax(value: str) -> str:
    """`value` in E.164 if it is shaped like one: "+", then 7-15 ASCII digits not starting with 0 (separators
    people type are dropped). What the API client checks before sending: whether the numbering plan knows the
    number is for the platform to say (Sinch's own examples use numbers phonenumbers calls impossible), and
    for the surfaces to warn about. A number the plan knows is formatted as `normalize_number` does."""
    try:
        return normalize_number(value)
    except ValueError:
        number = "+" + digits(_typed_number(value))  # refuses what is no number at all, in the same words
        low, high = E164_DIGITS
        if not low <= len(number) - 1 <= high or number[1] == "0":
            raise ValueError(f"{value!r} is not an E.164 number: a country code and number of {low}-{high} "
                             "digits in all, e.g. +46701234567") from None
        return number


def _typed_number(value: str) -> str:
    """`value` as typed, without "(0)" and with "00" read as "+"; ValueError when it holds anything but ASCII
    digits, "+" and separators (see normalize_number)."""
    raw = value.strip().replace("(0)", "")
    if not raw:
        raise ValueError("a phone number is required")
    strange = next((ch for ch in raw if not _number_character(ch)), None)
    if strange is not None:
        raise ValueError(f"{value!r} is not a phone number: {strange!r} is not allowed; use the digits 0-9, "
                         "with + and spaces, dashes, dots or brackets between them")
    return "+" + raw[2:] if raw.startswith("00") else raw


def normalize_number(value: str, default_region: str | None = None) -> str:
    """Return `value` in E.164, accepting the API reference's plus-less form ("46000000001") and "+46(0)73-017 01 01".

    A number that is valid in its country's numbering plan is formatted by phonenumbers (which also drops
    a wrongly typed trunk zero); a number that is merely possible keeps exactly the digits typed, so a
    test or unusual number is never rewritten into another one. Raises ValueError with a sentence a person
    can act on.

    Only the ASCII digits 0-9 are digits here: phonenumbers (like str.isdigit and a regex digit class) also
    reads Arabic-Indic, full-width and mathematical digits, and letters as a keypad's ("1-800-FLOWERS"), so a
    number that looks like one thing could dial another. Those are refused, as are letters (an "ext." would
    be dropped silently).
    """
    raw = _typed_number(value)
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
    return "+" + digits(candidate)


def digits(text: str) -> str:
    """Only the ASCII digits: `+46 70-816` -> `4670816`."""
    return "".join(ch for ch in text if "0" <= ch <= "9")


def number_key(number: str) -> str:
    """A comparison key for a phone number: digits with a leading "+", "00" read as "+"."""
    text = number.strip()
    only_digits = digits(text)
    if text.startswith("+"):
        return "+" + only_digits
    if only_digits.startswith("00"):
        return "+" + only_digits[2:]
    return only_digits


NUMBERS_KEPT = 2_048
"""Numbers whose parse and format are cached: a room of 1,000 and the last minutes of its comings and goings.
Bounded low because a churning room brings new numbers all day (~600 bytes each across the caches) and a miss
costs only ~20 µs of phonenumbers: only the rows a poll changes ask."""


@lru_cache(maxsize=NUMBERS_KEPT)
def parse_number(cli: str) -> phonenumbers.PhoneNumber | None:
    """`cli` as an international number ("+" optional, "00" read as "+"), or None when it is not a possible one.

    Cached (`NUMBERS_KEPT`): a roster names everyone it draws, and phonenumbers parsing costs ~20 µs.
    """
    text = cli.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    elif not text.startswith("+"):
        text = "+" + text
    try:
        parsed = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return None
    return parsed if phonenumbers.is_possible_number(parsed) else None


@lru_cache(maxsize=NUMBERS_KEPT)
def format_number(cli: str) -> str:
    """`+46708168731` (or `46708168731`) -> `+46 70 816 87 31`; anything that is not a number is shown as given."""
    parsed = parse_number(cli)
    if parsed is None:
        return cli
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class Destination(RequestModel):
    """The endpoint a callout calls: a PSTN number (normalised to E.164) or an app username."""

    type: DestinationType = "number"
    endpoint: str = Field(min_length=1)

    @model_validator(mode="after")
    def _normalise_number(self) -> Destination:
        if self.type == "number":
            normalised = e164_syntax(self.endpoint)
            if normalised != self.endpoint:
                object.__setattr__(self, "endpoint", normalised)
        return self

    @classmethod
    def coerce(cls, value: Destination | str) -> Destination:
        """Accept a Destination or a plain number string."""
        if isinstance(value, Destination):
            return value
        return cls(type="number", endpoint=value)


def e164_field_validator(*fields: str) -> Any:
    """A reusable pydantic validator normalising the named optional number fields to E.164 (pydantic's own
    validator object, which it types as Any)."""

    def _check(cls: type, value: str | None) -> str | None:
        if value is None or value == "":
            return value
        return e164_syntax(value)

    return field_validator(*fields)(_check)
