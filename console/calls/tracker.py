"""Calls the console follows: what was placed, the platform's latest word on each, kept across restarts.

`CallTracker` holds one `TrackedCall` per callId (the console's own callouts, and callIds typed in), polls every
call that is not FINAL yet (a FINAL call never changes again, so it is never asked about again), and keeps the
list in `folder/calls.json`. It never raises out of a poll: a failure becomes the call's worded `error`.

A 40400 for a call placed moments ago means the platform has not caught up yet; the same answer later, or for a
callId typed in by hand, means there is no such call (this application's calls only: ids of another application
or region are unknown too). Such a call is no longer polled until `wake()` asks again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from api import errors
from api.models import CallResult
from api.models.common import digits, format_number
from console.files import atomic_write
from console.rooms.wording import describe_error

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
MAX_CALLS = 500
"""The file keeps the newest this many calls."""
CONCURRENCY = 8
"""Polls in flight at once: a console with hundreds of live calls must not flood the platform."""
NOT_KNOWN_YET = timedelta(seconds=60)
"""How long a 40400 for a call the console placed itself reads as "not known yet" rather than "unknown"."""
MAX_BACKOFF_TICKS = 30
FILE_VERSION = 1
ADDED = "added"
"""The kind of a call typed in by hand (placed elsewhere)."""
STATUS_ORDER = {"INITIATED": 0, "RINGING": 1, "ONGOING": 2, "FINAL": 3}
SORT_KEYS = ("time", "status", "duration", "debit")


@dataclass
class TrackedCall:
    """One call: what was placed (or typed in), the latest result, the last problem and when it was asked."""

    call_id: str
    kind: str
    """"tts", "conference", "custom" for the console's own callouts; "added" for a callId typed in."""
    destination: str = ""
    placed_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    cli: str | None = None
    conference_id: str | None = None
    detail: str = ""
    result: CallResult | None = None
    error: str | None = None
    polled_at: datetime | None = None
    unknown: bool = False
    """The platform says there is no such call: no longer polled (until woken)."""

    @property
    def is_final(self) -> bool:
        return self.result is not None and self.result.is_final

    @property
    def status(self) -> str:
        if self.result is not None:
            return self.result.status
        return "UNKNOWN" if self.unknown else "…"

    @property
    def number(self) -> str:
        """Who was called, as a person reads it: the destination placed, or the platform's `to`."""
        endpoint = self.destination or (self.result.to.endpoint if self.result and self.result.to else "")
        return format_number(endpoint) if endpoint else self.call_id

    @property
    def duration(self) -> int:
        return self.result.duration if self.result else 0

    @property
    def debit(self) -> float:
        return self.result.debit.amount if self.result and self.result.debit else 0.0

    def duration_text(self) -> str:
        if self.result is None:
            return ""
        minutes, seconds = divmod(self.result.duration, 60)
        hours, minutes = divmod(minutes, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"

    def debit_text(self) -> str:
        """"0.0400 EUR": always with its currency (rates differ per account)."""
        money = self.result.debit if self.result else None
        return str(money) if money is not None else ""

    def search_text(self) -> str:
        result = self.result
        parts = [self.call_id, self.kind, self.destination, self.number, self.cli, self.conference_id, self.detail,
                 self.status, self.error]
        if result is not None:
            parts += [result.result, result.reason, result.to.endpoint if result.to else None,
                      result.from_.endpoint if result.from_ else None,
                      json.dumps(result.custom) if result.custom is not None else None]
        return " ".join(str(part) for part in parts if part).lower()

    def signature(self) -> tuple[Any, ...]:
        """What the list shows: a poll that leaves it equal changed nothing worth redrawing or saving."""
        r = self.result
        shown = (r.status, r.result, r.reason, r.duration, self.debit, str(r.custom)) if r is not None else None
        return shown, self.error, self.unknown

    # ---- file form ------------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "callId": self.call_id, "kind": self.kind, "destination": self.destination,
            "placedAt": self.placed_at.isoformat(), "cli": self.cli, "conferenceId": self.conference_id,
            "detail": self.detail, "error": self.error, "unknown": self.unknown,
            "polledAt": self.polled_at.isoformat() if self.polled_at else None,
            "result": self.result.model_dump(mode="json", by_alias=True) if self.result else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TrackedCall:
        """ValueError/TypeError/KeyError (or pydantic's ValidationError, a ValueError) on a bad record."""
        result = data.get("result")
        return cls(
            call_id=str(data["callId"]), kind=str(data.get("kind") or ADDED),
            destination=str(data.get("destination") or ""), placed_at=_aware(data["placedAt"]),
            cli=data.get("cli"), conference_id=data.get("conferenceId"), detail=str(data.get("detail") or ""),
            error=data.get("error"), unknown=bool(data.get("unknown", False)),
            polled_at=_aware(data["polledAt"]) if data.get("polledAt") else None,
            result=CallResult.model_validate(result) if result else None,
        )


def _aware(text: str) -> datetime:
    moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class CallChange:
    """What one poll changed for one call."""

    call: TrackedCall
    previous_status: str
    became_final: bool


class CallTracker:
    """The tracked calls of one profile on one platform (keep sandbox and live apart: use one folder each).

    Construct it off the UI loop (it reads the file). `track`/`add` only change memory and mark the list
    dirty; `poll_due` and `flush` write it, on a thread. `version` counts changes, so a screen redraws only
    when something changed, including calls tracked by the app while the screen was not shown.
    """

    def __init__(self, client: Any, folder: Path, clock: Clock, *, concurrency: int = CONCURRENCY,
                 limit: int = MAX_CALLS, on_problem: Callable[[str], object] | None = None) -> None:
        self.client = client
        self.folder = Path(folder)
        self.path = self.folder / "calls.json"
        self.clock = clock
        self.limit = limit
        self.on_problem = on_problem
        self.version = 0
        self.load_warning: str | None = None
        self.write_error: str | None = None
        self._concurrency = max(1, concurrency)
        self._calls: dict[str, TrackedCall] = {}
        self._skip: dict[str, int] = {}  # call -> ticks to sit out after consecutive failures (backoff)
        self._failures: dict[str, int] = {}
        self._polling = False
        self._dirty = False
        self._load()

    # ---- what is tracked ------------------------------------------------------------------------------

    @property
    def calls(self) -> list[TrackedCall]:
        """Newest first."""
        return sorted(self._calls.values(), key=lambda call: call.placed_at, reverse=True)

    def get(self, call_id: str) -> TrackedCall | None:
        return self._calls.get(call_id)

    def __len__(self) -> int:
        return len(self._calls)

    def __contains__(self, call_id: object) -> bool:
        return call_id in self._calls

    def track(self, call_id: str, *, kind: str, destination: str, placed_at: datetime, cli: str | None = None,
              conference_id: str | None = None, detail: str = "") -> TrackedCall:
        """Follow a call the console placed (from `console.messages.CallPlaced`). Tracking it again keeps what
        was already learnt about it."""
        known = self._calls.get(call_id)
        call = TrackedCall(call_id, kind, destination, placed_at, cli, conference_id, detail)
        if known is not None:
            call = replace(known, kind=kind, destination=destination, placed_at=placed_at, cli=cli,
                           conference_id=conference_id, detail=detail)
        return self._put(call)

    def add(self, call_id: str) -> TrackedCall:
        """Follow a callId typed in by hand; an id already tracked is woken (polled again) instead."""
        call_id = call_id.strip()
        if not call_id:
            raise ValueError("a call id is required")
        known = self._calls.get(call_id)
        if known is not None:
            self.wake(call_id)
            return known
        return self._put(TrackedCall(call_id, ADDED, placed_at=self.clock()))

    def forget(self, call_id: str) -> None:
        if self._calls.pop(call_id, None) is not None:
            self._changed()

    def wake(self, call_id: str | None = None) -> None:
        """Poll again at the next `poll_due`: one call, or every call that is not FINAL (an "unknown" one too)."""
        calls = list(self._calls.values()) if call_id is None else [c for c in [self._calls.get(call_id)] if c]
        for call in calls:
            self._skip.pop(call.call_id, None)
            if call.unknown:
                call.unknown = False
                self._changed()

    def _put(self, call: TrackedCall) -> TrackedCall:
        self._calls[call.call_id] = call
        self._skip.pop(call.call_id, None)
        if len(self._calls) > self.limit:
            for old in sorted(self._calls.values(), key=lambda c: c.placed_at)[: len(self._calls) - self.limit]:
                del self._calls[old.call_id]
        self._changed()
        return call

    def _changed(self) -> None:
        self.version += 1
        self._dirty = True

    # ---- polling --------------------------------------------------------------------------------------

    def due(self) -> list[TrackedCall]:
        """Calls the next poll asks about (without counting down any backoff)."""
        return [c for c in self._calls.values() if not c.is_final and not c.unknown and not self._skip.get(c.call_id)]

    async def poll_due(self, now: datetime | None = None) -> list[CallChange]:
        """Ask about every call that is not FINAL (bounded concurrency); return what changed. Never raises.

        A call is polled by one `poll_due` at a time: a call made while another is in flight returns [] at once.
        """
        if self._polling:
            return []
        self._polling = True
        try:
            now = now or self.clock()
            due: list[TrackedCall] = []
            for call in list(self._calls.values()):
                if call.is_final or call.unknown:
                    continue
                if self._skip.get(call.call_id):
                    self._skip[call.call_id] -= 1
                    continue
                due.append(call)
            semaphore = asyncio.Semaphore(self._concurrency)

            async def one(call: TrackedCall) -> CallChange | None:
                async with semaphore:
                    return await self._poll_one(call, now)

            changes = [change for change in await asyncio.gather(*(one(call) for call in due)) if change]
            await self.flush()
            return changes
        finally:
            self._polling = False

    async def _poll_one(self, call: TrackedCall, now: datetime) -> CallChange | None:
        before, previous_status = call.signature(), call.status
        try:
            result = await self.client.calls.get(call.call_id)
        except errors.NotFoundError as error:
            code = error.error_code or 40400
            if call.kind != ADDED and now - call.placed_at < NOT_KNOWN_YET:
                call.error = f"Not known yet ({code}): the platform has no record of this call so far"
            else:
                call.unknown = True
                call.error = f"Unknown call ({code}): the platform has no call with this id for this application"
        except errors.SinchError as error:
            call.error = describe_error(error, subject="call")
            self._back_off(call.call_id, error)
        except Exception as error:  # a poll must never take the screen down; the words say what happened
            log.exception("polling call %s", call.call_id)
            call.error = f"Unexpected error: {type(error).__name__}: {error}"
            self._back_off(call.call_id, error)
        else:
            if call.call_id not in self._calls:
                return None  # forgotten while the request was in flight
            call.result, call.error, call.unknown = result, None, False
            self._failures.pop(call.call_id, None)
        call.polled_at = now
        if call.signature() == before:
            return None
        self._changed()
        return CallChange(call, previous_status, became_final=call.is_final and previous_status != "FINAL")

    def _back_off(self, call_id: str, error: BaseException) -> None:
        failures = self._failures.get(call_id, 0) + 1
        self._failures[call_id] = failures
        wait = min(MAX_BACKOFF_TICKS, 2 ** (failures - 1) - 1)
        if isinstance(error, errors.RateLimitError) and error.retry_after:
            wait = max(wait, min(MAX_BACKOFF_TICKS * 4, int(error.retry_after)))
        self._skip[call_id] = wait

    # ---- the file -------------------------------------------------------------------------------------

    def _load(self) -> None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        except OSError as error:
            self._warn(f"The tracked calls could not be read ({error}); starting with none.")
            return
        try:
            data = json.loads(text)
            records = data["calls"] if isinstance(data, dict) else None
            if not isinstance(records, list):
                raise ValueError("no list of calls")
        except (ValueError, KeyError, TypeError) as error:
            aside = self._move_aside()
            self._warn(f"The tracked calls file was damaged ({error}); it was moved to {aside} and the list "
                       "starts empty.")
            return
        skipped = 0
        for record in records:
            try:
                call = TrackedCall.from_json(record)
            except (ValueError, KeyError, TypeError, AttributeError):
                skipped += 1
                continue
            self._calls[call.call_id] = call
        if skipped:
            self._warn(f"{skipped} damaged record(s) in {self.path} were skipped.")

    def _move_aside(self) -> Path:
        stamp = self.clock().strftime("%Y%m%dT%H%M%S")
        aside = self.path.with_name(f"calls.json.corrupt-{stamp}")
        with contextlib.suppress(OSError):
            self.path.replace(aside)
        return aside

    def _warn(self, text: str) -> None:
        self.load_warning = text
        if self.on_problem is not None:
            self.on_problem(text)

    def dump(self) -> str:
        records = [call.to_json() for call in sorted(self._calls.values(), key=lambda c: c.placed_at)]
        return json.dumps({"version": FILE_VERSION, "calls": records}, ensure_ascii=False, indent=1)

    async def flush(self) -> None:
        """Write the list if it changed, on a thread. A failed write is reported, never raised."""
        if not self._dirty:
            return
        self._dirty = False
        try:
            await asyncio.to_thread(atomic_write, self.path, self.dump(), private=True)
        except OSError as error:
            self._dirty = True
            self.write_error = f"The tracked calls could not be saved ({error})."
            if self.on_problem is not None:
                self.on_problem(self.write_error)
        else:
            self.write_error = None

    def flush_sync(self) -> None:
        """For shutdown without a loop: write now, on this thread."""
        if self._dirty:
            with contextlib.suppress(OSError):
                atomic_write(self.path, self.dump(), private=True)
                self._dirty = False


# ---- sorting and filtering ------------------------------------------------------------------------------


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
