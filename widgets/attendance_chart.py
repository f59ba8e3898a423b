"""The attendance chart in the terminal: a bar per person across the meeting's time, muted stretches shaded,
kicks marked with a cross.

Drawn with Textual's own primitives (a widget rendering a row of cells per person): the plotting libraries for
Textual (textual-plotext, textual-plot) draw line, scatter and bar charts of numbers, not a timeline of spans
per row. Each cell covers an equal slice of the meeting; it is "in the room" when any presence overlaps it,
"muted" when mutes cover most of that presence, and a kick wins its cell. Every cell has its own character,
not only a colour, so it reads on a monochrome terminal and in a screenshot alike. The chart redraws for its
width (a wider terminal gives a finer timeline); it is fed a `PresenceChart` and never fetches.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

from api.models.display import printable
from api.models.views import PresenceBar, PresenceChart, Span

PRESENT, MUTED, KICKED, AWAY = "█", "▒", "✕", "·"
STYLES = {PRESENT: "#5f87d7", MUTED: "#8a8a8a", KICKED: "bold #ff5f5f", AWAY: "#4e4e4e"}
LABEL_MAX = 26


class AttendanceChart(Widget):
    """A Gantt-like view of who was in a room when. Set `chart` to draw another one."""

    DEFAULT_CSS = """
    AttendanceChart { height: auto; width: 1fr; }
    """

    chart: reactive[PresenceChart | None] = reactive(None, layout=True)

    def __init__(self, chart: PresenceChart | None = None, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.set_reactive(AttendanceChart.chart, chart)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        chart = self.chart
        return 3 + (len(chart.bars) if chart is not None and chart.bars else 1)

    def render(self) -> Text:
        chart = self.chart
        if chart is None or not chart.bars:
            return Text("Nobody seen in this room yet.", style="dim")
        label = min(LABEL_MAX, max(len(bar.name) for bar in chart.bars))
        cells = max(10, self.size.width - label - 1)
        out = Text(no_wrap=True, overflow="crop")
        out.append(_axis(chart, label, cells), style="dim")
        for bar in chart.bars:
            out.append("\n")
            name = printable(bar.name)
            out.append(name if len(name) <= label else name[: label - 1] + "…", style="bold" if bar.still_here else "")
            out.append(" " * (label - min(len(name), label) + 1))
            for mark in row_cells(bar, chart.start, chart.end, cells):
                out.append(mark, style=STYLES[mark])
        out.append("\n")
        out.append(" " * (label + 1))
        for mark, words in ((PRESENT, " in the room  "), (MUTED, " muted  "), (KICKED, " kicked  "), (AWAY, " away")):
            out.append(mark, style=STYLES[mark])
            out.append(words, style="dim")
        return out


def row_cells(bar: PresenceBar, start: datetime, end: datetime, cells: int) -> list[str]:
    """One character per equal slice of [start, end]: AWAY, PRESENT, MUTED or KICKED."""
    total = max((end - start).total_seconds(), 1e-6)
    step = total / cells
    marks: list[str] = []
    for index in range(cells):
        low, high = index * step, (index + 1) * step
        here = _overlap(bar.present, start, low, high)
        if here <= 0:
            marks.append(AWAY)
            continue
        marks.append(MUTED if _overlap(bar.muted, start, low, high) * 2 >= here else PRESENT)
    for kick in bar.kicked:
        at = (kick - start).total_seconds()
        marks[min(cells - 1, max(0, int(at / step)))] = KICKED
    return marks


def _overlap(spans: tuple[Span, ...], origin: datetime, low: float, high: float) -> float:
    covered = 0.0
    for span in spans:
        a = (span.start - origin).total_seconds()
        b = (span.end - origin).total_seconds()
        if b == a and low <= a <= high:  # an instant (a poll saw them once): still worth a cell
            covered += 1e-9
        covered += max(0.0, min(b, high) - max(a, low))
    return covered


def _axis(chart: PresenceChart, label: int, cells: int) -> str:
    start, end = _hhmmss(chart.start), _hhmmss(chart.end)
    middle = _hhmmss(chart.start + (chart.end - chart.start) / 2)
    line = [" "] * cells
    for text, at in ((start, 0), (middle, cells // 2 - len(middle) // 2), (end, cells - len(end))):
        if cells >= 3 * len(text) + 2 or text is not middle:
            line[at:at + len(text)] = list(text)
    return " " * (label + 1) + "".join(line)[:cells]


def _hhmmss(moment: datetime) -> str:
    return (moment.astimezone() if moment.tzinfo is not None else moment).strftime("%H:%M:%S")
