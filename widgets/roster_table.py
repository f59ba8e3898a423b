"""A DataTable that reconciles fast: many cell updates become one refresh, many removals one renumbering.

`BatchedTable` is the base of the roster; it knows nothing about participants.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from rich.style import Style
from rich.text import Text
from textual._two_way_dict import TwoWayDict
from textual._types import SegmentLines
from textual.cache import LRUCache
from textual.coordinate import Coordinate
from textual.geometry import Region
from textual.widgets import DataTable
from textual.widgets.data_table import CellKey, ColumnKey, RowKey

__all__ = ["BatchedTable", "batched"]

_Table = TypeVar("_Table", bound="BatchedTable")
_P = ParamSpec("_P")
_R = TypeVar("_R")


def batched(method: Callable[Concatenate[_Table, _P], _R]) -> Callable[Concatenate[_Table, _P], _R]:
    """Run a table method with refreshes deferred to one at the end."""

    @wraps(method)
    def run_batched(self: _Table, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with self._batch():
            return method(self, *args, **kwargs)

    return run_batched


LINES_KEPT = 256
"""Rendered rows and lines a table keeps: a screen's worth for a terminal up to 256 lines tall."""
CELLS_KEPT = 2_560
"""Rendered cells a table keeps: those lines' worth for ten columns."""
CELLS_REPAINTED_ALONE = 64
"""Up to this many changed cells (and nothing else) repaint only their own regions; more repaint the table."""


class BatchedTable(DataTable[str | Text]):
    """A DataTable whose `@batched` methods refresh once, with a one-pass `_remove_rows` and a sticky cursor."""

    _batching = False
    _batched_layout = False
    _batched_refresh = False
    _batched_whole = False  # something other than a cell's value changed: the whole table repaints
    _cell_updating = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # DataTable's own parameters
        # (before DataTable's __init__: its watchers clear the caches)
        self._cells_by_value: LRUCache[tuple[object, ...], tuple[object, SegmentLines]] = LRUCache(CELLS_KEPT)
        self._changed_cells: set[tuple[RowKey | str, ColumnKey | str]] = set()
        super().__init__(*args, **kwargs)
        # DataTable keeps 10,000 rendered cells and 1,000 rows and lines, but every cell update (a roster's
        # ticking durations: every second) changes their keys, so only what is on screen is ever read again.
        # Filled with dead renders, they held ~160k small objects that every full garbage collection walked
        # (100-200 ms pauses of the UI loop in a churning room of 1,000) and grew memory for minutes.
        self._cell_render_cache.maxsize = CELLS_KEPT
        for cache in (self._row_render_cache, self._row_renderable_cache, self._line_cache):
            cache.maxsize = LINES_KEPT

    def _clear_caches(self) -> None:  # a table cleared, or a change of header, stripes, padding...
        super()._clear_caches()
        self._cells_by_value.clear()

    def notify_style_update(self) -> None:  # a theme or CSS change: the cells' styles are not in the key
        super().notify_style_update()
        self._cells_by_value.clear()

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int, cursor: bool = False,
                     hover: bool = False) -> SegmentLines:
        """A cell drawn before with the same value, place and look is not drawn again.

        DataTable keys its rendered cells by its update count, which every `update_cell` moves: one ticking
        duration re-rendered every visible cell of the table (a repaint of a 40-line roster cost ~50 ms, more
        than 100 ms on a loaded machine). The value itself is in this key instead (by identity: the roster puts a
        new object in a cell whenever its text or look changes), with everything else the drawing depends on.
        """
        if row_index < 0 or column_index < 0:  # the header and row labels: DataTable's own cache
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        row = None if row_key is None else self.rows.get(row_key)
        if row_key is None or row is None or column_key is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        value = self._data.get(row_key, {}).get(column_key)
        key = (row_key, column_key, row_index, column_index, width, row.height, base_style, cursor, hover,
               self._show_hover_cursor, self.show_cursor, self.cell_padding, self._pseudo_class_state)
        known = self._cells_by_value.get(key)
        if known is not None and known[0] is value:
            return known[1]
        lines = super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        self._cells_by_value[key] = (value, lines)
        return lines

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> BatchedTable:
        """While reconciling, many cell updates become one refresh (each costs ~25 µs of dirty-region work), and
        none when nothing asked for one."""
        if self._batching and not recompose:
            self._batched_layout |= layout
            self._batched_refresh = True
            if not self._cell_updating or regions or layout:
                self._batched_whole = True
            return self
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def update_cell(self, row_key: RowKey | str, column_key: ColumnKey | str, value: str | Text, *,
                    update_width: bool = False) -> None:
        """In a batch, a cell whose width stays is remembered to repaint alone (see `_batch`)."""
        self._cell_updating = self._batching and not update_width
        try:
            super().update_cell(row_key, column_key, value, update_width=update_width)
        finally:
            self._cell_updating = False
        if self._batching and not update_width:
            self._changed_cells.add((row_key, column_key))

    @contextmanager
    def _batch(self) -> Iterator[None]:
        if self._batching:
            yield
            return
        self._batching, self._batched_layout, self._batched_refresh = True, False, False
        self._batched_whole, self._changed_cells = False, set()
        try:
            yield
        finally:
            self._batching = False
            # A poll or tick that changed no cell repaints nothing: a full repaint of the table is the costly
            # part of the console's second (compositor and cell rendering), not the reconciling. A tick that
            # changed only durations repaints only those cells: a quiet room's whole table (header, every row
            # and the empty lines below) drawn again each second was most of an idle console's CPU.
            cells, self._changed_cells = self._changed_cells, set()
            if not self._batched_refresh:
                pass
            elif self._batched_whole or len(cells) > CELLS_REPAINTED_ALONE:
                super().refresh(layout=self._batched_layout)
            else:
                for row_key, column_key in cells:
                    self._refresh_cell_of(row_key, column_key)

    def _refresh_cell_of(self, row_key: RowKey | str, column_key: ColumnKey | str) -> None:
        try:
            coordinate = Coordinate(self.get_row_index(row_key), self.get_column_index(column_key))
        except (KeyError, LookupError):  # removed since: its row's removal repainted the table already
            return
        self._refresh_region(self._get_cell_region(coordinate))

    def _remove_rows(self, keys: list[str]) -> None:
        """Remove rows, renumbering the others once.

        `DataTable.remove_row` renumbers every row below the removed one, so removing k of n rows one by one
        costs O(k·n) (50 leavers of 5,000: ~25 ms). This does what it does for all k in one O(n) pass, on the
        same DataTable internals (textual is pinned < 9; tests/widgets compares the result with remove_row).
        """
        if len(keys) < 4:
            for key in keys:
                self.remove_row(key)
            return
        doomed = {RowKey(key) for key in keys}
        locations = self._row_locations
        survivors = [key for key in map(locations.get_key, range(self.row_count))
                     if key is not None and key not in doomed]
        self._row_locations = TwoWayDict({key: index for index, key in enumerate(survivors)})
        for row_key in doomed:
            del self.rows[row_key]
            for column_key in self._data.pop(row_key):
                self._updated_cells.discard(CellKey(row_key, column_key))
        self._require_update_dimensions = True
        self.cursor_coordinate = self.cursor_coordinate
        self.hover_coordinate = self.hover_coordinate
        self._update_count += 1
        self.check_idle()
        self.refresh(layout=True)

    def _keep_cursor_on(self, key: str | None) -> None:
        # The DataTable cursor is a row position; put it back on the same row key after rows moved.
        if key is not None and key in self.rows:
            index = self.get_row_index(key)
            if index != self.cursor_row:
                self.move_cursor(row=index, animate=False)
