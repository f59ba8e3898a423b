"""Sending the Numbers mode's changes (assign, un-assign, callback URLs) with an audit trail; never raises.

Each function returns a `ChangeOutcome` whose text says what happened in words ("Assigned +1 415-555-0132 to
this app as voice", "Invalid Application Key (40003)"). A read-only profile is refused before anything is
sent, and the refusal is audited under the action's name (`assign_number`, `unassign_number`,
`update_callbacks`). Saving callback URLs reads them back, so the operator sees what the platform stores.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from api import errors
from api.models import CallbackUrls
from console.audit import AuditLog, send_audited
from console.numbers.assign import AssignPlan, UnassignPlan
from console.numbers.callback_urls import describe_changes, same_urls, shown_url
from console.rooms.wording import describe_error, error_code

ASSIGN = "assign_number"
UNASSIGN = "unassign_number"
UPDATE_CALLBACKS = "update_callbacks"


@dataclass(frozen=True)
class ChangeOutcome:
    ok: bool
    text: str
    action: str
    error_code: int | None = None
    stored: CallbackUrls | None = None
    """Callback URLs as read back after a save (None when not read)."""


def describe_numbers_error(error: BaseException, what: str = "number") -> str:
    """Failures of the configuration API in words; 40400 names what was not found (not a participant)."""
    if isinstance(error, errors.NotFoundError):
        return f"Not found ({error.error_code or 40400}): the platform does not know this {what}"
    if isinstance(error, errors.BadRequestError) and error.error_code == 40003 and "key" in error.message.lower():
        return f"{error.message} ({error.error_code}): no application with that key on this account"
    return describe_error(error)


def read_only_text(action: str) -> str:
    what = {ASSIGN: "numbers are not assigned", UNASSIGN: "numbers are not un-assigned",
            UPDATE_CALLBACKS: "callback URLs are not changed"}.get(action, "nothing is changed")
    return f"Read-only profile: {what}; nothing was sent"


async def refuse(audit: AuditLog | None, action: str, *, cli: str | None = None) -> ChangeOutcome:
    """A read-only refusal, audited (the refusal stands even if its line is lost)."""
    text = read_only_text(action)
    if audit is not None:
        with contextlib.suppress(Exception):
            await audit.refused(action, text, cli=cli)
    return ChangeOutcome(False, text, action)


async def assign(client: Any, plan: AssignPlan, audit: AuditLog | None = None, *, read_only: bool = False
                 ) -> ChangeOutcome:
    this_app = client.application_key
    who = ", ".join(plan.numbers)
    if read_only:
        return await refuse(audit, ASSIGN, cli=who)
    try:
        _, note = await send_audited(audit, ASSIGN, lambda: client.numbers.assign(
            list(plan.numbers), application_key=plan.application_key, capability=plan.capability),
            cli=who, message=f"assign {plan.describe(this_app)} (key {plan.application_key})")
    except (errors.SinchError, ValidationError) as error:
        return ChangeOutcome(False, f"Not assigned: {describe_numbers_error(error)}", ASSIGN, error_code(error))
    except Exception as error:  # a worker must never take the app down
        return ChangeOutcome(False, f"Not assigned: unexpected error: {type(error).__name__}: {error}", ASSIGN)
    return ChangeOutcome(True, f"Assigned {plan.describe(this_app)}{note}", ASSIGN)


async def unassign(client: Any, plan: UnassignPlan, audit: AuditLog | None = None, *, read_only: bool = False
                   ) -> ChangeOutcome:
    this_app = client.application_key
    if read_only:
        return await refuse(audit, UNASSIGN, cli=plan.number)
    try:
        _, note = await send_audited(audit, UNASSIGN, lambda: client.numbers.unassign(
            plan.number, application_key=plan.application_key, capability=plan.capability),
            cli=plan.number, message=f"un-assign {plan.describe(this_app)} (key {plan.application_key})")
    except (errors.SinchError, ValidationError) as error:
        return ChangeOutcome(False, f"Not un-assigned: {describe_numbers_error(error)}", UNASSIGN,
                             error_code(error))
    except Exception as error:
        return ChangeOutcome(False, f"Not un-assigned: unexpected error: {type(error).__name__}: {error}", UNASSIGN)
    return ChangeOutcome(True, f"Un-assigned {plan.describe(this_app)}{note}", UNASSIGN)


def _stored_text(urls: CallbackUrls) -> str:
    return f"primary {shown_url(urls.primary)}, fallback {shown_url(urls.fallback)}"


async def save_callbacks(client: Any, old: CallbackUrls, new: CallbackUrls, audit: AuditLog | None = None, *,
                         read_only: bool = False) -> ChangeOutcome:
    """Set this application's callback URLs, then read them back: the outcome says what is stored now."""
    if read_only:
        return await refuse(audit, UPDATE_CALLBACKS)
    try:
        _, note = await send_audited(audit, UPDATE_CALLBACKS, lambda: client.callbacks.update(
            primary=new.primary, fallback=new.fallback), message=describe_changes(old, new))
    except (errors.SinchError, ValidationError) as error:
        return ChangeOutcome(False, f"Not saved: {describe_numbers_error(error, 'application')}", UPDATE_CALLBACKS,
                             error_code(error))
    except Exception as error:
        return ChangeOutcome(False, f"Not saved: unexpected error: {type(error).__name__}: {error}",
                             UPDATE_CALLBACKS)
    try:
        stored = await client.callbacks.get()
    except Exception as error:
        return ChangeOutcome(True, f"Saved, but could not read them back: {describe_numbers_error(error)}{note}",
                             UPDATE_CALLBACKS)
    if same_urls(stored, new):
        return ChangeOutcome(True, f"Saved. Stored now: {_stored_text(stored)}{note}", UPDATE_CALLBACKS,
                             stored=stored)
    return ChangeOutcome(False, f"Saved, but the platform stores something else: {_stored_text(stored)}{note}",
                         UPDATE_CALLBACKS, stored=stored)
