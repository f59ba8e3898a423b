"""Log: the audit log of moderator actions and the trace of the last API requests.

The audit table reads the JSON-lines file (off the UI loop) with a text filter. The trace table shows the
client's in-memory trace (secrets and Authorization redacted) live: the client tells the screen of each
request, and a burst of them is drawn once. It has its own filter (words matched against method, path,
status and error), and it folds a poll's repeated GETs (answered alike every second) into one row per path
that counts them, so the polls do not push every other request out of sight. `c` copies the selected
request (the newest of a folded run) as a curl command with the signed headers left as placeholders. Times
are `api.models.display.moment`, the one format of the console's screens; an empty table says why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from api.models.display import moment
from api.trace import TraceRecord
from console.curl import to_curl
from console.screens.mode import HEIGHTS, WIDTHS
from console.screens.mode_bar import ModeBar
from console.session import Session

AUDIT_LIMIT = 500


@dataclass
class TraceRow:
    """One row of the trace table: a request, or a run of the same request answered alike (`count` of them)."""

    newest: TraceRecord
    count: int = 1


def fold(records: Iterable[TraceRecord]) -> list[TraceRow]:
    """Records in order, with a poll's repeats folded: a GET of a path answered as it was last time joins that
    row (which moves down to its newest time) instead of adding one. Rooms polled in turn interleave, so the
    repeats need not be next to each other; a change (any other method) or a new outcome for the path
    starts new rows, so what happened around it stays in order."""
    rows: list[TraceRow] = []
    runs: dict[str, tuple[tuple[object, ...], TraceRow]] = {}  # per path, the row its next repeat joins
    for record in records:
        if record.method != "GET":
            runs.clear()
            rows.append(TraceRow(record))
            continue
        outcome = (record.status, record.error_code, record.error)
        run = runs.get(record.path)
        if run is not None and run[0] == outcome:
            row = run[1]
            row.newest = record
            row.count += 1
            rows.remove(row)
            rows.append(row)
        else:
            row = TraceRow(record)
            rows.append(row)
            runs[record.path] = (outcome, row)
    return rows


def trace_matches(record: TraceRecord, words: list[str]) -> bool:
    """Every word is in the method, path, status, errorCode or error (case does not matter)."""
    text = " ".join(str(part) for part in (record.method, record.path, record.status or "", record.error_code or "",
                                           record.error or "")).lower()
    return all(word in text for word in words)


class LogScreen(Screen[None]):
    """What the console did (audit) and what it asked the platform (API trace)."""

    MODE = "log"
    """The app mode this screen is (the mode bar marks it)."""

    HORIZONTAL_BREAKPOINTS = WIDTHS  # the same breakpoint classes as the other modes (console.tcss)
    VERTICAL_BREAKPOINTS = HEIGHTS

    BINDINGS = [
        Binding("slash", "filter", "Filter", id="log.filter"),
        Binding("r", "reload", "Reload", id="log.reload"),
        Binding("c", "copy_curl", "Copy as curl", id="log.copy_curl"),
        Binding("tab", "app.focus_next", "Next pane", show=False, id="log.next_pane"),
    ]

    DEFAULT_CSS = """
    LogScreen .log-empty { height: auto; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self._shown: list[TraceRecord] = []  # per row of the trace table, the record c copies (a run's newest)
        self._trace_drawn: tuple[TraceRecord | None, str] | None = None  # the newest record and filter drawn
        self._trace_due = False  # a redraw is scheduled for a burst of requests
        self._stop_listening: Callable[[], None] | None = None
        self._audit_seen = -1  # session.audit.written when the audit table was last loaded

    def compose(self) -> ComposeResult:
        yield Header()
        yield ModeBar(self.session)
        with Vertical(id="log-audit"):
            yield Static("[b]Audit log[/b]  moderator actions, newest last", classes="pane-title")
            yield Input(placeholder="filter the audit log (room, number, action, outcome...)", id="audit-filter")
            yield DataTable(cursor_type="row", zebra_stripes=True, id="audit-table")
            yield Static("", id="audit-empty", classes="log-empty")
        with Vertical(id="log-trace"):
            yield Static("[b]API trace[/b]  last requests, live; repeated polls fold into one row; c copies the "
                         "selected one as curl", classes="pane-title")
            yield Input(placeholder="filter the API trace (method, path, status, error...)", id="trace-filter")
            yield DataTable(cursor_type="row", zebra_stripes=True, id="trace-table")
            yield Static("", id="trace-empty", classes="log-empty")
            yield Static("", id="curl")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#audit-table", DataTable).add_columns(
            "Time", "Action", "Phase", "Outcome", "Room", "Who", "Code", "Message")
        self.query_one("#trace-table", DataTable).add_columns(
            "Time", "Method", "Path", "Status", "Code", "Latency", "Try", "Times")
        self._stop_listening = self.session.backend.client.tracer.listen(self._traced)
        self.reload()
        self.set_interval(2.0, self._tick)
        self.query_one("#audit-table", DataTable).focus()

    def on_unmount(self) -> None:
        if self._stop_listening is not None:
            self._stop_listening()
            self._stop_listening = None

    def on_screen_resume(self) -> None:
        self.reload()

    def _traced(self, record: TraceRecord) -> None:
        """From the client, once per request: one redraw per burst, after it."""
        if not self._trace_due and self.is_mounted:
            self._trace_due = True
            self.call_later(self._show_trace)

    def _tick(self) -> None:
        """New audit lines (an action in another mode, a bulk action finishing) show without pressing r."""
        if self.session.audit.written != self._audit_seen:
            self._load_audit(self.query_one("#audit-filter", Input).value)

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        self._load_audit(self.query_one("#audit-filter", Input).value)
        self._show_trace()

    @work(exclusive=True, group="audit", exit_on_error=False)
    async def _load_audit(self, text: str) -> None:
        self._audit_seen = self.session.audit.written
        try:
            entries = await self.session.audit.read(limit=AUDIT_LIMIT, text_filter=text or None)
        except OSError as error:
            self.notify(f"Cannot read the audit log: {error}", severity="error", markup=False)
            return
        table = self.query_one("#audit-table", DataTable)
        at_end = table.cursor_row >= table.row_count - 1  # reading older lines: a reload must not jump away
        row = table.cursor_row
        table.clear()
        now = self.session.clock()
        for entry in entries:
            who = entry.cli or entry.call_id or ""
            table.add_row(moment(entry.time, now), entry.action, entry.phase, entry.outcome or "",
                          Text(entry.room or ""), Text(who), str(entry.error_code or ""), Text(entry.message or ""))
        if entries:
            table.move_cursor(row=len(entries) - 1 if at_end else min(row, len(entries) - 1), animate=False)
        empty = self.query_one("#audit-empty", Static)
        empty.display = not entries
        if text:
            empty.update(Text.assemble("No audit line matches ", (text, "bold"), "."))
        else:
            empty.update("No moderator actions yet: mutes, kicks, callouts and other changes are written here.")

    def _show_trace(self) -> None:
        self._trace_due = False
        if not self.is_mounted:
            return
        table = self.query_one("#trace-table", DataTable)
        query = self.query_one("#trace-filter", Input).value.strip()
        records = self.session.backend.client.trace  # a bounded buffer: compare its newest record, not its size
        drawn = (records[-1] if records else None, query)
        if drawn == self._trace_drawn:
            return
        words = query.lower().split()
        rows = fold(r for r in records if trace_matches(r, words))
        selected = self._shown[table.cursor_row] if self._shown and 0 <= table.cursor_row < len(self._shown) else None
        following = not self._shown or table.cursor_row >= len(self._shown) - 1
        table.clear()
        now = self.session.clock()
        for row in rows:
            record = row.newest
            table.add_row(moment(record.at, now), Text(record.method), Text(record.path),
                          str(record.status or record.error or ""), str(record.error_code or ""),
                          f"{record.latency_ms:.0f} ms", str(record.attempt), str(row.count) if row.count > 1 else "")
        self._shown = [row.newest for row in rows]
        self._trace_drawn = drawn
        if rows:
            at = None if following else next(
                (i for i, row in enumerate(rows) if selected is not None and row.newest is selected), None)
            table.move_cursor(row=len(rows) - 1 if at is None else at, animate=False)
        empty = self.query_one("#trace-empty", Static)
        empty.display = not rows
        if records and query:
            empty.update(Text.assemble("No request matches ", (query, "bold"), f" ({len(records)} in the trace)."))
        else:
            empty.update("No API requests yet: each request the console sends shows here as it is answered.")

    def action_filter(self) -> None:
        """`/` filters the pane the focus is in (the audit log unless the trace has the focus)."""
        in_trace = self.focused is not None and self.focused.id in ("trace-table", "trace-filter")
        self.query_one("#trace-filter" if in_trace else "#audit-filter", Input).focus()

    @on(Input.Changed, "#audit-filter")
    def _filter(self, message: Input.Changed) -> None:
        self._load_audit(message.value)

    @on(Input.Changed, "#trace-filter")
    def _trace_filter(self, message: Input.Changed) -> None:
        self._show_trace()

    def action_copy_curl(self) -> None:
        table = self.query_one("#trace-table", DataTable)
        if not self._shown or not 0 <= table.cursor_row < len(self._shown):
            self.notify("No request selected in the API trace.")
            return
        record = self._shown[table.cursor_row]  # the row on screen, whatever the live buffer did since
        command = to_curl(record, application_key=self.session.backend.client.application_key)
        self.query_one("#curl", Static).update(Text(command))
        self.app.copy_to_clipboard(command)
        self.notify("Copied as curl (signed headers are placeholders).")
