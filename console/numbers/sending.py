"""Sending the Numbers mode's changes (assign, un-assign, callback URLs) with an audit trail; never raises.

Each function returns a `ChangeOutcome` whose text says what happened in words ("Assigned +1 415-555-0132 to
this app as voice", "Invalid Application Key (40003)"). Each change passes the gateway (console.gateway): a
read-only profile is refused before anything is sent, in its words, and the refusal is audited under the
action's name (`assign_number`, `unassign_number`, `update_callbacks`). Saving callback URLs reads them back,
so the operator sees what the platform stores.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from api import errors
from api.models import CallbackUrls
from console.gateway import Change, Gateway
from console.numbers.assign import AssignPlan, UnassignPlan
from console.numbers.callback_urls import describe_changes, same_urls, shown_url
from console.rooms.wording import describe_error

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


async def refuse(gateway: Gateway, action: str, *, cli: str | None = None) -> ChangeOutcome:
    """A read-only refusal in the gateway's words, audited (the refusal stands even if its line is lost)."""
    change = await gateway.refuse(action, cli=cli)
    return ChangeOutcome(False, change.text, action)


def _failed(prefix: str, what: str = "number") -> Callable[[BaseException], str]:
    def words(error: BaseException) -> str:
        if isinstance(error, errors.SinchError | ValidationError):
            return f"{prefix}: {describe_numbers_error(error, what)}"
        # anything else too: a worker must never take the app down
        return f"{prefix}: unexpected error: {type(error).__name__}: {error}"

    return words


def _outcome(change: Change[Any]) -> ChangeOutcome:
    return ChangeOutcome(change.ok, change.text, change.action, change.error_code)


async def assign(gateway: Gateway, plan: AssignPlan) -> ChangeOutcome:
    client = gateway.client
    this_app = client.application_key
    change = await gateway.change(
        ASSIGN, lambda: client.numbers.assign(list(plan.numbers), application_key=plan.application_key,
                                              capability=plan.capability),
        cli=", ".join(plan.numbers), message=f"assign {plan.describe(this_app)} (key {plan.application_key})",
        done=lambda _: f"Assigned {plan.describe(this_app)}", failed=_failed("Not assigned"))
    return _outcome(change)


async def unassign(gateway: Gateway, plan: UnassignPlan) -> ChangeOutcome:
    client = gateway.client
    this_app = client.application_key
    change = await gateway.change(
        UNASSIGN, lambda: client.numbers.unassign(plan.number, application_key=plan.application_key,
                                                  capability=plan.capability),
        cli=plan.number, message=f"un-assign {plan.describe(this_app)} (key {plan.application_key})",
        done=lambda _: f"Un-assigned {plan.describe(this_app)}", failed=_failed("Not un-assigned"))
    return _outcome(change)


def _stored_text(urls: CallbackUrls) -> str:
    return f"primary {shown_url(urls.primary)}, fallback {shown_url(urls.fallback)}"


async def save_callbacks(gateway: Gateway, old: CallbackUrls, new: CallbackUrls) -> ChangeOutcome:
    """Set this application's callback URLs, then read them back: the outcome says what is stored now."""
    client = gateway.client
    change = await gateway.change(
        UPDATE_CALLBACKS, lambda: client.callbacks.update(primary=new.primary, fallback=new.fallback),
        message=describe_changes(old, new), done=lambda _: "Saved", failed=_failed("Not saved", "application"))
    if not change.ok:
        return _outcome(change)
    note = change.note
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
