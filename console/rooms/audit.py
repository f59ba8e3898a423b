"""The audit hook the Moderator calls around every action it sends, without depending on the audit log.

The console's AuditLog (console/audit.py, written separately) is wired in by the app. All the Moderator
needs is a factory of async context managers, `audit(action, room, call_id, cli)`: entering it records the
request, leaving it records the outcome. A failed action leaves it with the exception (a SinchError carries
`error_code`), so the log can name the Sinch error code. Bulk actions are audited per participant (one line
each, with its callId). An audit hook that itself fails never stops the action: the operator must still be
able to kick the stranger when the disk is full; the Moderator keeps the failure in `audit_error`.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Literal, Protocol

from console.rooms.wording import describe_error, error_code


class AuditHook(Protocol):
    def __call__(self, action: str, room: str, call_id: str | None,
                 cli: str | None) -> AbstractAsyncContextManager[object]: ...


@contextlib.asynccontextmanager
async def _nothing() -> AsyncIterator[None]:
    yield None


def no_audit(action: str, room: str, call_id: str | None, cli: str | None) -> AbstractAsyncContextManager[object]:
    """The default hook: records nothing."""
    return _nothing()


@dataclass(frozen=True)
class AuditEvent:
    """What `audit_callback` hands a plain callback: once "requested", once "done" with the outcome."""

    phase: Literal["requested", "done"]
    action: str
    room: str
    call_id: str | None
    cli: str | None
    ok: bool | None = None
    error: str | None = None
    error_code: int | None = None


def audit_callback(callback: Callable[[AuditEvent], Awaitable[object]]) -> AuditHook:
    """An AuditHook from a simple async callback (for logs that prefer two calls to a context manager)."""

    @contextlib.asynccontextmanager
    async def hook(action: str, room: str, call_id: str | None, cli: str | None) -> AsyncIterator[None]:
        await callback(AuditEvent("requested", action, room, call_id, cli))
        try:
            yield None
        except Exception as exc:
            await callback(AuditEvent("done", action, room, call_id, cli, False, describe_error(exc),
                                      error_code(exc)))
            raise
        await callback(AuditEvent("done", action, room, call_id, cli, True))

    return hook
