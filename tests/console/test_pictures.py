"""The attendance dialog's picture driven as an operator would: the chart (`g`) and its SVG export (`s`)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from console_helpers import SIZE, Harness, wait_for_roster
from textual.widgets import DataTable
from waiting import eventually

from console.screens.dialogs import PromptScreen
from widgets.attendance_chart import AttendanceChart


async def test_g_draws_the_attendance_as_a_chart_and_s_exports_it_as_svg(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        await wait_for_roster(h.app, pilot)
        await pilot.press("R")
        await eventually(lambda: type(h.app.screen).__name__ == "AttendanceScreen", pilot)
        dialog = h.app.screen
        people = dialog.query_one("#attendance-table", DataTable).row_count
        chart = dialog.query_one(AttendanceChart)
        assert not chart.parent.display  # the table first, as before
        await pilot.press("g")
        await eventually(lambda: chart.parent.display and not dialog.query_one("#attendance-table").display, pilot)
        assert chart.chart is not None and len(chart.chart.bars) == people > 0
        lines = str(chart.render()).splitlines()
        assert len(lines) == people + 2 and all("█" in line for line in lines[1:-1])
        await pilot.press("s")
        await eventually(lambda: isinstance(h.app.screen, PromptScreen), pilot)
        assert h.app.screen.query_one("#dialog-input").value.endswith(".svg")
        target = tmp_path / "chart.svg"
        h.app.screen.query_one("#dialog-input").value = str(target)
        await pilot.press("enter")
        await eventually(target.exists, pilot)
        root = ET.fromstring(target.read_bytes())
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        bars = [t for t in root.iter("{http://www.w3.org/2000/svg}title") if "in the room" in (t.text or "")]
        assert len(bars) == people

