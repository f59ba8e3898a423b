"""A TextArea that repaints all its lines when a resize rewraps its text (a workaround for Textual 8).

When a layout changes a soft-wrapped TextArea's width (on the Callouts form: the form's scrollbar goes once the
text's message line shrinks), Textual draws the new layout at once, before the text area has handled its
`Resize`, so with the text still wrapped at the old width; each widget keeps the lines it drew. `Resize` then
rewraps (`TextArea._on_resize`), but nothing repaints: the kept lines stayed on screen, wrapped at the old width,
until the next full redraw (only the cursor's row was right). Seen after a burst typed or pasted into the TTS
text at 80x24; a test in tests/console/callouts/test_callouts_compositor.py, and it happens with Textual's own
compositor too.
"""

from __future__ import annotations

from textual.widgets import TextArea


class RewrapTextArea(TextArea):
    """`TextArea` that repaints whole after a resize, so no line drawn at its old wrap width stays on screen."""

    def on_resize(self) -> None:
        # Handlers run subclass first, in one go: TextArea._on_resize rewraps right after this, and the frame this
        # asks for is drawn after both (the lines kept from the earlier frame are dropped here, at once).
        if self.soft_wrap:
            self.refresh()
