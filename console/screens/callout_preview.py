"""The Callouts screen's preview: once the destination settles (typing paused), its cost and restriction.

`DestinationPreview` is a part of `CalloutsScreen` (a mixin). A debounce timer waits `DEBOUNCE_SECONDS` after the
last change, then one exclusive worker asks `console.callouts.preview_number` and fills `#preview`; an app user
or an empty destination has nothing to look up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from console.callouts import DEBOUNCE_SECONDS, Checked, NumberPreview, preview_number
from console.session import Session

# For the type checker the mixin is a Screen; at run time it is a plain class, so `CalloutsScreen` stays one Screen.
if TYPE_CHECKING:
    _Base = Screen[None]
else:
    _Base = object


class DestinationPreview(_Base):
    """Look the settled destination up and show what calling it costs, or why it is refused."""

    session: Session
    kind: str
    checked: Checked | None
    preview: NumberPreview | None
    _debounce: Timer | None

    if TYPE_CHECKING:
        def revalidate(self) -> None: ...

    def _settle_destination(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE_SECONDS, self._look_up)

    def _look_up(self) -> None:
        endpoint = self.checked.endpoint if self.checked is not None and self.kind != "dialin" else None
        panel = self.query_one("#preview", Static)
        if endpoint is None or endpoint.type != "number":
            self.preview = None
            words = "Preview: app users have no rate" if endpoint else "Preview: type a destination"
            panel.update(Text(words, style="dim"))
            self.revalidate()
            return
        if self.preview is not None and self.preview.number == endpoint.endpoint:
            return
        panel.update(Text(f"Looking up {endpoint.endpoint}…", style="dim"))
        self.run_preview(endpoint.endpoint)

    @work(exclusive=True, group="preview", exit_on_error=False)
    async def run_preview(self, number: str) -> None:
        preview = await preview_number(self.session.backend.client, number)
        self.preview = preview
        text = Text()
        for label, value in preview.lines():
            style = "bold red" if label == "Restricted" and preview.restricted else ""
            text.append(f"{label:<11}", style="bold")
            text.append(f"{value}\n", style=style)
        self.query_one("#preview", Static).update(text)
        self.revalidate()
