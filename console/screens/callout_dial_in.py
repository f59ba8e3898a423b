"""The Callouts screen's dial-in many: many numbers called into one conference, one leg each, followed and retried.

`DialInPart` is the dial-in pane's form, a part `CalloutsScreen` composes: it owns its fields, the legs table,
the legs' state, the follow timer and the workers, and asks the screen, through `DialInHost`, for the sender,
the status line, how a placed callout is reported and how a form is remembered. The retry key is bound on the
screen, declared here as RETRY_KEY beside its action (Textual reads bindings from the focused widget up, and
this pane may be hidden); the screen's `check_action` hides it on a read-only profile. The legs' logic
(placing, following, retrying) is `console.callouts.DialIn`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from rich.markup import escape
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.timer import Timer
from textual.widgets import DataTable, SelectionList

from console.callouts import CalloutSender, Checked, ConferenceForm, DialIn, Leg, SendOutcome, check, parse_numbers
from console.screens.callout_forms import FieldIndex, dial_in_fields, read_value, show_messages, show_text
from console.screens.dialogs import ConfirmScreen

if TYPE_CHECKING:
    from console.session import Session

RETRY_KEY = Binding("r", "retry", "Retry legs", id="callouts.retry")
FOLLOW_SECONDS = 1.0
"""How often placed legs are asked for their result until every leg has settled."""
LEG_STYLES = {"failed": "bold red", "joined": "green", "unknown": "bold yellow"}


class DialInHost(Protocol):
    """What dial-in many asks of the Callouts screen."""

    session: Session
    sender: CalloutSender
    kind: str

    def status(self, text: str, *, error: bool = False) -> None: ...
    def report(self, outcome: SendOutcome) -> None: ...
    async def remember_form(self, kind: str, values: dict[str, object]) -> None: ...


def check_dial_in(numbers: list[str], unparsed: list[str], *, conference_id: str, greeting: str = "",
                  cli: str = "") -> tuple[Checked, dict[str, str]]:
    """The dial-in form checked as the conference callout of its first number, and the problem of each field
    to show (in order: the first is why Send is disabled); the destination's own problems are the numbers'."""
    checked = check(ConferenceForm(destination=numbers[0] if numbers else "", conference_id=conference_id,
                                   greeting=greeting, cli=cli))
    shown = {k: v for k, v in checked.problems.items() if k != "destination"}
    if unparsed:
        shown["numbers"] = "Numbers: " + "; ".join(unparsed[:3])
    elif not numbers:
        shown["numbers"] = "Numbers: paste numbers or pick them from the address book"
    return checked, shown


def leg_row(leg: Leg) -> tuple[Text, Text, Text, Text]:
    """A leg's cells in the legs table: number, status (coloured), callId, reason."""
    return Text(leg.number), Text(leg.status, style=LEG_STYLES.get(leg.status, "")), Text(leg.call_id or ""), \
        Text(leg.reason)


def legs_to_retry(legs: Iterable[Leg], selected: str | None) -> list[str]:
    """The selected leg if it failed, else every failed leg."""
    failed = [leg.number for leg in legs if leg.retryable]
    return [selected] if selected in failed else failed


class DialInPart(VerticalScroll):
    """Check the dial-in form, call every number into the room, show and follow the legs, retry failed ones."""

    def __init__(self, host: DialInHost, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="form")
        self.host = host
        self.checked: Checked | None = None
        self.dial: DialIn | None = None
        self._follow_timer: Timer | None = None
        self.fields = FieldIndex(self)

    def compose(self) -> ComposeResult:
        yield from dial_in_fields(dict(self.host.session.resolved.profile.address_book))

    def on_mount(self) -> None:
        self.query_one("#legs", DataTable).add_columns("Number", "Status", "Call id", "Reason")

    # ---- the form ---------------------------------------------------------------------------------------

    def numbers(self) -> tuple[list[str], list[str]]:
        """The numbers typed and picked from the address book (each once), and what could not be read."""
        numbers, unparsed = parse_numbers(str(read_value(self.fields, "dial-numbers") or ""))
        book = self.fields.widget("dial-book")
        if isinstance(book, SelectionList):
            numbers += [n for n in book.selected if n not in numbers]
        return numbers, unparsed

    def check(self) -> str | None:
        """Show each field's problem under it; the reason Send is disabled, or None."""
        numbers, unparsed = self.numbers()
        field = self.fields
        self.checked, shown = check_dial_in(
            numbers, unparsed, conference_id=str(read_value(field, "dial-conference_id") or ""),
            greeting=str(read_value(field, "dial-greeting") or ""), cli=str(read_value(field, "dial-cli") or ""))
        show_messages(self.fields, "dial", shown)
        if not shown:
            for line in self.fields.messages("dial-numbers"):
                show_text(line, f"{len(numbers)} numbers ready")
        return next(iter(shown.values()), None)

    # ---- sending (awaited in the screen's send worker, which a second Send never repeats) -----------------

    async def send(self) -> None:
        """Confirm, then place one conference callout per number and start following the legs."""
        host = self.host
        numbers, _ = self.numbers()
        plan = self.checked.plan if self.checked is not None else None
        if plan is None or not numbers:
            return
        question = (f"Call [b]{len(numbers)}[/b] number{'s' if len(numbers) != 1 else ''} into conference "
                    f"[b]{escape(plan.conference_id or '')}[/b]? Each is a separate conference callout.")
        if not await self.app.push_screen_wait(ConfirmScreen(question, confirm_label="Call all", danger=False)):
            host.status("Not sent: cancelled.")
            return
        self.dial = DialIn(host.sender, plan, numbers, on_change=self._show_leg)
        self.query_one("#legs", DataTable).clear()
        for leg in self.dial.legs.values():
            self._show_leg(leg)
        host.status(f"Calling {len(numbers)} numbers into {plan.conference_id}…")
        for outcome in await self.dial.place_all():
            host.report(outcome)
        host.status(f"Dial-in into {plan.conference_id}: {self.dial.summary()}")
        await host.remember_form("dialin", {"conference_id": plan.conference_id, "cli": plan.cli})
        self._follow()

    def _show_leg(self, leg: Leg) -> None:
        table = self.query_one("#legs", DataTable)
        row = leg_row(leg)
        if leg.number in {key.value for key in table.rows}:
            for column, value in zip(table.columns, row, strict=True):
                table.update_cell(leg.number, column, value)
        else:
            table.add_row(*row, key=leg.number)

    # ---- following --------------------------------------------------------------------------------------

    def _follow(self) -> None:
        if self._follow_timer is None:
            self._follow_timer = self.set_interval(FOLLOW_SECONDS, self.follow_legs)

    @work(exclusive=True, group="follow", exit_on_error=False)
    async def follow_legs(self) -> None:
        """Ask the result of placed legs (a busy one shows failed); stops once every leg has settled."""
        if self.dial is None:
            return
        await self.dial.follow()
        self.host.status(f"Dial-in into {self.dial.base.conference_id}: {self.dial.summary()}")
        if self.dial.settled and self._follow_timer is not None:
            self._follow_timer.stop()
            self._follow_timer = None

    # ---- retrying (RETRY_KEY) -----------------------------------------------------------------------------

    def action_retry(self) -> None:
        """Place the selected failed leg again, or every failed leg when the selected one did not fail."""
        if self.dial is None or self.host.kind != "dialin":
            return
        table = self.query_one("#legs", DataTable)
        selected = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value if table.row_count else None
        numbers = legs_to_retry(self.dial.legs.values(), selected)
        if not numbers:
            self.host.status("No failed leg to retry.")
            return
        self.retry_legs(numbers)

    @work(group="retry", exit_on_error=False)
    async def retry_legs(self, numbers: list[str]) -> None:
        dial = self.dial
        if dial is None:
            return
        outcomes = await asyncio.gather(*(dial.retry(number) for number in numbers))
        for outcome in outcomes:
            if outcome is not None and outcome.ok:
                self.host.report(outcome)
        self.host.status(f"Retried {len(numbers)} leg(s): {dial.summary()}")
        self._follow()
