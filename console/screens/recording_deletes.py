"""The Recordings screen's delete (x): confirm naming the recordings, delete them a few at a time, say how it went,
and take the deleted ones off the list.

`RecordingDeletes` is a collaborator the screen composes (a widget that shows nothing: it is one for its worker
and the app it reaches); it asks the screen, through `DeleteHost`, for the recordings, the status line and a
redraw. The key is bound on the screen, declared here as DELETE_KEY beside its action (Textual reads bindings
from the focused widget up), and the screen's `check_action` hides it on a read-only profile. One delete runs at
a time: a second `x` never cancels a DELETE under way, whose outcome would then be unknown. A read-only profile
reaching the action anyway is refused in words (and audited) by `console.recordings.delete_recordings`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from textual import work
from textual.binding import Binding
from textual.widget import Widget

from api.models import Recording
from console.recordings.deletes import delete_recordings, plural, summarize
from console.screens.recording_dialogs import DeleteRecordingsScreen

if TYPE_CHECKING:
    from console.recordings.listing import Listing
    from console.session import Session

DELETE_KEY = Binding("x", "delete", "Delete", id="recordings.delete")


class DeleteHost(Protocol):
    """What the delete asks of the Recordings screen."""

    session: Session
    listing: Listing

    def targets(self) -> list[Recording]: ...
    def status(self, text: str, *, error: bool = False) -> None: ...
    def refresh_rows(self) -> None: ...
    def load(self, page: int | None = None, *, quiet: bool = False) -> None: ...


class RecordingDeletes(Widget):
    """What `x` does on the Recordings screen."""

    DEFAULT_CSS = "RecordingDeletes { display: none; }"

    def __init__(self, host: DeleteHost, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.host = host
        self.deleting = False
        """True from the delete key until its worker ends (confirmation, sending, the page put right)."""

    def action_delete(self) -> None:
        """One delete at a time: a second `x` while one is asked or sent says so, and cancels nothing (a DELETE
        cut off mid-way has an unknown outcome)."""
        if self.deleting:
            self.host.status("A delete is already under way: wait for it to finish.", error=True)
            return
        targets = self.host.targets()
        if not targets:
            self.host.status("Nothing to delete: no recording selected.", error=True)
            return
        self.deleting = True
        self._delete(targets)

    @work(group="recordings-delete", exit_on_error=False)
    async def _delete(self, recordings: list[Recording]) -> None:
        try:
            await self._delete_flow(recordings)
        except Exception as error:  # delete_recordings words its own failures; this is a last guard
            self.host.status(f"Unexpected error: {type(error).__name__}: {error}", error=True)
        finally:
            self.deleting = False

    async def _delete_flow(self, recordings: list[Recording]) -> None:
        host = self.host
        refused = host.session.gateway.refusal("delete_recording")
        if refused is None:  # a refused delete asks nothing: the gateway refuses (and audits) each at once
            keys = [r.key for r in recordings]
            if not await self.app.push_screen_wait(DeleteRecordingsScreen(keys, off_page=host.listing.off_page(keys))):
                host.status("Nothing deleted.")
                return
            host.status(f"Deleting {plural(len(recordings))}…")
        outcomes = await delete_recordings(host.session.gateway, recordings)
        gone = {o.key for o in outcomes if o.gone}
        host.listing.remove(gone)
        host.refresh_rows()
        text, ok = (refused, False) if refused is not None else summarize(outcomes)
        host.status(text, error=not ok)
        self.notify(text, severity="information" if ok else "error", timeout=4 if ok else 8, markup=False)
        if gone:
            host.load(quiet=True)  # the next page's first recordings move up into the gap
