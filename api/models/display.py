"""How the models people look at render: compact HTML tables in a notebook (`_repr_html_`), aligned text elsewhere.

One table helper serves every model. A model opts in by mixing in `Displayable` and naming its columns
(`display_columns`: header, dotted attribute path, optional formatter); a list of such models is a
`DisplayList` subclass naming its item type. A single model renders as a two-column field/value table, a list
as one row per item. A cli or a custom field may hold anything: every cell goes through `printable` (no
terminal escape or control character survives) and, in HTML, `html.escape`.

`printable` is the one sanitiser for text that came from the platform or a callback, wherever it is printed or
shown: CLI tables, notebook tables, the Textual screens (through widgets.printable_filter).

Only the standard library here: the model modules import this one, never the other way round.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, ClassVar, TypeVar

# (header, dotted attribute path) or (header, dotted attribute path, formatter name)
Column = tuple[str, str] | tuple[str, str, str]
Columns = tuple[Column, ...]

T = TypeVar("T")

# Terminal escape sequences, removed whole so their payload (a window title, a hyperlink target) is not shown
# either: CSI (ESC [ ... final), OSC/DCS/SOS/PM/APC strings ended by BEL or ST, and two-character ESC forms;
# the same with 8-bit C1 introducers. An unterminated string loses only its introducer.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -/]*[0-~]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
)
# What is left of them and every other character a terminal acts on instead of showing: C0 controls, DEL, C1
# controls, the bidirectional overrides and isolates that make text read differently from what it is, and the
# Unicode line separators (they break a table's rows as a newline would).
UNSAFE_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_SPACING = frozenset("\t\n\r\x0b\x0c\x85\u2028\u2029")  # these become a space: they separated words


def printable(text: Any, *, lines: bool = False) -> str:
    """`text` safe to print or show: escape sequences and control characters (C0, DEL, C1, bidi overrides)
    removed, tabs and line breaks turned into spaces; with `lines`, newlines are kept (for a whole multi-line
    output such as a table). None is ""; anything else is str()-ed first."""
    if text is None:
        return ""
    value = text if isinstance(text, str) else str(text)
    if not UNSAFE_CHARACTERS.search(value):
        return value  # the common case: nothing to do
    value = _ESCAPE_SEQUENCE.sub("", value)
    if lines:
        value = value.replace("\r\n", "\n")

    def replace(match: re.Match[str]) -> str:
        found = match.group()
        if lines and found == "\n":
            return found
        return " " if found in _SPACING else ""

    return UNSAFE_CHARACTERS.sub(replace, value)


def human_bytes(size: Any) -> str:
    """1536 -> "1.5 KiB"; anything that is not a whole number is shown as it is."""
    try:
        amount = float(int(size))
    except (TypeError, ValueError):
        return "" if size is None else str(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if amount < 1024 or unit == "GiB":
            return f"{int(amount)} B" if unit == "B" else f"{amount:.1f} {unit}"
        amount /= 1024
    return str(size)  # pragma: no cover - the loop always returns


def clock(seconds: Any) -> str:
    """The one duration format of every surface: 172 -> "2:52", 3725 -> "1:02:05"; a negative duration (clock
    skew between us and the platform) is "0:00"."""
    if not isinstance(seconds, int | float) or isinstance(seconds, bool):
        return "" if seconds is None else str(seconds)
    minutes, secs = divmod(max(0, int(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def moment(at: datetime | None, now: datetime, *, relative: bool = False) -> str:
    """The one format of a point in time on the console's screens (Calls, Log, Events), in local time:
    "14:03:07" today, "Nov 30 14:03" another day of the year, "2025-11-30 14:03" before; with `relative`,
    how long ago follows in brackets ("14:03:07 (3 min ago)"). None (not happened yet) is "not yet"."""
    if at is None:
        return "not yet"
    local, today = at.astimezone(), now.astimezone()
    if local.date() == today.date():
        text = local.strftime("%H:%M:%S")
    elif local.year == today.year:
        text = local.strftime("%b %d %H:%M")
    else:
        text = local.strftime("%Y-%m-%d %H:%M")
    return f"{text} ({ago(at, now)})" if relative else text


def ago(at: datetime, now: datetime) -> str:
    """How long before `now` (or after it): "just now", "42 s ago", "3 min ago", "2 h ago", "5 days ago",
    "in 3 min"."""
    seconds = (now - at).total_seconds()
    later, seconds = seconds < 0, abs(seconds)
    if seconds < 1:
        return "just now"
    for size, unit in ((86400, " days"), (3600, " h"), (60, " min"), (1, " s")):
        if seconds >= size:
            count = int(seconds // size)
            span = f"{count}{' day' if unit == ' days' and count == 1 else unit}"
            return f"in {span}" if later else f"{span} ago"
    return "just now"  # pragma: no cover - the loop always returns


FORMATTERS: dict[str, Callable[[Any], str]] = {"bytes": human_bytes, "clock": clock}


def cell_text(value: Any) -> str:
    """The text of one cell: empty for None, yes/no for booleans, UTC times to the second, anything else
    `printable`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds").replace("+00:00", "Z")
    return printable(value)


def value_at(item: Any, path: str) -> Any:
    """`item.a.b` for path "a.b"; None as soon as a step is missing."""
    for part in path.split("."):
        if item is None:
            return None
        item = getattr(item, part, None)
    return item


def column_cell(item: Any, column: Column) -> str:
    value = value_at(item, column[1])
    return printable(FORMATTERS[column[2]](value)) if len(column) == 3 else cell_text(value)


def html_table(headers: Sequence[str] | None, rows: Iterable[Sequence[str]], caption: str | None = None) -> str:
    """A compact HTML table. With `headers` None the first cell of each row is a row header (field: value)."""

    def esc(text: str) -> str:
        return html.escape(printable(text))

    parts = ['<table class="sinch-table" style="border-collapse:collapse;font-size:90%">']
    if caption:
        parts.append(f'<caption style="text-align:left">{esc(caption)}</caption>')
    if headers is not None:
        parts.append("<thead><tr>" + "".join(f'<th style="text-align:left">{esc(h)}</th>' for h in headers)
                     + "</tr></thead>")
    parts.append("<tbody>")
    for row in rows:
        if headers is None:
            head, *rest = row
            cells = f'<th style="text-align:left">{esc(head)}</th>' + "".join(f"<td>{esc(c)}</td>" for c in rest)
        else:
            cells = "".join(f"<td>{esc(c)}</td>" for c in row)
        parts.append(f"<tr>{cells}</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def text_table(headers: Sequence[str] | None, rows: Iterable[Sequence[str]], caption: str | None = None) -> str:
    """The same table as aligned plain text (a title line, a header line, a rule, one line per row)."""
    body = [[printable(cell) for cell in row] for row in rows]
    lines = [printable(caption)] if caption else []
    if headers is None:
        width = max((len(row[0]) for row in body), default=0)
        lines += [f"{row[0] + ':':<{width + 1}} {' '.join(row[1:])}".rstrip() for row in body]
        return "\n".join(lines)
    widths = [max([len(h), *(len(row[i]) for row in body)]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(f"{c:<{w}}" for c, w in zip(cells, widths, strict=True)).rstrip()

    lines += [line(headers), line(["-" * w for w in widths])]
    lines += [line(row) for row in body] if body else ["(none)"]
    return "\n".join(lines)


class Displayable:
    """Mixin for a model shown to people. Subclasses set `display_columns` (and may override `_display`)."""

    display_columns: ClassVar[Columns] = ()

    def _display(self) -> tuple[Sequence[str] | None, list[list[str]], str | None]:
        """(headers, rows, caption); by default one field: value row per column."""
        rows = [[column[0], column_cell(self, column)] for column in self.display_columns]
        return None, rows, type(self).__name__

    def _repr_html_(self) -> str:
        return html_table(*self._display())

    def __str__(self) -> str:
        return text_table(*self._display())


class DisplayList(list[T]):
    """A plain list (equal to, and serialised like, any list) that renders its items as table rows."""

    item_type: ClassVar[type[Displayable]] = Displayable
    noun: ClassVar[str] = "item"

    def _display(self) -> tuple[Sequence[str] | None, list[list[str]], str | None]:
        columns = self.item_type.display_columns
        rows = [[column_cell(item, column) for column in columns] for item in self]
        caption = f"{len(self)} {self.noun}{'' if len(self) == 1 else 's'}"
        return [column[0] for column in columns], rows, caption

    def _repr_html_(self) -> str:
        return html_table(*self._display())

    def __str__(self) -> str:
        return text_table(*self._display())
