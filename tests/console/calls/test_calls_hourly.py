"""Calls per clock hour for the Calls screen's strip: only the console's callouts, zeros for quiet hours, the
cost in its currency (never a sum across currencies)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from api.models import CallResult
from console.calls.hourly import calls_by_hour
from console.calls.tracked import ADDED, TrackedCall

NOW = datetime(2026, 11, 23, 14, 20, tzinfo=UTC)


@pytest.fixture(autouse=True)
def utc() -> Iterator[None]:
    """Clock hours are local: pin the zone so the hours are the same on every machine."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def call(call_id: str, hours_ago: float, *, kind: str = "tts", debit: tuple[float, str] | None = None) -> TrackedCall:
    result = None
    if debit is not None:
        result = CallResult.model_validate({"callId": call_id, "status": "FINAL", "result": "ANSWERED",
                                            "debit": {"amount": debit[0], "currencyId": debit[1]}})
    return TrackedCall(call_id, kind, placed_at=NOW - timedelta(hours=hours_ago), result=result)


def test_per_clock_hour_oldest_first_only_the_consoles_calls():
    calls = [call("a", 0.1, debit=(0.04, "EUR")), call("b", 0.3), call("c", 2, debit=(0.10, "EUR")),
             call("d", 0.2, kind=ADDED, debit=(9.0, "EUR")), call("e", 30)]
    hourly = calls_by_hour(calls, NOW)
    assert [hour.hour.hour for hour in hourly.hours] == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]
    assert [hour.placed for hour in hourly.hours][-3:] == [1, 0, 2] and hourly.placed == 3
    assert hourly.hours[-1].cost == 0.04 and hourly.cost == pytest.approx(0.14) and hourly.currency == "EUR"


def test_a_free_call_still_names_its_currency_and_mixed_currencies_are_not_added():
    assert calls_by_hour([call("a", 0, debit=(0.0, "USD"))], NOW).currency == "USD"
    mixed = calls_by_hour([call("a", 0, debit=(0.04, "EUR")), call("b", 0, debit=(0.05, "USD"))], NOW)
    assert mixed.currency == "mixed" and mixed.cost == 0 and mixed.placed == 2
    assert calls_by_hour([], NOW).currency == "" and calls_by_hour([], NOW).placed == 0
