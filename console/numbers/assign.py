"""Assign and un-assign as the API reference has them: numbers (E.164, one or several), an application key (this
application's by default) and a capability (voice or sms). Checked in words before anything is sent.

What the account's listing already tells is checked too (a number it does not own, a voice request for an
sms number), so the common mistakes are explained before the platform answers 40001. What only the
platform knows (another application's key, say) is left to it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from api.models import NumberItem
from api.models.common import format_number
from console.numbers.listing import NumberRow, short_key

CAPABILITIES = ("voice", "sms")
MAX_NUMBERS = 100
"""More than this at once is almost certainly a paste gone wrong."""
_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _join(numbers: tuple[str, ...] | list[str], limit: int = 3) -> str:
    shown = [format_number(n) for n in numbers[:limit]]
    more = len(numbers) - len(shown)
    text = ", ".join(shown[:-1]) + (" and " if len(shown) > 1 else "") + shown[-1] if shown else ""
    return text + (f" and {more} more" if more > 0 else "")


def target_name(application_key: str, this_app: str) -> str:
    return "this app" if application_key == this_app else f"application {short_key(application_key)}"


@dataclass(frozen=True)
class AssignPlan:
    """What will be sent: POST /configuration/numbers {numbers, applicationkey, capability}."""

    numbers: tuple[str, ...]
    application_key: str
    capability: str | None

    def describe(self, this_app: str) -> str:
        """"+46 8 505 123 45 to this app as voice"."""
        kind = f" as {self.capability}" if self.capability else ""
        return f"{_join(self.numbers)} to {target_name(self.application_key, this_app)}{kind}"


@dataclass(frozen=True)
class CheckedAssign:
    """The assign form checked: a plan (None while a field is refused), problems by field, warnings."""

    plan: AssignPlan | None
    problems: dict[str, str]
    warnings: list[str]


def check_application_key(text: str, this_app: str) -> str:
    """The application to assign to; empty means this application. ValueError in words otherwise."""
    key = text.strip()
    if not key:
        return this_app
    if not _KEY.fullmatch(key):
        raise ValueError("an application key is letters, digits and dashes, "
                         "e.g. 11983f76-12c8-1111-9515-4785c7b49ca8 (empty: this app)")
    return key


def check_capability(text: str) -> str | None:
    value = text.strip().lower()
    if not value:
        return None
    if value not in CAPABILITIES:
        raise ValueError(f"voice or sms, not {text.strip()[:20]!r}")
    return value


def check_assign(numbers_text: str, application_key_text: str, capability_text: str, *, this_app: str,
                 owned: Mapping[str, NumberItem] | None = None) -> CheckedAssign:
    """Check the assign form. `owned` (the account's numbers by E.164, when listed) adds the account checks."""
    from console.callouts.dial_in import parse_numbers  # the one reader of pasted numbers (dial-in's too)

    problems: dict[str, str] = {}
    warnings: list[str] = []
    numbers, number_problems = parse_numbers(numbers_text, limit=MAX_NUMBERS)
    if number_problems:
        problems["numbers"] = number_problems[0] + (f" (and {len(number_problems) - 1} more)"
                                                    if len(number_problems) > 1 else "")
    elif not numbers:
        problems["numbers"] = "type at least one number, e.g. +46 8 505 123 45"
    try:
        key = check_application_key(application_key_text, this_app)
    except ValueError as error:
        problems["application_key"] = str(error)
        key = ""
    try:
        capability = check_capability(capability_text)
    except ValueError as error:
        problems["capability"] = str(error)
        capability = None
    if owned is not None and "numbers" not in problems:
        foreign = [n for n in numbers if n not in owned]
        if foreign:
            problems["numbers"] = (f"{_join(foreign)} {'is not a number' if len(foreign) == 1 else 'are not numbers'}"
                                   " of this account (r reloads the list)")
        elif capability is not None and "capability" not in problems:
            other = [n for n in numbers if (owned[n].capability or capability) != capability]
            if other:
                theirs = owned[other[0]].capability
                problems["capability"] = (f"{_join(other)} {'is' if len(other) == 1 else 'are'} {theirs} only: "
                                          f"choose {theirs}, or assign {'it' if len(other) == 1 else 'them'} apart")
        if not problems:
            warnings = _assign_warnings(numbers, key, owned, this_app)
    if problems:
        return CheckedAssign(None, problems, warnings)
    return CheckedAssign(AssignPlan(tuple(numbers), key, capability), problems, warnings)


def _assign_warnings(numbers: list[str], key: str, owned: Mapping[str, NumberItem], this_app: str) -> list[str]:
    warnings = []
    already = [n for n in numbers if owned[n].application_key == key]
    if already:
        warnings.append(f"{_join(already)} {'is' if len(already) == 1 else 'are'} already on "
                        f"{target_name(key, this_app)}: nothing changes for {'it' if len(already) == 1 else 'them'}")
    for number in numbers:
        current = owned[number].application_key
        if current and current != key:
            warnings.append(f"{format_number(number)} moves from {target_name(current, this_app)} "
                            f"to {target_name(key, this_app)}")
    return warnings


@dataclass(frozen=True)
class UnassignPlan:
    """What will be sent: DELETE /configuration/numbers {number, applicationKey, capability}."""

    number: str
    application_key: str
    capability: str | None

    def describe(self, this_app: str) -> str:
        kind = f" ({self.capability})" if self.capability else ""
        return f"{format_number(self.number)}{kind} from {target_name(self.application_key, this_app)}"


def unassign_plan(row: NumberRow) -> UnassignPlan:
    """Un-assign `row` from the application it is on; ValueError in words when it is on none."""
    if not row.application_key:
        raise ValueError(f"{row.formatted} is not assigned to any application: nothing to un-assign")
    capability = row.capability if row.capability in CAPABILITIES else None
    return UnassignPlan(row.number, row.application_key, capability)
