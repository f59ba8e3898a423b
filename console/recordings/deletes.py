"""Deleting recordings: the question that names them, then one audited DELETE each, a few at a time.

A deleted recording cannot be fetched back, so the confirmation lists what goes (the first few keys and
"and N more") and how many. A 40400 means the file is gone already (deleted elsewhere, or expired): the
outcome says so and counts it as gone, so the screen drops its row. A read-only profile sends nothing; the
refusal is audited per recording.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import Any

from api import errors
from api.models import Recording
from console.audit import AuditLog, send_audited
from console.recordings.listing import call_id_of
from console.recordings.wording import describe_delete_error

DEFAULT_CONCURRENCY = 4
NAMED = 5
"""How many keys the confirmation names before "and N more"."""
READ_ONLY = "Read-only profile: recordings are not deleted"


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


async def delete_one(client: Any, recording: Recording, audit: AuditLog | None) -> DeleteOutcome:
    """Never raises. The audit's attempt line is written before the request is sent."""
    key = recording.key
    try:  # sent even when the attempt line cannot be written (the note says so): as the Moderator does
        _, note = await send_audited(audit, "delete_recording", lambda: client.recordings.delete(key),
                                     call_id=call_id_of(recording), message=key)
    except errors.NotFoundError as error:
        return DeleteOutcome(key, True, describe_delete_error(error), already=True)
    except errors.SinchError as error:
        return DeleteOutcome(key, False, describe_delete_error(error))
    except Exception as error:  # a worker must never take the app down
        return DeleteOutcome(key, False, f"Unexpected error: {type(error).__name__}: {error}")
    return DeleteOutcome(key, True, f"Deleted {key}{note}")


async def delete_recordings(client: Any, recordings: list[Recording], audit: AuditLog | None, *,
                            read_only: bool = False, concurrency: int = DEFAULT_CONCURRENCY) -> list[DeleteOutcome]:
    """Delete each, at most `concurrency` at once; outcomes in the order given."""
    if read_only:
        if audit is not None:
            for recording in recordings:
                with contextlib.suppress(Exception):  # the refusal stands even if its line is lost
                    await audit.refused("delete_recording", f"{READ_ONLY}: {recording.key}",
                                        call_id=call_id_of(recording))
        return [DeleteOutcome(r.key, False, READ_ONLY) for r in recordings]
    slots = asyncio.Semaphore(max(1, concurrency))

    async def bounded(recording: Recording) -> DeleteOutcome:
        async with slots:
            return await delete_one(client, recording, audit)

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
