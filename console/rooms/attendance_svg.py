"""The attendance chart as an SVG file: what a moderator attaches to the minutes or opens in a browser.

A Gantt-like picture of a `PresenceChart`: one row per person, a bar for each stretch they were in the room,
the muted stretches shaded over it, a red cross where they were kicked, and a time axis in local time. Plain
SVG 1.1 with no scripts, fonts or external references, so any browser or image viewer shows it the same; every
name is escaped (names come from the platform and the address book). Each bar carries a <title>, which
browsers show as a tooltip.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from xml.sax.saxutils import escape

from api.models.views import PresenceChart

LABEL_WIDTH = 240
PLOT_WIDTH = 720
ROW_HEIGHT = 26
BAR_HEIGHT = 14
TOP = 64  # title, axis labels
LEGEND_HEIGHT = 40
PRESENT = "#3b82f6"
MUTED = "#94a3b8"
KICKED = "#dc2626"
GRID = "#e5e7eb"
TEXT = "#111827"

# Axis ticks: the first step giving at most 8 ticks across the chart.
_STEPS = tuple(timedelta(seconds=s) for s in (10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600,
                                               43200, 86400))


def chart_svg(chart: PresenceChart) -> bytes:
    """The chart as a complete SVG document (UTF-8)."""
    rows = max(1, len(chart.bars))
    width = LABEL_WIDTH + PLOT_WIDTH + 40
    height = TOP + rows * ROW_HEIGHT + LEGEND_HEIGHT
    seconds = max((chart.end - chart.start).total_seconds(), 1.0)

    def x(moment: datetime) -> float:
        return LABEL_WIDTH + PLOT_WIDTH * min(1.0, max(0.0, (moment - chart.start).total_seconds() / seconds))

    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="13">',
        f"<title>Attendance: {escape(chart.room)}</title>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="16" y="24" font-size="16" font-weight="bold" fill="{TEXT}">Attendance: {escape(chart.room)}'
        f"</text>",
        f'<text x="{width - 16}" y="24" text-anchor="end" fill="#6b7280">{_local(chart.start, "%Y-%m-%d %H:%M")}'
        f" to {_local(chart.end, '%H:%M')} · {len(chart.bars)} people</text>",
    ]
    bottom = TOP + rows * ROW_HEIGHT
    for tick in _ticks(chart.start, chart.end):
        tx = x(tick)
        out.append(f'<line x1="{tx:.1f}" y1="{TOP - 6}" x2="{tx:.1f}" y2="{bottom}" stroke="{GRID}"/>')
        out.append(f'<text x="{tx:.1f}" y="{TOP - 10}" text-anchor="middle" font-size="11" fill="#6b7280">'
                   f"{_local(tick, '%H:%M:%S' if tick.second else '%H:%M')}</text>")
    if not chart.bars:
        out.append(f'<text x="{LABEL_WIDTH}" y="{TOP + 18}" fill="#6b7280">Nobody seen in this room yet.</text>')
    for row, bar in enumerate(chart.bars):
        top = TOP + row * ROW_HEIGHT
        middle = top + ROW_HEIGHT / 2
        bar_top = middle - BAR_HEIGHT / 2
        if row % 2:
            out.append(f'<rect x="0" y="{top}" width="{width}" height="{ROW_HEIGHT}" fill="#f9fafb"/>')
        out.append(f'<text x="16" y="{middle + 4:.1f}" fill="{TEXT}">{escape(_clip(bar.name, 30))}</text>')
        for span in bar.present:
            x0, x1 = x(span.start), x(span.end)
            tip = f"{bar.name}: in the room {_local(span.start, '%H:%M:%S')} to {_local(span.end, '%H:%M:%S')}"
            out.append(f'<rect x="{x0:.1f}" y="{bar_top:.1f}" width="{max(x1 - x0, 1.5):.1f}" '
                       f'height="{BAR_HEIGHT}" rx="2" fill="{PRESENT}"><title>{escape(tip)}</title></rect>')
        for span in bar.muted:
            x0, x1 = x(span.start), x(span.end)
            tip = f"{bar.name}: muted {_local(span.start, '%H:%M:%S')} to {_local(span.end, '%H:%M:%S')}"
            out.append(f'<rect x="{x0:.1f}" y="{bar_top:.1f}" width="{max(x1 - x0, 1.5):.1f}" '
                       f'height="{BAR_HEIGHT}" fill="{MUTED}"><title>{escape(tip)}</title></rect>')
        for kick in bar.kicked:
            kx = x(kick)
            out.append(f'<g stroke="{KICKED}" stroke-width="2.5"><title>{escape(bar.name)}: kicked '
                       f"{_local(kick, '%H:%M:%S')}</title>"
                       f'<line x1="{kx - 5:.1f}" y1="{middle - 5:.1f}" x2="{kx + 5:.1f}" y2="{middle + 5:.1f}"/>'
                       f'<line x1="{kx - 5:.1f}" y1="{middle + 5:.1f}" x2="{kx + 5:.1f}" y2="{middle - 5:.1f}"/>'
                       "</g>")
    legend = bottom + 24
    out += [
        f'<rect x="{LABEL_WIDTH}" y="{legend - 10}" width="24" height="10" fill="{PRESENT}"/>',
        f'<text x="{LABEL_WIDTH + 30}" y="{legend}" fill="{TEXT}">in the room</text>',
        f'<rect x="{LABEL_WIDTH + 130}" y="{legend - 10}" width="24" height="10" fill="{MUTED}"/>',
        f'<text x="{LABEL_WIDTH + 160}" y="{legend}" fill="{TEXT}">muted</text>',
        f'<g stroke="{KICKED}" stroke-width="2.5"><line x1="{LABEL_WIDTH + 232}" y1="{legend - 10}" '
        f'x2="{LABEL_WIDTH + 242}" y2="{legend}"/><line x1="{LABEL_WIDTH + 232}" y1="{legend}" '
        f'x2="{LABEL_WIDTH + 242}" y2="{legend - 10}"/></g>',
        f'<text x="{LABEL_WIDTH + 250}" y="{legend}" fill="{TEXT}">kicked</text>',
        "</svg>",
    ]
    return ("\n".join(out) + "\n").encode("utf-8")


def _ticks(start: datetime, end: datetime) -> list[datetime]:
    """Round times across the chart (local clock): every 10 s up to every day, at most 8 of them."""
    seconds = (end - start).total_seconds()
    step = next((step for step in _STEPS if seconds / step.total_seconds() <= 8), _STEPS[-1])
    local = start.astimezone() if start.tzinfo is not None else start
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    tick = midnight + step * -(-(local - midnight) // step)  # the first round time at or after the start
    ticks: list[datetime] = []
    while tick <= end and len(ticks) < 20:
        ticks.append(tick)
        tick += step
    return ticks


def _local(moment: datetime, fmt: str) -> str:
    return (moment.astimezone() if moment.tzinfo is not None else moment).strftime(fmt)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

