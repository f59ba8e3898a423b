"""The query-number tool: a number typed in any common form, normalised live, then looked up on the platform.

`normalise` is what the field shows while typing ("→ +46 70 123 45 67 · Sweden", or why it is not a number);
`look_up` asks the platform and never raises: a refusal before sending or an error answer becomes a worded
`Lookup` with `error` set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from api import errors
from api.models import NumberInfo
from api.models.common import format_number
from console.numbers.sending import describe_numbers_error

if TYPE_CHECKING:
    from api import SinchVoiceClient


@dataclass(frozen=True)
class Normalised:
    """The typed number in E.164 with its country, or the reason it is not one (`e164` is then "")."""

    e164: str = ""
    country: str = ""
    country_name: str = ""
    problem: str = ""

    def describe(self) -> str:
        if self.problem:
            return self.problem
        where = self.country_name or self.country
        return f"→ {self.e164} · {format_number(self.e164)}" + (f" · {where}" if where else "")


def normalise(text: str) -> Normalised:
    """Any common form ("+46 70-123 45 67", "0046…", "46…", "+46(0)70…") -> E.164, or a problem in words."""
    from console.callouts.fields import FieldProblem, check_number

    if not text.strip():
        return Normalised(problem="Type a number in any form: +46 70 123 45 67, 0046…, 4670…")
    try:
        endpoint = check_number(text, "Number")
    except FieldProblem as problem:
        return Normalised(problem=f"Not a number yet: {problem.reason}")
    return Normalised(endpoint.endpoint, endpoint.country, endpoint.country_name)


@dataclass(frozen=True)
class Lookup:
    """What query number said about `typed` (or why it could not say)."""

    typed: str
    number: str = ""
    """E.164 as sent."""
    info: NumberInfo | None = None
    error: str | None = None

    @property
    def rate(self) -> str:
        """"0.0368 USD per minute", or "unknown"."""
        rate = self.info.rate if self.info else None
        if rate is None:
            return "unknown"
        return f"{rate.amount:.4f} {rate.currency_id} per minute".replace("  ", " ")

    def rows(self, country_name: str = "") -> list[tuple[str, str]]:
        """(label, value) rows for the result panel."""
        info = self.info
        if info is None:
            return []
        country = info.country_id or "unknown"
        if country_name and country_name != info.country_id and info.country_id:
            country = f"{info.country_id} · {country_name}"
        normalized = info.normalized_number or self.number
        return [
            ("Country", country),
            ("Type", info.number_type or "Unknown"),
            ("Normalized", f"{normalized} · {format_number(normalized)}" if normalized else "unknown"),
            ("Rate", self.rate),
        ]


async def look_up(client: SinchVoiceClient, typed: str) -> Lookup:
    """Normalise `typed` and ask query number; an invalid number is refused before anything is sent."""
    normal = normalise(typed)
    if normal.problem:
        return Lookup(typed, error=f"Not sent: {normal.problem.removeprefix('Not a number yet: ')}")
    try:
        info = await client.query_number(normal.e164)
    except errors.BadRequestError as error:
        return Lookup(typed, normal.e164, error=f"Invalid number ({error.error_code or error.status}): "
                                               f"{error.message}")
    except Exception as error:  # a worker must never take the app down; the panel says what happened
        return Lookup(typed, normal.e164, error=f"Could not look it up: {describe_numbers_error(error)}")
    return Lookup(typed, normal.e164, info)
