"""The Numbers screen's changes: assign (a), un-assign (u) and edit the callback URLs (e).

`NumberChanges` is a collaborator `NumbersScreen` composes (a widget that shows nothing: one for its workers and
the app it reaches); it asks the screen, through `NumbersHost`, for the selection, the listed numbers and callback
URLs, the status line and a reload. The keys are bound on the screen (declared here beside their actions:
Textual reads bindings from the focused widget up, and this hidden widget is never focused nor above the
focused one), and the screen's `check_action` hides them on a read-only profile. Each change runs in one
worker at a time: it asks (a form, a confirmation naming the target), sends through `console.numbers` (audited),
then reloads and says what happened. A read-only profile is refused at once, in words and audited, without a form
first.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from rich.markup import escape
from textual import work
from textual.binding import Binding
from textual.widget import Widget

from api.models import CallbackUrls, NumberItem
from api.models.common import format_number
from console.numbers import (
    ASSIGN,
    UNASSIGN,
    UPDATE_CALLBACKS,
    ChangeOutcome,
    CheckedAssign,
    NumberRow,
    UnassignPlan,
    assign,
    changes,
    check_assign,
    save_callbacks,
    target_name,
    unassign,
    unassign_plan,
)
from console.numbers.sending import refuse
from console.screens.dialogs import ConfirmScreen
from console.screens.number_dialogs import AssignDialog, CallbacksDialog
from console.session import Session

CHANGE_ACTIONS = {"assign": ASSIGN, "unassign": UNASSIGN, "edit_callbacks": UPDATE_CALLBACKS}
"""Actions that change the platform (hidden from a read-only profile's footer) and their audit names."""


ASSIGN_KEY = Binding("a", "assign", "Assign", id="numbers.assign")
UNASSIGN_KEY = Binding("u", "unassign", "Un-assign", id="numbers.unassign")
EDIT_CALLBACKS_KEY = Binding("e", "edit_callbacks", "Edit callbacks", id="numbers.edit_callbacks")


class NumbersHost(Protocol):
    """What a change asks of the Numbers screen."""

    session: Session
    this_app: str
    items: list[NumberItem] | None
    list_error: str | None
    callbacks: CallbackUrls | None

    def selected(self) -> NumberRow | None: ...
    def load(self, report: ChangeOutcome | None = None, select: str | None = None) -> object: ...
    def callbacks_saved(self, urls: CallbackUrls) -> None: ...
    def status(self, text: str, *, error: bool = False) -> None: ...


class NumberChanges(Widget):
    """Assign, un-assign and edit callback URLs for a `NumbersScreen`."""

    DEFAULT_CSS = "NumberChanges { display: none; }"

    def __init__(self, host: NumbersHost, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.host = host
        self.session = host.session
        self.this_app = host.this_app
        self.changing = False
        """True from a change key until its worker ends (form, confirmation, sending)."""

    def selected(self) -> NumberRow | None:
        return self.host.selected()

    def status(self, text: str, *, error: bool = False) -> None:
        self.host.status(text, error=error)

    # ---- keys ----------------------------------------------------------------------------------------

    def _refused(self, action: str) -> bool:
        """A change the gateway refuses (read-only): say so in its words (audited) instead of offering a form."""
        if not self.session.gateway.refuses(CHANGE_ACTIONS[action]):
            return False
        row = self.selected()
        target = row.number if row is not None and action != "edit_callbacks" else None

        async def run() -> None:
            outcome = await refuse(self.session.gateway, CHANGE_ACTIONS[action], cli=target)
            self.status(outcome.text, error=True)

        self.run_worker(run(), group="numbers-refuse", exit_on_error=False)
        return True

    def action_assign(self) -> None:
        if not self._refused("assign"):
            self._start_change(self._assign)

    def action_unassign(self) -> None:
        if self._refused("unassign"):
            return
        row = self.selected()
        if row is None:
            self.status("No number selected." if self.host.items is not None else "The numbers are not listed yet "
                        "(r reloads).", error=True)
            return
        try:
            plan = unassign_plan(row)
        except ValueError as error:
            self.status(str(error), error=True)
            return
        self._start_change(lambda: self._unassign(plan))

    def action_edit_callbacks(self) -> None:
        if self._refused("edit_callbacks"):
            return
        if self.host.callbacks is None:
            self.status("The current callback URLs could not be read, so they cannot be compared: r reloads them "
                        "first.", error=True)
            return
        self._start_change(self._edit_callbacks)

    # ---- changes (each in a worker: ask, send, reload, say what happened) ----------------------------

    def _start_change(self, change: Callable[[], Awaitable[None]]) -> None:
        """One change at a time: a second key pressed before the first form opened does not open another."""
        if self.changing:
            self.status("A change is already under way: finish or cancel it first.", error=True)
            return
        self.changing = True
        self.change_flow(change)

    @work(exclusive=True, group="numbers-change", exit_on_error=False)
    async def change_flow(self, change: Callable[[], Awaitable[None]]) -> None:
        try:
            await change()
        except Exception as error:  # a bug must not pass silently, nor take the app down
            self.status(f"Unexpected error: {type(error).__name__}: {error}", error=True)
        finally:
            self.changing = False

    async def _assign(self) -> None:
        row = self.selected()
        items = self.host.items
        owned = {item.number: item for item in items} if items is not None and not self.host.list_error else None

        def check(numbers: str, key: str, capability: str) -> CheckedAssign:
            return check_assign(numbers, key, capability, this_app=self.this_app, owned=owned)

        dialog = AssignDialog(check, numbers=row.number if row is not None and row.assignment != "this" else "",
                              capability=row.capability if row is not None else "voice", this_app=self.this_app)
        plan = await self.app.push_screen_wait(dialog)
        if plan is None:
            self.status("Not assigned: cancelled.")
            return
        self.status(f"Assigning {plan.describe(self.this_app)}…")
        outcome = await assign(self.session.gateway, plan)
        self._notify(outcome)
        self.host.load(report=outcome, select=plan.numbers[0])

    async def _unassign(self, plan: UnassignPlan) -> None:
        target = target_name(plan.application_key, self.this_app)
        kind = f" ({plan.capability})" if plan.capability else ""
        question = (f"Un-assign [b]{escape(format_number(plan.number))}[/b]{escape(kind)} "
                    f"from [b]{escape(target)}[/b]?\n\n"
                    f"Number {escape(plan.number)}, application key {escape(plan.application_key)}.\n"
                    "Calls to this number will no longer reach that application.\n\n"
                    "(y un-assigns, n or escape cancels)")
        if not await self.app.push_screen_wait(ConfirmScreen(question, confirm_label="Un-assign", danger=True)):
            self.status("Not un-assigned: cancelled.")
            return
        self.status(f"Un-assigning {plan.describe(self.this_app)}…")
        outcome = await unassign(self.session.gateway, plan)
        self._notify(outcome)
        self.host.load(report=outcome, select=plan.number)

    async def _edit_callbacks(self) -> None:
        old = self.host.callbacks or CallbackUrls()
        new = await self.app.push_screen_wait(CallbacksDialog(old, f"key {self.this_app}"))
        if new is None:
            self.status("Callback URLs not changed: cancelled.")
            return
        lines = "\n".join(f"[b]{escape(label)}[/b]: {escape(before)} → [b]{escape(after)}[/b]"
                          for label, before, after in changes(old, new))
        question = f"Save the callback URLs of this application?\n\n{lines}\n\n(y saves, n or escape cancels)"
        if not await self.app.push_screen_wait(ConfirmScreen(question, confirm_label="Save", danger=False)):
            self.status("Callback URLs not changed: cancelled.")
            return
        self.status("Saving the callback URLs…")
        outcome = await save_callbacks(self.session.gateway, old, new)
        self._notify(outcome)
        if outcome.stored is not None:
            self.host.callbacks_saved(outcome.stored)
            self.status(outcome.text, error=not outcome.ok)
        else:
            self.host.load(report=outcome)

    def _notify(self, outcome: ChangeOutcome) -> None:
        self.notify(outcome.text, severity="information" if outcome.ok else "error",
                    timeout=4 if outcome.ok else 8, markup=False)
