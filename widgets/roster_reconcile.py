"""The roster's rows kept by callId: how a participant's row is added, changed, greyed, removed and filtered.

`ReconcilingRoster` is the base of `widgets.roster.Roster`: it holds one `Entry` per participant (the last
model, its cells, its look) and the timers of a row's look (a joiner highlighted, a leaver lingering), and turns
each step of a reconcile into the fewest table changes (only the cells whose text changed; a whole row only when
its look changed; many removals in one pass). What the screen calls (`show`, `apply`, `tick`), the keys and the
messages are the widget's own, in roster.py: Textual names the handlers of its messages after that class.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from rich.cells import cell_len

from api.models import Participant
from widgets.people import AddressBookInput, normalise_address_book
from widgets.roster_rows import COLUMNS, Entry, filter_digits, row_cells, styled_cell, styled_row
from widgets.roster_table import BatchedTable, batched

__all__ = ["ReconcilingRoster"]


class ReconcilingRoster(BatchedTable):
    """Rows keyed by callId, reconciled one step at a time; knows no keys and posts no messages."""

    def __init__(self, *, address_book: AddressBookInput | None, linger: float, highlight_for: float,
                 **table: Any) -> None:  # DataTable's own: name, id, classes, disabled
        super().__init__(cursor_type="row", zebra_stripes=True, **table)
        self.linger = linger
        """Seconds a leaver stays greyed before its row is removed."""
        self.highlight_for = highlight_for
        """Seconds a joiner stays highlighted."""
        self._contacts = normalise_address_book(address_book)
        self._entries: dict[str, Entry] = {}  # every known participant, in the order first seen
        self._fresh: dict[str, datetime] = {}  # joiners still highlighted -> until when
        self._leaving: dict[str, datetime] = {}  # leavers still shown -> when they left
        self._hands: set[str] = set()
        self._present: set[str] = set()  # callIds in the last poll
        self._filter = ""
        self._filter_digits = ""
        # A tick before `_quiet_until` with the same rows in view (`_quiet_window`) would change nothing: the
        # roster's tick skips it. Anything that changes a row, its timers or what is in view wakes it.
        self._quiet_until: datetime | None = None
        self._quiet_window: tuple[int, int, int] = (0, 0, 0)

    def _ensure_columns(self) -> None:
        """Add the columns once. Called on mount and before drawing: the rooms service may have an answer to
        show before this widget's own mount handler ran."""
        if not self.columns:
            for key, label, width in COLUMNS:
                self.add_column(label, key=key, width=width)

    # -- the filter -----------------------------------------------------------------------------------------

    @batched
    def set_filter(self, text: str) -> None:
        """Show only rows whose name, number (any format: "0708" finds "+46 70 8...") or callId contains `text`."""
        text = text.strip()
        self._filter = text.casefold()
        self._filter_digits = filter_digits(text)
        self._rebuild()

    @property
    def filter_text(self) -> str:
        """The active filter, casefolded; empty when every row is shown."""
        return self._filter

    def _matches(self, entry: Entry) -> bool:
        return entry.matches(self._filter, self._filter_digits)

    def _rebuild(self) -> None:
        """Redraw every row that passes the filter, in the order first seen (filter changes only)."""
        self._wake_tick()
        selected = self.selected_call_id
        super().clear()
        for call_id, entry in self._entries.items():
            if self._matches(entry):
                self.add_row(*styled_row(entry.cells, entry.look), key=call_id)
        self._keep_cursor_on(selected)

    @property
    def selected_call_id(self) -> str | None:
        """The callId under the cursor, or None when the table is empty."""
        if not self.row_count or not 0 <= self.cursor_row < self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    # -- one row at a time ----------------------------------------------------------------------------------

    def _forget_rows(self, columns: bool = False) -> None:
        self._wake_tick()
        self._entries.clear()
        self._fresh.clear()
        self._leaving.clear()
        self._present = set()
        super().clear(columns)

    def _add(self, participant: Participant, joined_at: datetime, now: datetime, *, highlight: bool) -> None:
        self._wake_tick()
        call_id = participant.call_id
        entry = Entry(participant, joined_at, now, participant.duration)
        self._entries[call_id] = entry
        self._identify(entry)
        if highlight:  # a joiner; a room drawn whole shows who is already there, not who just came
            entry.look = "new"
            self._fresh[call_id] = now + timedelta(seconds=self.highlight_for)
        entry.cells = self._cells(call_id, entry)
        if self._matches(entry):
            self.add_row(*styled_row(entry.cells, entry.look), key=call_id)

    def _revive(self, call_id: str, entry: Entry, participant: Participant, now: datetime) -> None:
        """Back before their greyed row was removed: the row is theirs again."""
        self._wake_tick()
        entry.participant, entry.polled_at, entry.seconds = participant, now, participant.duration
        entry.left_at = None
        del self._leaving[call_id]
        entry.look = "new" if call_id in self._fresh else ""
        self._identify(entry)
        self._update(call_id, entry, restyle=True)

    def _mark_left(self, call_id: str, entry: Entry, now: datetime) -> None:
        self._wake_tick()
        entry.left_at = self._leaving[call_id] = now
        entry.look = "left"
        self._fresh.pop(call_id, None)
        self._update(call_id, entry, restyle=True)

    def _identify(self, entry: Entry) -> None:
        entry.identify(self._contacts)

    def _cells(self, call_id: str, entry: Entry) -> list[str]:
        return row_cells(call_id, entry, call_id in self._hands)

    def _update(self, call_id: str, entry: Entry, *, restyle: bool = False) -> None:
        """Touch only the cells whose text changed (every cell when the row's look changed)."""
        self._wake_tick()  # its poll time and seconds may have moved
        cells = self._cells(call_id, entry)
        before = entry.cells
        entry.cells = cells
        if call_id not in self.rows:  # filtered out: the next rebuild draws it
            return
        for index, (key, _, width) in enumerate(COLUMNS):
            value = cells[index]
            if restyle or value != before[index]:
                # Only a wider value needs the column re-measured; a narrower one re-measures the whole column.
                grow = width is None and cell_len(value) > cell_len(before[index])
                self.update_cell(call_id, key, styled_cell(index, value, entry.look), update_width=grow)

    def _expire(self, now: datetime) -> None:
        """Highlights that ran out go; leavers who lingered long enough are removed, in one pass."""
        for call_id, until in list(self._fresh.items()):
            if now >= until:
                del self._fresh[call_id]
                entry = self._entries[call_id]
                entry.look = ""
                self._update(call_id, entry, restyle=True)
        linger = timedelta(seconds=self.linger)
        gone = [call_id for call_id, left_at in self._leaving.items() if now - left_at >= linger]
        if not gone:
            return
        self._wake_tick()  # rows below them move up, maybe into view
        selected = self.selected_call_id
        for call_id in gone:
            del self._leaving[call_id]
            del self._entries[call_id]
            self._hands.discard(call_id)
        self._remove_rows([call_id for call_id in gone if call_id in self.rows])
        self._keep_cursor_on(selected)

    def _wake_tick(self) -> None:
        """Something a tick works from changed: the next tick does its work whatever the time."""
        self._quiet_until = None

    def _window(self) -> tuple[int, int, int]:
        """What decides which rows are in view: the first line shown, how many lines and how many rows."""
        return int(self.scroll_y), self.scrollable_content_region.height, self.row_count

    def _visible_keys(self) -> set[str] | None:
        """callIds of the rows in the visible window (None before layout: then every row counts as visible)."""
        height = self.scrollable_content_region.height
        if not height:
            return None
        first = int(self.scroll_y)
        keys = (self._row_locations.get_key(index) for index in range(first, first + height + 1))
        return {key.value for key in keys if key is not None and key.value is not None}
