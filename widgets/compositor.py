"""A Textual compositor that, for a partial update, renders only the rows the update shows.

Textual 8's `Compositor._get_renders(crop)` picks every widget whose *clip* (its container's visible region)
overlaps the updated area and renders the widget's whole visible region, though only the crop's rows are then
used. A key typed into a five-row text area on the Callouts form so re-rendered 16 widgets, ~190 lines (the
header, the footer, the side pane, every container up to the screen at full height); a bare TextArea app
re-renders 2. Here a widget is rendered only if its own visible part overlaps the crop, and only over the
crop's rows (at its full visible width, so the compositor's cuts line up as before), and not at all if the
widgets in front of it (its children, usually) cover all of that: the compositor keeps the front-most strip of
each cut, so nothing behind would show. A widget renders a few rows by the same path Textual uses for a
widget partly scrolled out of its container.

This overrides a private method: its signature and what `_render_chops` does with its output are those of
Textual 8 (pinned `>=8.2,<9`); `row_crop_compositor()` hands out Textual's own compositor under any other major
version. tests/console/callouts/test_callouts_compositor.py plays the partial updates onto a grid and compares
it with a full render by the stock compositor after edits, scrolling, an overlay, a toast and a dialog.
"""

from __future__ import annotations

from collections.abc import Iterable

import textual
from textual._compositor import Compositor
from textual.geometry import Region
from textual.strip import Strip


class RowCropCompositor(Compositor):
    """`Compositor` rendering, for an update, only the widgets and the rows the update shows."""

    def _get_renders(self, crop: Region | None = None) -> Iterable[tuple[Region, Region, list[Strip]]]:
        if not crop:
            yield from super()._get_renders(crop)
            return
        overlaps = crop.overlaps
        band = Region(0, crop.y, self.size.width, crop.height)  # the crop's rows, full width
        drawn: list[Region] = []  # what widgets in front drew whole, in these rows
        for widget, (region, clip) in self.visible_widgets.items():  # front to back
            if not overlaps(clip):
                continue  # as Textual's own: nothing of it in the crop
            # The clip cut to the crop's rows; what _render_chops draws is region ∩ (what we yield as clip).
            rows = clip.intersection(band)
            x, y, width, height = visible = region.intersection(rows)
            if not (width and height and overlaps(visible)):
                continue
            if drawn and _covered(visible, drawn):
                continue  # hidden behind widgets in front (a container behind its children): never shown
            strips = widget.render_lines(Region(x - region.x, y - region.y, width, height))
            yield region, rows, strips
            if len(strips) == height and all(strip.cell_length == width for strip in strips):
                drawn.append(visible)  # it fills every cell it covers, so nothing behind it shows there


def _covered(visible: Region, drawn: list[Region]) -> bool:
    """Whether regions spanning all of `visible`'s rows cover its columns (other overlaps are not counted)."""
    x, end = visible.x, visible.right
    spans = sorted((front.x, front.right) for front in drawn
                   if front.y <= visible.y and front.bottom >= visible.bottom and front.right > x and front.x < end)
    for left, right in spans:
        if left > x:
            return False  # a gap
        x = max(x, right)
        if x >= end:
            return True
    return False


def row_crop_compositor() -> Compositor:
    """A `RowCropCompositor` for a screen (`self._compositor = ...` after `Screen.__init__`), or Textual's own
    compositor if the installed Textual is not the major version it was written against."""
    return RowCropCompositor() if textual.__version__.split(".")[0] == "8" else Compositor()
