"""Bulk moderation: one action over many participants, concurrently but bounded, failures per participant.

A mute is one PATCH per participant (the API has no "mute all"), so muting 100 people one after another
takes 100 round trips. Running them concurrently with a bound (a semaphore; 8 in flight by default) keeps
that near one round trip per `limit` participants without flooding the platform into 429s. Nothing raises:
each participant's outcome, with the Sinch error's words and code, is in the BulkResult.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from api import SinchVoiceClient
from api.models import Participant
from console.rooms.contacts import AddressBookLike, is_moderator
from console.rooms.wording import describe_error, error_code

Action = Callable[[str], Awaitable[object]]
Progress = Callable[[int, int], object]
DEFAULT_LIMIT = 8


@dataclass(frozen=True)
class BulkItem:
    """One participant's outcome. `error` is worded; `code` is the Sinch errorCode (or HTTP status)."""

    call_id: str
    cli: str
    ok: bool
    error: str | None = None
    code: int | None = None


@dataclass(frozen=True)
class BulkResult:
    """Every participant's outcome, in the order the targets were given."""

    items: tuple[BulkItem, ...]

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def succeeded(self) -> tuple[BulkItem, ...]:
        return tuple(item for item in self.items if item.ok)

    @property
    def failed(self) -> tuple[BulkItem, ...]:
        return tuple(item for item in self.items if not item.ok)

    @property
    def ok(self) -> bool:
        return not self.failed


async def run_bulk(
    targets: Iterable[Participant | str],
    action: Action,
    *,
    limit: int = DEFAULT_LIMIT,
    on_progress: Progress | None = None,
) -> BulkResult:
    """Run `action(call_id)` for every target, at most `limit` at once; report (done, total) as each ends.

    Exceptions from an action are captured per participant (cancellation still propagates). A failing
    progress callback (say, a progress bar already unmounted) does not stop the bulk action.
    """
    people = [(t, "") if isinstance(t, str) else (t.call_id, t.cli) for t in targets]
    total = len(people)
    gate = asyncio.Semaphore(max(1, limit))
    done = 0

    async def one(call_id: str, cli: str) -> BulkItem:
        nonlocal done
        async with gate:
            try:
                await action(call_id)
                item = BulkItem(call_id, cli, True)
            except Exception as exc:  # every failure is reported, never raised
                item = BulkItem(call_id, cli, False, describe_error(exc), error_code(exc))
        done += 1
        await _report(on_progress, done, total)
        return item

    items = await asyncio.gather(*(one(call_id, cli) for call_id, cli in people))
    return BulkResult(tuple(items))


async def _report(on_progress: Progress | None, done: int, total: int) -> None:
    if on_progress is None:
        return
    try:
        result = on_progress(done, total)
        if inspect.isawaitable(result):
            await result
    except Exception:  # progress display is best effort; the action's outcome is what matters
        pass


# ---- the bulk moderation actions --------------------------------------------------------------------------


def except_moderators(participants: Iterable[Participant], address_book: AddressBookLike | None) -> list[Participant]:
    """Everyone whose number is not a moderator's in the address book."""
    return [p for p in participants if not is_moderator(address_book, p.cli)]


async def kick_all(client: SinchVoiceClient, room: str) -> None:
    """Everyone out in one request (DELETE on the conference), which ends it. Raises SinchError."""
    await client.conferences.kick_all(room)
