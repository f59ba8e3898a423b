"""The account's numbers as the Numbers screen lists them: formatted, with country and who answers them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from api.models import NumberItem
from api.models.common import format_number

Assignment = Literal["this", "other", "none"]
THIS_APP = "this app"
UNASSIGNED = "unassigned"


def short_key(application_key: str) -> str:
    """An application key short enough for a column: "1f0e8d2c…" (keys are UUIDs; the start tells them apart)."""
    return application_key if len(application_key) <= 12 else application_key[:8] + "…"


def country_of(number: str) -> tuple[str, str]:
    """(ISO code, English name) of an E.164 number; ("", "") when it has none."""
    from console.callouts.fields import FieldProblem, check_number

    try:
        endpoint = check_number(number, "Number")
    except FieldProblem:
        return "", ""
    return endpoint.country, endpoint.country_name


@dataclass(frozen=True)
class NumberRow:
    """One number of the account, ready to show. `number` (E.164 as listed) is the row key."""

    number: str
    formatted: str
    country: str
    country_name: str
    capability: str
    application_key: str | None
    assignment: Assignment

    @property
    def application(self) -> str:
        """"this app", "unassigned" or the other application's key, shortened."""
        if self.assignment == "this":
            return THIS_APP
        if self.assignment == "none" or not self.application_key:
            return UNASSIGNED
        return short_key(self.application_key)

    def where(self, this_app: str) -> str:
        """Who answers it, as a sentence part: "this app (1f0e8d2c…)", "application 9a8b7c6d…"."""
        if self.assignment == "this":
            return f"this app ({short_key(this_app)})"
        if self.application_key:
            return f"application {short_key(self.application_key)}"
        return "no application"

    @property
    def country_text(self) -> str:
        if not self.country:
            return "unknown"
        return f"{self.country} · {self.country_name}" if self.country_name not in ("", self.country) else self.country


def number_row(item: NumberItem, this_app: str) -> NumberRow:
    key = item.application_key or None
    assignment: Assignment = "none" if key is None else ("this" if key == this_app else "other")
    country, name = country_of(item.number)
    return NumberRow(item.number, format_number(item.number), country, name, item.capability or "",
                     key, assignment)


def number_rows(items: Iterable[NumberItem], this_app: str) -> list[NumberRow]:
    """Rows in a stable order (by number), so a row keeps its place when its assignment changes."""
    rows = {item.number: number_row(item, this_app) for item in items}  # a number listed twice shows once
    return sorted(rows.values(), key=lambda row: row.number)


def summary(rows: list[NumberRow]) -> str:
    """"5 numbers · 2 on this app · 3 unassigned"."""
    counts = {kind: sum(row.assignment == kind for row in rows) for kind in ("this", "other", "none")}
    parts = [f"{len(rows)} number{'s' if len(rows) != 1 else ''}", f"{counts['this']} on this app"]
    if counts["other"]:
        parts.append(f"{counts['other']} on other apps")
    parts.append(f"{counts['none']} unassigned")
    return " · ".join(parts)
