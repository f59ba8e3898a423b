"""Log: the audit log of moderator actions and the trace of the last API requests.

The audit table reads the JSON-lines file (off the UI loop) with a text filter; the trace table shows the
client's in-memory trace (secrets and Authorization redacted), and `c` copies the selected request as a curl
command with the signed headers left as placeholders.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from api.trace import TraceRecord
from console.curl import to_curl
from console.session import Session

AUDIT_LIMIT = 500


class LogScreen(Screen[None]):
    """What the console did (audit) and what it asked the platform (API trace)."""

    BINDINGS = [
        Binding("slash", "filter", "Filter", id="log.filter"),
        Binding("r", "reload", "Reload", id="log.reload"),
        Binding("c", "copy_curl", "Copy as curl", id="log.copy_curl"),
        Binding("tab", "app.focus_next", "Next pane", show=False, id="log.next_pane"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self._shown: list[TraceRecord] = []  # the records in the trace table, row for row
        self._audit_seen = -1  # session.audit.written when the audit table was last loaded

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="log-audit"):
            yield Static("[b]Audit log[/b]  moderator actions, newest last", classes="pane-title")
            yield Input(placeholder="filter the audit log (room, number, action, outcome...)", id="audit-filter")
            yield DataTable(cursor_type="row", zebra_stripes=True, id="audit-table")
        with Vertical(id="log-trace"):
            yield Static("[b]API trace[/b]  last requests; c copies the selected one as curl", classes="pane-title")
            yield DataTable(cursor_type="row", zebra_stripes=True, id="trace-table")
            yield Static("", id="curl")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#audit-table", DataTable).add_columns(
            "Time", "Action", "Phase", "Outcome", "Room", "Who", "Code", "Message")
        self.query_one("#trace-table", DataTable).add_columns(
            "Time", "Method", "Path", "Status", "Code", "Latency", "Try")
        self.reload()
        self.set_interval(2.0, self._tick)
        self.query_one("#audit-table", DataTable).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def _tick(self) -> None:
        """New audit lines (an action in another mode, a bulk action finishing) show without pressing r."""
        if self.session.audit.written != self._audit_seen:
            self._load_audit(self.query_one("#audit-filter", Input).value)
        self._show_trace()

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
        for entry in entries:
            when = entry.time.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            who = entry.cli or entry.call_id or ""
            table.add_row(when, entry.action, entry.phase, entry.outcome or "", Text(entry.room or ""), Text(who),
                          str(entry.error_code or ""), Text(entry.message or ""))
        if entries:
            table.move_cursor(row=len(entries) - 1 if at_end else min(row, len(entries) - 1), animate=False)

    def _show_trace(self) -> None:
        table = self.query_one("#trace-table", DataTable)
        records = self.session.backend.client.trace  # a bounded buffer: compare its newest record, not its size
        if records and self._shown and records[-1] is self._shown[-1]:
            return
        selected = self._shown[table.cursor_row] if self._shown and 0 <= table.cursor_row < len(self._shown) else None
        table.clear()
        for record in records:
            table.add_row(record.at.astimezone().strftime("%H:%M:%S"), Text(record.method), Text(record.path),
                          str(record.status or record.error or ""), str(record.error_code or ""),
                          f"{record.latency_ms:.0f} ms", str(record.attempt))
        self._shown = records
        if records:
            row = next((i for i, r in enumerate(records) if r is selected), len(records) - 1)
            table.move_cursor(row=row, animate=False)

    def action_filter(self) -> None:
        self.query_one("#audit-filter", Input).focus()

    @on(Input.Changed, "#audit-filter")
    def _filter(self, message: Input.Changed) -> None:
        self._load_audit(message.value)

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
