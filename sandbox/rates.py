"""What a number is and what calling it costs (query number), and how demo destinations behave.

Demo destinations (documented in the README and the `sinch-sandbox --help` text):
    ...0000  always BUSY
    ...9999  rings until NOANSWER (after 30 s of virtual time)
    ...6666  restricted: query number says `restricted: true`, a callout ends FAILED/BLOCKED at once
Premium-rate and shared-cost numbers are restricted too, as on a fresh Sinch account.
"""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberType

from api.models import normalize_number
from sandbox.errors import illegal

CURRENCY = "USD"
BUSY_SUFFIX = "0000"
NO_ANSWER_SUFFIX = "9999"
RESTRICTED_SUFFIX = "6666"

# USD per minute: (fixed line, mobile). Numbers of other countries cost DEFAULT_RATE; "Other" types cost more.
RATES: dict[str, tuple[float, float]] = {
    "SE": (0.0125, 0.0368),
    "NO": (0.0140, 0.0390),
    "DK": (0.0130, 0.0350),
    "FI": (0.0210, 0.0480),
    "DE": (0.0160, 0.0420),
    "GB": (0.0140, 0.0310),
    "FR": (0.0150, 0.0380),
    "NL": (0.0170, 0.0450),
    "ES": (0.0120, 0.0330),
    "IT": (0.0130, 0.0360),
    "US": (0.0085, 0.0085),
    "CA": (0.0090, 0.0090),
    "BR": (0.0300, 0.0800),
    "IN": (0.0180, 0.0180),
    "AU": (0.0200, 0.0550),
    "JP": (0.0450, 0.1100),
}
DEFAULT_RATE = (0.0500, 0.0900)
OTHER_MULTIPLIER = 3.0

_TYPE_NAMES = {
    PhoneNumberType.FIXED_LINE: "Fixed",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "Fixed",
    PhoneNumberType.MOBILE: "Mobile",
    PhoneNumberType.UNKNOWN: "Unknown",
}
_RESTRICTED_TYPES = {PhoneNumberType.PREMIUM_RATE, PhoneNumberType.SHARED_COST}


@dataclass(frozen=True)
class NumberFacts:
    """The query-number answer for one number."""

    country_id: str
    number_type: str
    normalized_number: str
    restricted: bool
    rate: float

    def to_wire(self) -> dict[str, object]:
        return {
            "countryId": self.country_id,
            "numberType": self.number_type,
            "normalizedNumber": self.normalized_number,
            "restricted": self.restricted,
            "rate": {"currencyId": CURRENCY, "amount": self.rate},
        }


def normalize(raw: str, field: str = "number") -> str:
    """E.164 or a 40001 naming the field (accepts `+46(0)73-017-0101` and the API reference's plus-less form)."""
    try:
        return normalize_number(raw)
    except ValueError as exc:
        raise illegal(f"Invalid number specified: '{field}' {exc}") from None


def facts(raw: str) -> NumberFacts:
    """Country, type, E.164 form, restriction and per-minute rate of a number."""
    number = normalize(raw)
    parsed = phonenumbers.parse(number, None)
    country = phonenumbers.region_code_for_number(parsed) or ""
    if not country or country == "ZZ":
        country = phonenumbers.region_code_for_country_code(parsed.country_code or 0)
    kind = phonenumbers.number_type(parsed) if phonenumbers.is_valid_number(parsed) else PhoneNumberType.UNKNOWN
    type_name = _TYPE_NAMES.get(kind, "Other")
    fixed, mobile = RATES.get(country, DEFAULT_RATE)
    rate = {"Fixed": fixed, "Mobile": mobile, "Unknown": max(fixed, mobile)}.get(type_name, mobile * OTHER_MULTIPLIER)
    restricted = number.endswith(RESTRICTED_SUFFIX) or kind in _RESTRICTED_TYPES
    return NumberFacts(country if country != "ZZ" else "", type_name, number, restricted, round(rate, 4))


def query_number_body(raw: str) -> dict[str, object]:
    """The API reference names the object `numberItem`; sinch 1.1.4 reads `number`. Send both, same content."""
    item = facts(raw).to_wire()
    return {"numberItem": item, "number": dict(item)}


def destination_behaviour(endpoint: str) -> str:
    """How a callout to `endpoint` goes: "answer", "busy", "noanswer" or "restricted"."""
    digits = endpoint.strip()
    if digits.endswith(RESTRICTED_SUFFIX):
        return "restricted"
    if digits.endswith(BUSY_SUFFIX):
        return "busy"
    if digits.endswith(NO_ANSWER_SUFFIX):
        return "noanswer"
    try:
        if facts(digits).restricted:
            return "restricted"
    except Exception:  # a username destination (mxp) or odd input: it just answers
        return "answer"
    return "answer"


def rate_for(endpoint: str) -> float:
    """Per-minute rate of calling `endpoint`; app users (mxp) are free."""
    try:
        return facts(endpoint).rate
    except Exception:
        return 0.0
