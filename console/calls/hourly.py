"""Calls the console placed, hour by hour: how many and what they cost, for the strip above the Calls list.

Only the console's own callouts count (a callId typed in by hand was placed elsewhere). Hours are clock hours in
local time, the last `hours` of them up to the current one, oldest first; an hour without calls is a zero, so
the strip's cells always stand for the same hours. The cost is the debit the platform reported so far (a live
call has none yet); debits in more than one currency are not added up: the currency reads "mixed".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from api.models.views import HourOfCalls
from console.calls.tracked import ADDED, TrackedCall

HOURS = 12


@dataclass(frozen=True, slots=True)
class CallsByHour:
    hours: tuple[HourOfCalls, ...]
    currency: str
    """The debits' currency ("EUR"), "" before any debit, "mixed" when they differ (the cost is then not summed)."""

    @property
    def placed(self) -> int:
        return sum(hour.placed for hour in self.hours)

    @property
    def cost(self) -> float:
        return sum(hour.cost for hour in self.hours)


def calls_by_hour(calls: Iterable[TrackedCall], now: datetime, hours: int = HOURS) -> CallsByHour:
    """The last `hours` clock hours (local time) up to `now`'s, with the console's callouts placed in each."""
    current = now.astimezone().replace(minute=0, second=0, microsecond=0)
    starts = [current - timedelta(hours=back) for back in range(hours - 1, -1, -1)]
    placed = [0] * hours
    cost = [0.0] * hours
    currencies: Counter[str] = Counter()
    for call in calls:
        if call.kind == ADDED:
            continue
        index = hours - 1 - int((current - call.placed_at.astimezone().replace(minute=0, second=0, microsecond=0))
                                / timedelta(hours=1))
        if not 0 <= index < hours:
            continue
        placed[index] += 1
        debit = call.result.debit if call.result is not None else None
        if debit is not None and debit.currency_id:
            currencies[debit.currency_id] += 1
            cost[index] += debit.amount
    currency = "" if not currencies else next(iter(currencies)) if len(currencies) == 1 else "mixed"
    if currency == "mixed":
        cost = [0.0] * hours
    return CallsByHour(tuple(HourOfCalls(start, count, round(amount, 4))
                             for start, count, amount in zip(starts, placed, cost, strict=True)), currency)
