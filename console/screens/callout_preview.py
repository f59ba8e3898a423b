"""The Callouts screen's preview: once the destination settles (typing paused), its cost and restriction.

`DestinationPreview` is the preview panel (`#preview`), a part `CalloutsScreen` composes: it owns the last
preview, the debounce timer and the look-up worker, and asks the screen, through `PreviewHost`, for the
destination of the visible form and to check the form again once a preview came (a restricted number blocks
Send). `settle()` waits `DEBOUNCE_SECONDS` after the last change, then one exclusive worker asks
`console.callouts.preview_number`; an app user or an empty destination has nothing to look up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from rich.text import Text
from textual import work
from textual.timer import Timer
from textual.widgets import Static

from console.callouts import DEBOUNCE_SECONDS, Endpoint, NumberPreview, preview_number

if TYPE_CHECKING:
    from console.session import Session

NOTHING_TYPED = "Preview: type a destination"


class PreviewHost(Protocol):
    """What the destination preview asks of the Callouts screen."""

    session: Session

    def destination(self) -> Endpoint | None: ...
    def revalidate(self) -> None: ...


def nothing_to_look_up(endpoint: Endpoint | None) -> str | None:
    """Why the panel shows no preview for `endpoint` (nothing typed, an app user), or None: a number to look up."""
    if endpoint is None:
        return NOTHING_TYPED
    if endpoint.type != "number":
        return "Preview: app users have no rate"
    return None


def preview_text(preview: NumberPreview) -> Text:
    """The panel's lines: label, value; a restricted number in bold red."""
    text = Text()
    for label, value in preview.lines():
        style = "bold red" if label == "Restricted" and preview.restricted else ""
        text.append(f"{label:<11}", style="bold")
        text.append(f"{value}\n", style=style)
    return text


class DestinationPreview(Static):
    """Look the settled destination up and show what calling it costs, or why it is refused."""

    def __init__(self, host: PreviewHost, *, id: str | None = None) -> None:
        super().__init__(Text(NOTHING_TYPED, style="dim"), id=id)
        self.host = host
        self.preview: NumberPreview | None = None
        """The last look-up's answer; None while there is none for the visible form."""
        self._debounce: Timer | None = None

    def forget(self) -> None:
        """Another form is shown: its destination is not the one looked up."""
        self.preview = None

    def settle(self) -> None:
        """The destination changed: look it up once it has stayed unchanged for DEBOUNCE_SECONDS."""
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE_SECONDS, self._look_up)

    def _look_up(self) -> None:
        endpoint = self.host.destination()
        words = nothing_to_look_up(endpoint)
        if words is not None or endpoint is None:
            self.preview = None
            self.update(Text(words or NOTHING_TYPED, style="dim"))
            self.host.revalidate()
            return
        if self.preview is not None and self.preview.number == endpoint.endpoint:
            return
        self.update(Text(f"Looking up {endpoint.endpoint}…", style="dim"))
        self.run_preview(endpoint.endpoint)

    @work(exclusive=True, group="preview", exit_on_error=False)
    async def run_preview(self, number: str) -> None:
        self.preview = await preview_number(self.host.session.backend.client, number)
        self.update(preview_text(self.preview))
        self.host.revalidate()
