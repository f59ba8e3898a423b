"""Calls: every call the console placed (and any callId typed in), followed live until it ends; manage a live one.

The screen only shows: `console.calls.CallTracker` keeps and polls the calls, the session's
`console.calls.CallsPoller` decides when (its own tick, one poll at a time) and tells this screen what each poll
brought, `console.calls.manage` builds and sends SVAML, and `console.screens.call_actions` holds the keys that
steer a live call. Keys ask the poller (`r` wakes every call, `a` adds one); the app hands it placed calls. The
screen has no timer: it redraws when the poller publishes (a poll, or the list changed by someone else) and
when it is shown again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from rich.highlighter import JSONHighlighter
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Header, Input, Static

from api.models.display import moment
from console.calls.hourly import calls_by_hour
from console.calls.poller import CallsPoller, CallsUpdate
from console.calls.tracker import TrackedCall, filter_calls, next_sort_key, sort_calls
from console.screens.call_actions import (
    HANGUP_KEY,
    PLAY_KEY,
    RECORD_START_KEY,
    RECORD_STOP_KEY,
    SAY_KEY,
    ManageCallActions,
)
from console.screens.dialogs import PromptScreen
from console.screens.mode import ModeScreen
from console.screens.topbar import topbar
from console.session import Session
from widgets.calls_per_hour import CallsPerHour


def known(value: str | None) -> str:
    """A platform field as shown: its "N/A" (nothing known yet) is left blank, not spelled out."""
    return "" if value in (None, "N/A") else str(value)

COLUMNS = (("placed", "Placed", 12), ("kind", "Kind", 10), ("to", "To", 18), ("status", "Status", 9),
           ("result", "Result", 9), ("reason", "Reason", 13), ("duration", "Dur", 7), ("debit", "Debit", 11),
           ("detail", "Detail", 20))
STATUS_STYLE = {"INITIATED": "yellow", "RINGING": "bold yellow", "ONGOING": "bold green", "FINAL": "",
                "UNKNOWN": "red"}
"""UNKNOWN: the platform has no such call, or a callout was sent and never answered (its detail says which)."""
RESULT_STYLE = {"ANSWERED": "green", "BUSY": "red", "NOANSWER": "red", "FAILED": "bold red"}
MAX_CALL_ID = 128


class CallsScreen(ModeScreen):
    """Tracked calls with live status, result, duration and debit; say, play, record and hang up."""

    MODE = "calls"
    """The app mode this screen is (the mode bar marks it)."""

    CHANGES: ClassVar[dict[str, str]] = {"say": "call_say", "play": "call_play", "record_start": "call_record_start",
                                         "record_stop": "call_record_stop", "hangup": "call_hangup"}
    BINDINGS = [
        # The footer offers what fits 80 columns, most needed first; show=False keys work the same and `?` lists them.
        SAY_KEY,
        PLAY_KEY,
        RECORD_START_KEY,
        RECORD_STOP_KEY,
        HANGUP_KEY,
        Binding("a", "add", "Add callId", show=False, id="calls.add"),
        Binding("slash", "filter", "Filter", id="calls.filter"),
        Binding("o", "sort", "Sort", show=False, id="calls.sort"),
        Binding("r", "refresh", "Refresh", show=False, id="calls.refresh"),
        Binding("escape", "close_filter", "Close filter", show=False, id="calls.close_filter"),
    ]

    DEFAULT_CSS = """
    CallsScreen #calls-title { padding: 0 1; }
    CallsScreen #calls { height: 1fr; }
    CallsScreen #call-detail-pane { height: 14; border-top: solid $primary; padding: 0 1; }
    CallsScreen #status.error { color: $error; }
    """

    def __init__(self, session: Session, poller: CallsPoller) -> None:
        super().__init__()
        self.session = session
        self.poller = poller
        self.tracker = poller.tracker
        self.sort_key = "time"
        self.query_text = ""
        self._unsubscribe: Callable[[], None] | None = None
        self.manage = ManageCallActions(self, id="manage-call")

    # ---- layout --------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield from topbar(self.session, "calls-title")
        yield CallsPerHour(id="calls-per-hour")
        yield Input(placeholder="filter: number, callId, text, status:ongoing, result:busy (escape closes)",
                    id="calls-filter")
        table: DataTable[Text] = DataTable(id="calls", cursor_type="row", zebra_stripes=True)
        for key, label, width in COLUMNS:
            table.add_column(label, key=key, width=width)
        yield table
        with VerticalScroll(id="call-detail-pane"):
            yield Static("", id="call-detail")
        yield Static("", id="status")
        yield self.manage
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#calls-filter", Input).display = False
        warning = self.tracker.load_warning
        self.status(warning or "Calls placed by the console appear here; a adds a callId by hand.",
                    error=bool(warning))
        self.refresh_rows()
        self.query_one("#calls", DataTable).focus()
        self._unsubscribe = self.poller.subscribe(self._updated)
        self.poller.poll_now()  # fresh answers for whoever opens the mode, without waiting for a tick

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def on_screen_resume(self) -> None:
        self.refresh_rows()

    # ---- the list ------------------------------------------------------------------------------------

    def visible_calls(self) -> list[TrackedCall]:
        calls = self.tracker.calls
        if self.query_text:
            calls = filter_calls(calls, self.query_text)
        return sort_calls(calls, self.sort_key)

    def selected(self) -> TrackedCall | None:
        table = self.query_one("#calls", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.tracker.get(key) if key is not None else None

    def refresh_rows(self) -> None:
        """Reconcile the table with the tracker by callId: cells update in place, the cursor stays on its call."""
        table = self.query_one("#calls", DataTable)
        calls = self.visible_calls()
        now = self.session.clock()
        wanted = [call.call_id for call in calls]
        current = [row.key.value for row in table.ordered_rows]
        if wanted == current:
            for call in calls:
                for key, cell in zip((c[0] for c in COLUMNS), self._cells(call, now), strict=True):
                    if table.get_cell(call.call_id, key) != cell:
                        table.update_cell(call.call_id, key, cell)
        else:
            selected = self.selected()
            table.clear()
            for call in calls:
                table.add_row(*self._cells(call, now), key=call.call_id)
            if selected is not None and selected.call_id in wanted:
                table.move_cursor(row=wanted.index(selected.call_id), animate=False)
        self._show_title(len(calls))
        hourly = calls_by_hour(self.tracker.calls, now)  # all the console placed, whatever the filter shows
        self.query_one(CallsPerHour).show(hourly.hours, hourly.currency)
        self._show_detail()

    def _cells(self, call: TrackedCall, now: datetime) -> list[Text]:
        result = call.result
        when = moment(call.placed_at, now)
        detail = Text(call.error, style="red") if call.error else Text(self._detail_text(call))
        detail.truncate(40, overflow="ellipsis")
        return [
            Text(when),
            Text(call.kind),
            Text(call.number),
            Text(call.status, style=STATUS_STYLE.get(call.status, "")),
            Text(known(result.result if result else None), style=RESULT_STYLE.get(result.result if result else "", "")),
            Text(known(result.reason if result else None)),
            Text(call.duration_text(), justify="right"),
            Text(call.debit_text(), justify="right"),
            detail,
        ]

    @staticmethod
    def _detail_text(call: TrackedCall) -> str:
        parts = [f"room {call.conference_id}" if call.conference_id else "", call.detail]
        if call.result is not None and call.result.custom not in (None, ""):
            parts.append(f"custom {call.result.custom}")
        return " · ".join(part for part in parts if part)

    def _show_title(self, shown: int) -> None:
        total = len(self.tracker)
        live = sum(not call.is_final and not call.unknown for call in self.tracker.calls)
        text = Text.assemble(("Calls", "bold"), f" · {total} tracked · {live} live · sorted by {self.sort_key}")
        if self.query_text:
            text.append(f" · filter {self.query_text!r}: {shown} shown")
        self.query_one("#calls-title", Static).update(text)

    def _show_detail(self) -> None:
        call = self.selected()
        pane = self.query_one("#call-detail", Static)
        if call is None:
            if not len(self.tracker):
                pane.update(Text("No calls tracked yet: callouts placed from Callouts (2) show here, and a adds any "
                                 "callId."))
            elif self.query_text and not self.visible_calls():
                pane.update(Text.assemble("No call matches the filter ", (self.query_text, "bold"),
                                          f" ({len(self.tracker)} tracked)."))
            else:
                pane.update(Text("No call selected."))
            return
        if call.outcome_unknown:
            text = Text.assemble(("Callout ", "bold"), (call.call_id, "bold"), f" · {call.kind} to {call.number}",
                                 (" · outcome unknown: no callId yet", "bold yellow"))
        else:
            text = Text.assemble(("Call ", "bold"), (call.call_id, "bold"), f" · {call.kind} to {call.number}")
        if call.correlation_id:
            text.append(f" · tag {call.correlation_id}")
        now = self.session.clock()
        text.append(f"\nplaced {moment(call.placed_at, now, relative=True)}")
        if call.cli:
            text.append(f" from {call.cli}")
        text.append(f" · polled {moment(call.polled_at, now, relative=True) if call.polled_at else 'not yet'}")
        if call.conference_id:
            text.append(f" · room {call.conference_id}")
        if call.detail:
            text.append(f"\n{call.detail}")
        if call.error:
            text.append(f"\n{call.error}", style="red")
        if call.result is not None:
            body = json.dumps(call.result.model_dump(mode="json", by_alias=True), indent=2, ensure_ascii=False)
            text.append("\n")
            text.append_text(JSONHighlighter()(Text(body)))
        pane.update(text)

    @on(DataTable.RowHighlighted, "#calls")
    def _highlighted(self) -> None:
        self._show_detail()

    # ---- polling -------------------------------------------------------------------------------------

    def _updated(self, update: CallsUpdate) -> None:
        """What a poll brought (the poller calls it on the app's loop): words for what ended, then a redraw."""
        if update.error:
            self.status(update.error, error=True)
        if update.write_error:
            self.status(update.write_error, error=True)
        for change in update.changes:
            if change.became_final:
                call = change.call
                result = call.result
                self.status(f"{call.number}: {result.result if result else 'FINAL'}"
                            f" ({result.reason if result else ''}) after {call.duration_text()}, {call.debit_text()}")
        if self.is_attached:
            self.refresh_rows()

    # ---- keys: the list ------------------------------------------------------------------------------

    def action_refresh(self) -> None:
        self.poller.wake()

    def action_sort(self) -> None:
        self.sort_key = next_sort_key(self.sort_key)
        self.refresh_rows()

    def action_filter(self) -> None:
        field = self.query_one("#calls-filter", Input)
        field.display = True
        field.focus()

    def action_close_filter(self) -> None:
        field = self.query_one("#calls-filter", Input)
        if field.display:
            field.value = ""
            field.display = False
            self.query_one("#calls", DataTable).focus()

    @on(Input.Changed, "#calls-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value.strip()
        self.refresh_rows()

    @on(Input.Submitted, "#calls-filter")
    def _filter_submitted(self) -> None:
        self.query_one("#calls", DataTable).focus()

    def action_add(self) -> None:
        def check(value: str) -> str | None:
            if not value:
                return "Type a callId, or escape to cancel."
            if len(value) > MAX_CALL_ID or any(ch.isspace() for ch in value):
                return "A callId is one word of at most 128 characters."
            return None

        def answered(value: str | None) -> None:
            if value:
                self.poller.add(value)  # polled at once; its answer redraws through _updated
                self.refresh_rows()
                table = self.query_one("#calls", DataTable)
                keys = [row.key.value for row in table.ordered_rows]
                if value in keys:
                    table.move_cursor(row=keys.index(value), animate=False)
                self.status(f"Tracking call {value}.")

        self.app.push_screen(PromptScreen("Track a call by its callId (a call this application placed):",
                                          placeholder="callId", check=check), answered)

    # ---- keys the composed call steering answers (bound here: see SAY_KEY) -----------------------------

    def action_say(self) -> None:
        self.manage.action_say()

    def action_play(self) -> None:
        self.manage.action_play()

    def action_record_start(self) -> None:
        self.manage.action_record_start()

    def action_record_stop(self) -> None:
        self.manage.action_record_stop()

    def action_hangup(self) -> None:
        self.manage.action_hangup()

    # ---- feedback ------------------------------------------------------------------------------------

    def status(self, text: str, *, error: bool = False) -> None:
        widget = self.query_one("#status", Static)
        widget.update(Text(text))  # outcomes quote numbers and typed text: never markup
        widget.set_class(error, "error")
