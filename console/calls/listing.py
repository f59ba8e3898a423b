"""Sorting and filtering the tracked calls for the Calls list."""

from __future__ import annotations

from collections.abc import Iterable

from api.models.common import digits
from console.calls.tracked import TrackedCall

STATUS_ORDER = {"INITIATED": 0, "RINGING": 1, "ONGOING": 2, "FINAL": 3}
SORT_KEYS = ("time", "status", "duration", "debit")


def sort_calls(calls: Iterable[TrackedCall], key: str = "time") -> list[TrackedCall]:
    """Newest first by default; by status (live calls first), longest or costliest first, newest breaking ties."""
    by_time = sorted(calls, key=lambda c: (c.placed_at, c.call_id), reverse=True)
    if key == "status":
        return sorted(by_time, key=lambda c: STATUS_ORDER.get(c.status, 4 if c.unknown else -1))
    if key == "duration":
        return sorted(by_time, key=lambda c: c.duration, reverse=True)
    if key == "debit":
        return sorted(by_time, key=lambda c: c.debit, reverse=True)
    if key != "time":
        raise ValueError(f"sort by one of {', '.join(SORT_KEYS)}, not {key!r}")
    return by_time


def next_sort_key(key: str) -> str:
    return SORT_KEYS[(SORT_KEYS.index(key) + 1) % len(SORT_KEYS)] if key in SORT_KEYS else SORT_KEYS[0]


def filter_calls(calls: Iterable[TrackedCall], query: str) -> list[TrackedCall]:
    """Every word must match: `status:ongoing`, `result:busy`, `kind:tts`, or any text (number, callId, detail...).

    Numbers match by digits too: "4670" finds "+46 70 123 45 67".
    """
    words = query.lower().split()
    found = []
    for call in calls:
        text = call.search_text()
        numbers = [call.destination, call.cli or ""]
        if call.result is not None:
            numbers += [ident.endpoint for ident in (call.result.to, call.result.from_) if ident is not None]
        number_digits = " ".join(digits(number) for number in numbers)
        if all(_matches(call, word, text, number_digits) for word in words):
            found.append(call)
    return found


def _matches(call: TrackedCall, word: str, text: str, number_digits: str) -> bool:
    name, colon, value = word.partition(":")
    if colon and name in ("status", "result", "reason", "kind"):
        field_value = {
            "status": call.status,
            "result": call.result.result if call.result else "",
            "reason": call.result.reason if call.result else "",
            "kind": call.kind,
        }[name].lower()
        return field_value.startswith(value)
    if word in text:
        return True
    wanted = digits(word)
    return bool(wanted) and wanted == word.lstrip("+") and wanted in number_digits
