"""The Callouts screen's dial-in many: many numbers called into one conference, one leg each, followed and retried.

`DialInPart` is a part of `CalloutsScreen` (a mixin: the bindings and message handlers stay on the screen). The
legs' logic (placing, following, retrying) is `console.callouts.DialIn`; this shows the legs in `#legs`.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.text import Text
from textual import work
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, SelectionList, Static

from console.callouts import (
    CalloutSender,
    Checked,
    ConferenceForm,
    DialIn,
    Endpoint,
    Leg,
    SendOutcome,
    check,
    parse_numbers,
)
from console.screens.callout_forms import read_value
from console.screens.dialogs import ConfirmScreen

# For the type checker the mixin is a Screen; at run time it is a plain class, so `CalloutsScreen` stays one Screen.
if TYPE_CHECKING:
    _Base = Screen[None]
else:
    _Base = object


class DialInPart(_Base):
    """Check the dial-in form, call every number into the room, show and follow the legs, retry failed ones."""

    kind: str
    sender: CalloutSender
    checked: Checked | None
    dial: DialIn | None
    _follow_timer: Timer | None

    if TYPE_CHECKING:
        def status(self, text: str, *, error: bool = False) -> None: ...
        def _show_messages(self, prefix: str, problems: dict[str, str], ok: Endpoint | None = None) -> None: ...
        def _report(self, outcome: SendOutcome) -> None: ...
        async def _remember(self, kind: str, values: dict[str, object]) -> None: ...

    def _check_dial_in(self) -> str | None:
        numbers, problems = self._dial_numbers()
        form = ConferenceForm(destination=numbers[0] if numbers else "", conference_id=str(
            read_value(self, "dial-conference_id") or ""), greeting=str(read_value(self, "dial-greeting") or ""),
            cli=str(read_value(self, "dial-cli") or ""))
        checked = check(form)
        shown = {k: v for k, v in checked.problems.items() if k != "destination"}
        if problems:
            shown["numbers"] = "Numbers: " + "; ".join(problems[:3])
        elif not numbers:
            shown["numbers"] = "Numbers: paste numbers or pick them from the address book"
        else:
            plural = "s" if len(numbers) != 1 else ""
            self.query_one("#dial-numbers-msg", Static).update(Text(f"{len(numbers)} number{plural}"))
        self._show_messages("dial", shown)
        if not shown:
            self.query_one("#dial-numbers-msg", Static).update(Text(f"{len(numbers)} numbers ready"))
        self.checked = checked
        return next(iter(shown.values()), None)

    def _dial_numbers(self) -> tuple[list[str], list[str]]:
        numbers, problems = parse_numbers(str(read_value(self, "dial-numbers") or ""))
        for book in self.query("#dial-book").results(SelectionList):
            numbers += [n for n in book.selected if n not in numbers]
        return numbers, problems

    async def _dial_in(self) -> None:
        numbers, _ = self._dial_numbers()
        plan = self.checked.plan if self.checked is not None else None
        if plan is None or not numbers:
            return
        question = (f"Call [b]{len(numbers)}[/b] number{'s' if len(numbers) != 1 else ''} into conference "
                    f"[b]{escape(plan.conference_id or '')}[/b]? Each is a separate conference callout.")
        if not await self.app.push_screen_wait(ConfirmScreen(question, confirm_label="Call all", danger=False)):
            self.status("Not sent: cancelled.")
            return
        self.dial = DialIn(self.sender, plan, numbers, on_change=self._show_leg)
        self.query_one("#legs", DataTable).clear()
        for leg in self.dial.legs.values():
            self._show_leg(leg)
        self.status(f"Calling {len(numbers)} numbers into {plan.conference_id}…")
        for outcome in await self.dial.place_all():
            self._report(outcome)
        self.status(f"Dial-in into {plan.conference_id}: {self.dial.summary()}")
        await self._remember("dialin", {"conference_id": plan.conference_id, "cli": plan.cli})
        if self._follow_timer is None:
            self._follow_timer = self.set_interval(1.0, self.follow_legs)

    def _show_leg(self, leg: Leg) -> None:
        table = self.query_one("#legs", DataTable)
        style = {"failed": "bold red", "joined": "green", "unknown": "bold yellow"}.get(leg.status, "")
        row = (Text(leg.number), Text(leg.status, style=style), Text(leg.call_id or ""), Text(leg.reason))
        if leg.number in {key.value for key in table.rows}:
            for column, value in zip(table.columns, row, strict=True):
                table.update_cell(leg.number, column, value)
        else:
            table.add_row(*row, key=leg.number)

    @work(exclusive=True, group="follow", exit_on_error=False)
    async def follow_legs(self) -> None:
        """Ask the result of placed legs (a busy one shows failed); stops once every leg has settled."""
        if self.dial is None:
            return
        await self.dial.follow()
        self.status(f"Dial-in into {self.dial.base.conference_id}: {self.dial.summary()}")
        if self.dial.settled and self._follow_timer is not None:
            self._follow_timer.stop()
            self._follow_timer = None

    def action_retry(self) -> None:
        if self.dial is None or self.kind != "dialin":
            return
        failed = [leg.number for leg in self.dial.legs.values() if leg.retryable]
        if not failed:
            self.status("No failed leg to retry.")
            return
        table = self.query_one("#legs", DataTable)
        selected = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value if table.row_count else None
        self.retry_legs([selected] if selected in failed else failed)

    @work(group="retry", exit_on_error=False)
    async def retry_legs(self, numbers: list[str]) -> None:
        dial = self.dial
        if dial is None:
            return
        outcomes = await asyncio.gather(*(dial.retry(number) for number in numbers))
        for outcome in outcomes:
            if outcome is not None and outcome.ok:
                self._report(outcome)
        self.status(f"Retried {len(numbers)} leg(s): {dial.summary()}")
        if self._follow_timer is None:
            self._follow_timer = self.set_interval(1.0, self.follow_legs)
