"""The one gateway every change passes: read-only refusal, pre-flight checks, audit, request, outcome in words.

    gateway = Gateway(client, audit, read_only=profile.read_only)
    change = await gateway.change("mute", lambda: client.conferences.command(room, call_id, "mute"),
                                  done=lambda _: f"Muted {who}", room=room, call_id=call_id, cli=cli)

In this order: a read-only profile refuses (audited, in the words of console.gateway.wording); a pre-flight
refusal the caller found (a callout's form, a restricted destination) refuses the same way; then the audit's
attempt line, the request, its outcome line (console.audit.send_audited: the one audit wrapper), and the
outcome in words as a typed Change. It never raises for a failed request: a worker that raised would show a
traceback. The console's screens, the CLI (console.cli) and the notebook helper (console.notebook_changes) all
hold the same Gateway type, so they refuse exactly the same things with exactly the same words.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from api.errors import OutcomeUnknownError
from console.audit import AuditLog, send_audited
from console.gateway.outcome import Change
from console.gateway.wording import MAY_HAVE_HAPPENED, action_name, read_only_text, restricted_text

if TYPE_CHECKING:
    from api import SinchVoiceClient

T = TypeVar("T")

CHANGES = frozenset({
    "mute", "unmute", "kick", "kick_all", "mute_all", "unmute_all", "mute_all_except_moderators",
    "policy_mute", "policy_kick", "auto_mute_on", "auto_mute_off", "soft_lock_on", "soft_lock_off",
    "callout", "manage_call", "call_say", "call_play", "call_record_start", "call_record_stop", "call_hangup",
    "delete_recording", "assign_number", "unassign_number", "update_callbacks",
})
"""Every action that changes something on the platform (or a policy that would): refused on read-only."""


class Gateway:
    """Sends changes for one session. `client` is the async SinchVoiceClient; `audit` may be None (no log)."""

    def __init__(self, client: SinchVoiceClient, audit: AuditLog | None = None, *, read_only: bool = False) -> None:
        self.client = client
        self.audit = audit
        self.read_only = read_only
        self._restricted: dict[str, bool] = {}
        """query number's answer per destination: a number does not stop being restricted mid-session."""

    # ---- refusals --------------------------------------------------------------------------------------

    def refuses(self, action: str) -> bool:
        """True when `action` would be refused before anything is sent (what read-only screens hide)."""
        return self.read_only and action in CHANGES

    def refusal(self, action: str) -> str | None:
        """The read-only refusal of `action` in words, or None when it may be sent."""
        return read_only_text(action) if self.refuses(action) else None

    async def refuse(self, action: str, text: str | None = None, *, room: str | None = None,
                     call_id: str | None = None, cli: str | None = None) -> Change[Any]:
        """A refused change, audited (the refusal stands even if its line is lost)."""
        text = text or read_only_text(action)
        if self.audit is not None:
            with contextlib.suppress(Exception):
                await self.audit.refused(action, text, room=room, call_id=call_id, cli=cli)
        return Change("refused", text, action)

    async def callout_refusal(self, destination: str, *, restricted: bool | None = None,
                              normalized: str | None = None) -> str | None:
        """Why a callout to `destination` must not be sent (read-only profile, restricted number), or None.

        `restricted` is what a surface's own preview already knows; otherwise query number is asked once per
        destination. A lookup that fails refuses nothing: the platform itself is the one that knows.
        """
        if self.read_only:
            return read_only_text("callout")
        if not destination:
            return None  # ICE decides where a custom callout goes
        if restricted is None:
            restricted = self._restricted.get(destination)
        if restricted is None:
            try:
                info = await self.client.query_number(destination)
            except Exception:
                return None
            restricted, normalized = bool(info.restricted), info.normalized_number or normalized
            self._restricted[destination] = restricted
        return restricted_text(normalized or destination) if restricted else None

    # ---- sending ---------------------------------------------------------------------------------------

    async def change(self, action: str, send: Callable[[], Awaitable[T]], *, done: Callable[[T], str],
                     failed: Callable[[BaseException], str] | None = None, refusal: str | None = None,
                     room: str | None = None, call_id: str | None = None, cli: str | None = None,
                     message: str | None = None, describe: Callable[[T], str] | None = None) -> Change[T]:
        """Refuse, or send `send()` between the audit lines; the outcome in words. Never raises (but a
        cancellation goes through, after its audit line).

        `done(value)` words a success; `failed(error)` a failure or an unanswered request (default: the
        console's error words); `refusal` is a pre-flight refusal the caller found; `describe(value)` is the
        outcome line's message in the audit log.
        """
        # imported here: console.rooms (its package) loads the Moderator, which is built on this gateway
        from console.rooms.wording import describe_error, error_code

        refused = self.refusal(action) or refusal
        if refused is not None:
            return await self.refuse(action, refused, room=room, call_id=call_id, cli=cli)
        try:
            value, note = await send_audited(self.audit, action, send, room=room, call_id=call_id, cli=cli,
                                             message=message, describe=describe)
        except OutcomeUnknownError as error:  # sent, unanswered: it may have happened
            words = failed(error) if failed is not None else f"{action_name(action).capitalize()}: {MAY_HAVE_HAPPENED}"
            return Change("unknown", words, action, error=error)
        except Exception as error:
            words = failed(error) if failed is not None else describe_error(error)
            return Change("failed", words, action, error=error, error_code=error_code(error))
        return Change("done", done(value) + note, action, value, note=note)
