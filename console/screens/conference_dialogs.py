"""Dialogs of the Conferences screen: a room's attendance (a table, or a chart
with `g`, exportable as CSV, JSON or SVG). One participant: participant_panel.py."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from api.models.display import clock
from console.rooms import AttendanceRow
from console.screens.dialogs import ConfirmScreen, PromptScreen
from console.session import Session
from widgets.attendance_chart import AttendanceChart
from widgets.people import clock_time, format_number


def _when(moment: datetime | None) -> str:
    return clock_time(moment) if moment else "present"


class AttendanceScreen(ModalScreen[None]):
    """Everyone seen in a room (kept across leaving and restarts) as a table or a chart (`g`), exportable as CSV,
    JSON or the chart as SVG."""

    BINDINGS = [
        Binding("escape,q", "close", "Close", id="attendance.close"),
        Binding("g", "toggle_chart", "Chart / table", id="attendance.chart"),
        Binding("c", "export('csv')", "Export CSV", id="attendance.export_csv"),
        Binding("j", "export('json')", "Export JSON", id="attendance.export_json"),
        Binding("s", "export('svg')", "Export SVG chart", id="attendance.export_svg"),
    ]

    def __init__(self, session: Session, room: str) -> None:
        super().__init__(classes="dialog")
        self.session = session
        self.room = room

    def compose(self) -> ComposeResult:
        rows: list[AttendanceRow] = self.session.moderator.attendance_report(self.room)
        table: DataTable[str | Text] = DataTable(cursor_type="row", id="attendance-table")
        table.add_columns("Who", "Number", "Calls", "First joined", "Last left", "Time in room", "Muted", "Kicked")
        for row in rows:
            table.add_row(Text(row.name), Text(format_number(row.cli)), str(len(row.call_ids)),
                          clock_time(row.first_joined), _when(row.last_left),
                          clock(row.seconds_in_room), str(row.times_muted), "yes" if row.kicked else "")
        chart = self.session.moderator.attendance.chart(self.room, self.session.clock(),
                                                         self.session.moderator.address_book)
        with Vertical(id="help-box"):
            yield Static(f"[b]Attendance: {escape(self.room)}[/b]  ({len(rows)} people seen)")
            yield table
            with VerticalScroll(id="attendance-chart-pane"):
                yield AttendanceChart(chart, id="attendance-chart")
            yield Static("g chart/table · c CSV · j JSON · s SVG chart · escape closes", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#attendance-chart-pane").display = False

    def action_toggle_chart(self) -> None:
        """The same people, as bars over the meeting's time (muted shaded, kicks marked), or as the table."""
        pane = self.query_one("#attendance-chart-pane")
        table = self.query_one("#attendance-table", DataTable)
        pane.display = not pane.display
        table.display = not pane.display
        (pane if pane.display else table).focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_export(self, fmt: str) -> None:
        stamp = self.session.clock().strftime("%Y%m%d-%H%M%S")
        default = self.session.data_dir / "exports" / f"attendance-{self.room}-{stamp}.{fmt}"
        self.run_worker(self._ask_and_export(default, fmt), exit_on_error=False)

    async def _ask_and_export(self, default: Path, fmt: str) -> None:
        question = f"Export the attendance of {escape(self.room)} as {fmt.upper()} to:"
        answer = await self.app.push_screen_wait(PromptScreen(question, value=str(default)))
        if not answer:
            return
        path = Path(answer).expanduser()
        if path.exists():  # an earlier report is never replaced without asking
            replace = f"[b]{escape(str(path))}[/b] already exists. Replace it?"
            if not await self.app.push_screen_wait(ConfirmScreen(replace, confirm_label="Replace")):
                self.notify("Not exported: the existing file was kept.", markup=False)
                return
        await self._export(path, fmt)

    async def _export(self, path: Path, fmt: str) -> None:
        outcome = await self.session.moderator.export_attendance(self.room, path, fmt=fmt)
        self.notify(outcome.text, severity="information" if outcome.ok else "error", markup=False)
