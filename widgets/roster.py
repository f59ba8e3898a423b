"""The conference roster: one row per participant, keyed by callId.

Reconciles each poll by key instead of rebuilding the table, so only changed cells repaint and the cursor
stays on the same person whoever joins or leaves above them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import phonenumbers
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from api.models import Participant

COLUMNS: tuple[tuple[str, str], ...] = (
    ("who", "Participant"),
    ("call", "Call"),
    ("time", "In call"),
    ("muted", "Muted"),
    ("hold", "On hold"),
)


def format_number(cli: str) -> str:
    """`+46708168731` -> `+46 70 816 87 31`; anything that is not a number is shown as given."""
    try:
        parsed = phonenumbers.parse(cli if cli.startswith("+") else "+" + cli, None)
    except phonenumbers.NumberParseException:
        return cli
    if not phonenumbers.is_possible_number(parsed):
        return cli
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def format_duration(seconds: int) -> str:
    minutes, secs = divmod(max(0, seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def short_call_id(call_id: str) -> str:
    return call_id if len(call_id) <= 10 else call_id[:8] + "…"


class Roster(DataTable[str | Text]):
    """Participants of one conference. Give it models with `show()`; it never fetches."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="roster.down"),
        Binding("k", "cursor_up", "Up", show=False, id="roster.up"),
    ]

    class Changed(Message):
        """Posted after reconciling: how many joined and left in this update."""

        def __init__(self, roster: Roster, joined: list[str], left: list[str]) -> None:
            self.roster = roster
            self.joined = joined
            self.left = left
            super().__init__()

        @property
        def control(self) -> Roster:
            return self.roster

    def __init__(self, *, names: Mapping[str, str] | None = None, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._names = dict(names or {})
        self._rows: dict[str, tuple[str, ...]] = {}

    def on_mount(self) -> None:
        for key, label in COLUMNS:
            self.add_column(label, key=key)

    def _cells(self, participant: Participant) -> tuple[str, ...]:
        who = self._names.get(participant.cli) or format_number(participant.cli)
        return (
            who,
            short_call_id(participant.call_id),
            format_duration(participant.duration),
            "muted" if participant.muted else "",
            "on hold" if participant.on_hold else "",
        )

    @staticmethod
    def _styled(column: str, value: str) -> str | Text:
        if column == "muted" and value:
            return Text(value, style="bold dark_orange")
        return value

    def show(self, participants: Iterable[Participant]) -> None:
        """Reconcile the table with the latest participants, keeping the cursor on the same callId."""
        current_key = self.selected_call_id
        incoming = {p.call_id: self._cells(p) for p in participants}
        left = [key for key in self._rows if key not in incoming]
        for key in left:
            self.remove_row(key)
            del self._rows[key]
        joined: list[str] = []
        for key, cells in incoming.items():
            old = self._rows.get(key)
            if old is None:
                self.add_row(*(self._styled(c, v) for (c, _), v in zip(COLUMNS, cells, strict=True)), key=key)
                joined.append(key)
            else:
                for (column, _), before, after in zip(COLUMNS, old, cells, strict=True):
                    if before != after:
                        self.update_cell(key, column, self._styled(column, after), update_width=True)
            self._rows[key] = cells
        if current_key in self._rows:
            self.move_cursor(row=self.get_row_index(current_key), animate=False)
        if joined or left:
            self.post_message(self.Changed(self, joined, left))

    @property
    def selected_call_id(self) -> str | None:
        if not self._rows or self.cursor_row < 0 or self.cursor_row >= self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
