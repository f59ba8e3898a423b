"""Deleting recordings: the question that names them, then one audited DELETE each, a few at a time.

A deleted recording cannot be fetched back, so the confirmation lists what goes (the first few keys and
"and N more") and how many. A 40400 means the file is gone already (deleted elsewhere, or expired): the
outcome says so and counts it as gone, so the screen drops its row. Each delete passes the gateway
(console.gateway): a read-only profile sends nothing, and the refusal is audited per recording.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from api import errors
from api.models import Recording
from console.gateway import Gateway
from console.recordings.listing import call_id_of
from console.recordings.wording import describe_delete_error

DEFAULT_CONCURRENCY = 4
NAMED = 5
"""How many keys the confirmation names before "and N more"."""


@dataclass(frozen=True)
class DeleteOutcome:
    key: str
    gone: bool
    """Not on the platform any more: deleted now, or already (40400)."""
    text: str
    already: bool = False


def plural(count: int, word: str = "recording") -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def name_some(keys: list[str], limit: int = NAMED) -> list[str]:
    """The first `limit` keys, then "and N more" as one more line when there are more."""
    if len(keys) <= limit:
        return list(keys)
    return [*keys[:limit], f"and {len(keys) - limit} more"]


async def delete_one(gateway: Gateway, recording: Recording) -> DeleteOutcome:
    """Never raises. Through the gateway: refused on read-only, the audit's attempt line before the request."""
    key = recording.key

    change = await gateway.change("delete_recording", lambda: gateway.client.recordings.delete(key),
                                  call_id=call_id_of(recording), message=key, done=lambda _: f"Deleted {key}",
                                  failed=describe_delete_error)
    if isinstance(change.error, errors.NotFoundError):
        return DeleteOutcome(key, True, change.text, already=True)
    return DeleteOutcome(key, change.ok, change.text)


async def delete_recordings(gateway: Gateway, recordings: list[Recording], *,
                            concurrency: int = DEFAULT_CONCURRENCY) -> list[DeleteOutcome]:
    """Delete each, at most `concurrency` at once; outcomes in the order given."""
    slots = asyncio.Semaphore(max(1, concurrency))

    async def bounded(recording: Recording) -> DeleteOutcome:
        async with slots:
            return await delete_one(gateway, recording)

    return list(await asyncio.gather(*(bounded(r) for r in recordings)))


def summarize(outcomes: list[DeleteOutcome]) -> tuple[str, bool]:
    """One sentence for the status line, and whether everything went as asked."""
    deleted = [o for o in outcomes if o.gone and not o.already]
    already = [o for o in outcomes if o.already]
    failed = [o for o in outcomes if not o.gone]
    if len(outcomes) == 1:
        return outcomes[0].text, not failed
    parts = [f"Deleted {plural(len(deleted))}"]
    if already:
        parts.append(f"{len(already)} already gone (40400)")
    if failed:
        parts.append(f"{len(failed)} failed: {failed[0].key}: {failed[0].text}")
    return ", ".join(parts), not failed
