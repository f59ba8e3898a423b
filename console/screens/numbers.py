"""Numbers & callbacks: the account's numbers (assign, un-assign), this application's callback URLs (edit),
and a query-number tool, on one screen.

Logic lives in console.numbers (no Textual): checking forms, sending with an audit trail, wording errors.
This screen shows and schedules: one load worker reads the numbers and the callback URLs together; each change
(console/screens/number_changes.py, a collaborator the screen composes) runs in a worker that asks (a form, a
confirmation naming the target), sends, then reloads and says what happened. A read-only profile sees
everything, is not offered the changes in the footer, and is refused in words (audited) if it presses their keys
anyway. Errors leave the last good data on screen.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Footer, Header, Input, Static

from api.models import CallbackUrls, NumberItem
from api.models.display import printable
from console.numbers import ChangeOutcome, Lookup, NumberRow, describe_numbers_error, number_rows, shown_url, summary
from console.numbers.listing import short_key
from console.screens.mode import ModeScreen
from console.screens.number_changes import (
    ASSIGN_KEY,
    CHANGE_ACTIONS,
    EDIT_CALLBACKS_KEY,
    UNASSIGN_KEY,
    NumberChanges,
)
from console.screens.number_dialogs import QueryNumberPane
from console.screens.topbar import topbar
from console.session import Session

COLUMNS = (("number", "Number", 20), ("e164", "E.164", 16), ("country", "Country", 22),
           ("capability", "Capability", 10), ("application", "Application", 38))
APPLICATION_STYLE = {"this": "bold green", "other": "yellow", "none": "dim"}
PaletteCommand = tuple[str, str, Callable[[], object]]
"""(title, help, callback) for the app's command palette."""


class NumbersScreen(ModeScreen):
    """The account's numbers, this application's callback URLs and the query-number tool."""

    MODE = "numbers"
    """The app mode this screen is (the mode bar marks it)."""

    CHANGES: ClassVar[dict[str, str]] = CHANGE_ACTIONS
    BINDINGS = [
        ASSIGN_KEY,
        UNASSIGN_KEY,
        EDIT_CALLBACKS_KEY,
        Binding("l", "lookup", "Look up number", id="numbers.lookup"),
        Binding("n", "focus_list", "Numbers list", show=False, id="numbers.list"),
        Binding("r", "reload", "Reload", id="numbers.reload"),
        # In the query field letters and digits are typed; escape leaves it so they are keys again.
        Binding("escape", "leave_field", "Leave field", id="numbers.leave_field"),
    ]

    DEFAULT_CSS = """
    NumbersScreen #numbers-title { padding: 0 1; }
    NumbersScreen .pane { border: round $primary-darken-2; border-title-color: $text-muted; }
    NumbersScreen .pane:focus-within { border: round $primary; border-title-color: $text; }
    NumbersScreen #numbers-pane { height: 1fr; }
    NumbersScreen #numbers { height: 1fr; }
    NumbersScreen #numbers-lower { height: 15; }
    NumbersScreen #callbacks-pane { width: 1fr; padding: 0 1; }
    NumbersScreen #callbacks-view { height: 1fr; }
    NumbersScreen #callbacks-edit { min-width: 24; }
    NumbersScreen #query-pane { width: 1fr; padding: 0 1; }
    NumbersScreen #status.error { color: $error; }
    """

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.this_app: str = session.backend.client.application_key
        self.items: list[NumberItem] | None = None
        """The numbers as last listed (None until the first list succeeds)."""
        self.rows: list[NumberRow] = []
        self.list_error: str | None = None
        self.callbacks: CallbackUrls | None = None
        self.callbacks_error: str | None = None
        self.fetching = False
        self._generation = 0
        self.changes = NumberChanges(self, id="number-changes")

    # ---- layout --------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield from topbar(self.session, "numbers-title")
        with Vertical(id="numbers-pane", classes="pane"):
            table: DataTable[Text] = DataTable(id="numbers", cursor_type="row", zebra_stripes=True)
            for key, label, width in COLUMNS:
                table.add_column(label, key=key, width=width)
            yield table
        with Horizontal(id="numbers-lower"):
            with Vertical(id="callbacks-pane", classes="pane"):
                yield Static(Text("Loading…", style="dim"), id="callbacks-view")
                if not self.session.read_only:
                    yield Button("Edit URLs (e)", id="callbacks-edit")
            yield QueryNumberPane(self.session.backend.client, id="query-pane", classes="pane")
        yield Static("", id="status")
        yield self.changes
        yield Footer()

    def on_mount(self) -> None:
        read_only = self.session.read_only
        self.query_one("#numbers-pane").border_title = "Numbers of the account (" + (
            "read-only" if read_only else "a assign · u un-assign") + " · r reload)"
        self.query_one("#callbacks-pane").border_title = "Callback URLs of this application (" + (
            "read-only" if read_only else "e edit") + ")"
        self.query_one("#query-pane").border_title = "Query number (l)"
        self.status("Loading the numbers and the callback URLs…")
        self._show_title()
        self.query_one("#numbers", DataTable).focus()
        self.load()

    def _show_title(self) -> None:
        text = Text.assemble(("Numbers & callbacks", "bold"), f" · app {short_key(self.this_app)}")
        if self.items is not None:
            text.append(f" · {summary(self.rows)}")
        if self.fetching:
            text.append(" · loading…", style="dim")
        elif self.list_error:
            text.append(" · list not refreshed" if self.items is not None else " · not listed", style="red")
        self.query_one("#numbers-title", Static).update(text)

    # ---- loading -------------------------------------------------------------------------------------

    @work(exclusive=True, group="numbers-load", exit_on_error=False)
    async def load(self, report: ChangeOutcome | None = None, select: str | None = None) -> None:
        """Read the numbers and the callback URLs together; an error keeps what was shown and says why."""
        client = self.session.backend.client
        self._generation += 1
        generation = self._generation
        self.fetching = True
        self._show_title()
        problems = []
        try:
            listed, urls = await asyncio.gather(client.numbers.list(), client.callbacks.get(),
                                                return_exceptions=True)
            if isinstance(listed, BaseException):
                self.list_error = describe_numbers_error(listed)
                problems.append(f"Numbers not listed: {self.list_error}")
            else:
                # country names come from phonenumbers' geodata (~0.5 s to load once): never on the UI loop
                self.rows = await asyncio.to_thread(number_rows, listed, self.this_app)
                self.items, self.list_error = listed, None
            if isinstance(urls, BaseException):
                self.callbacks_error = describe_numbers_error(urls, "application")
                problems.append(f"Callback URLs not read: {self.callbacks_error}")
            else:
                self.callbacks, self.callbacks_error = urls, None
            if len(problems) == 2 and self.list_error == self.callbacks_error:  # one outage: say it once
                problems = [f"Numbers not listed, callback URLs not read: {self.list_error}"]
        finally:
            if generation == self._generation:  # a newer load (r pressed again) is still running otherwise
                self.fetching = False
        self.refresh_rows(select)
        self._show_callbacks()
        self._show_title()
        if report is not None:
            self.status(report.text + (f" · {problems[0]}" if problems else ""), error=not report.ok or bool(problems))
        elif problems:
            self.status(" · ".join(problems), error=True)
        else:
            when = self.session.clock().astimezone().strftime("%H:%M:%S")
            self.status(f"Loaded at {when}: {summary(self.rows)}.")

    @property
    def lookup(self) -> Lookup | None:
        """The last query-number answer (None before the first)."""
        return self.query_one(QueryNumberPane).lookup

    def selected(self) -> NumberRow | None:
        table = self.query_one("#numbers", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((row for row in self.rows if row.number == key), None)

    def refresh_rows(self, select: str | None = None) -> None:
        """Reconcile the table by number: cells update in place, the cursor stays on its number (or `select`)."""
        table = self.query_one("#numbers", DataTable)
        wanted = [row.number for row in self.rows]
        current = [row.key.value for row in table.ordered_rows]
        shown = self.selected()
        keep = select or (shown.number if shown is not None else None)
        if wanted == current:
            for row in self.rows:
                for key, cell in zip((c[0] for c in COLUMNS), self._cells(row), strict=True):
                    if table.get_cell(row.number, key) != cell:
                        table.update_cell(row.number, key, cell)
        else:
            table.clear()
            for row in self.rows:
                table.add_row(*self._cells(row), key=row.number)
        if keep in wanted:
            table.move_cursor(row=wanted.index(keep), animate=False)

    def _cells(self, row: NumberRow) -> list[Text]:
        return [  # all of it as the platform lists it: printable
            Text(printable(row.formatted), style="bold"),
            Text(printable(row.number)),
            Text(printable(row.country_text)),
            Text(printable(row.capability) or "?"),
            Text(printable((row.application_key or "") if row.assignment == "other" else row.application),
                 style=APPLICATION_STYLE[row.assignment]),
        ]

    def _show_callbacks(self) -> None:
        view = self.query_one("#callbacks-view", Static)
        text = Text()
        urls = self.callbacks
        if urls is None:
            text.append(f"Could not read them: {self.callbacks_error}" if self.callbacks_error else "Loading…",
                        style="red" if self.callbacks_error else "dim")
        else:
            for label, value in (("Primary ", urls.primary), ("Fallback", urls.fallback)):
                text.append(f"{label}  ", style="bold")
                text.append(printable(shown_url(value)), style="" if value else "dim")
                text.append("\n")
            if self.callbacks_error:
                text.append(f"Not refreshed: {self.callbacks_error}\n", style="red")
        text.append(f"\nApplication {self.this_app}\n", style="dim")
        text.append("Sinch posts call events (ICE, ACE, DiCE, PIE, Notify) to the primary URL, and to the "
                    "fallback only when the primary fails.", style="dim")
        view.update(text)

    # ---- keys ----------------------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.status("Reloading…")
        self.load()

    def action_focus_list(self) -> None:
        self.query_one("#numbers", DataTable).focus()

    def action_lookup(self) -> None:
        self.query_one("#query-input", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_field":  # offered only where it does something: in the query field
            return isinstance(self.focused, Input)
        return super().check_action(action, parameters)

    def action_leave_field(self) -> None:
        if isinstance(self.focused, Input):
            self.query_one("#numbers", DataTable).focus()

    @on(Button.Pressed, "#callbacks-edit")
    def _edit_pressed(self) -> None:
        self.changes.action_edit_callbacks()

    # keys the composed changes answer (bound here: see ASSIGN_KEY)

    def action_assign(self) -> None:
        self.changes.action_assign()

    def action_unassign(self) -> None:
        self.changes.action_unassign()

    def action_edit_callbacks(self) -> None:
        self.changes.action_edit_callbacks()

    def callbacks_saved(self, urls: CallbackUrls) -> None:
        """A change stored new callback URLs (read back from the platform): show them."""
        self.callbacks, self.callbacks_error = urls, None
        self._show_callbacks()

    def palette_commands(self) -> list[PaletteCommand]:
        """(title, help, callback) for the app's command palette, namespaced "numbers: …"; a read-only profile
        is offered only what reads."""
        commands: list[PaletteCommand] = [
            ("numbers: assign", "Assign numbers to an application (a)", self.action_assign),
            ("numbers: un-assign", "Un-assign the selected number, after a confirmation (u)", self.action_unassign),
            ("numbers: edit callback URLs", "Primary and fallback callback URLs of this app (e)",
             self.action_edit_callbacks),
        ]
        reads: list[PaletteCommand] = [
            ("numbers: look up a number", "Query number: country, type, rate, restriction (l)", self.action_lookup),
            ("numbers: reload", "Read the numbers and the callback URLs again (r)", self.action_reload),
        ]
        return reads if self.session.gateway.refuses("assign_number") else commands + reads

    # ---- feedback ------------------------------------------------------------------------------------

    def status(self, text: str, *, error: bool = False) -> None:
        widget = self.query_one("#status", Static)
        widget.update(Text(text))  # outcomes quote numbers, keys and URLs: never markup
        widget.set_class(error, "error")
