"""The Recordings screen's delete key (x): confirm naming the recordings, delete them a few at a time, say how
it went, and take the deleted ones off the list.

`DeleteActions` is a part of `RecordingsScreen` (a mixin, as `recording_downloads` is): the binding stays on the
screen. One delete runs at a time: a second `x` never cancels a DELETE under way, whose outcome would then be
unknown. A read-only profile is refused in words (and audited) by `console.recordings.delete_recordings`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from api.models import Recording
from console.recordings.deletes import delete_recordings, plural, summarize
from console.screens.recording_dialogs import DeleteRecordingsScreen

if TYPE_CHECKING:
    from textual.screen import Screen

    from console.recordings.listing import Listing
    from console.session import Session

    _Base = Screen[None]  # for the type checker the mixin is a Screen; at run time a plain class
else:
    _Base = object


class DeleteActions(_Base):
    """`x` on the Recordings screen. Expects the screen's `session`, `listing`, `deleting`, `selected_key()`,
    `refresh_rows()`, `load()` and `status()`."""

    session: Session
    listing: Listing
    deleting: bool

    if TYPE_CHECKING:
        def selected_key(self) -> str | None: ...
        def status(self, text: str, *, error: bool = False) -> None: ...
        def refresh_rows(self) -> None: ...
        def load(self, page: int | None = None, *, quiet: bool = False) -> None: ...

    def action_delete(self) -> None:
        """One delete at a time: a second `x` while one is asked or sent says so, and cancels nothing (a DELETE
        cut off mid-way has an unknown outcome)."""
        if self.deleting:
            self.status("A delete is already under way: wait for it to finish.", error=True)
            return
        targets = self.listing.targets(self.selected_key())
        if not targets:
            self.status("Nothing to delete: no recording selected.", error=True)
            return
        self.deleting = True
        self._delete(targets)

    @work(group="recordings-delete", exit_on_error=False)
    async def _delete(self, recordings: list[Recording]) -> None:
        try:
            await self._delete_flow(recordings)
        except Exception as error:  # delete_recordings words its own failures; this is a last guard
            self.status(f"Unexpected error: {type(error).__name__}: {error}", error=True)
        finally:
            self.deleting = False

    async def _delete_flow(self, recordings: list[Recording]) -> None:
        refused = self.session.gateway.refusal("delete_recording")
        if refused is None:  # a refused delete asks nothing: the gateway refuses (and audits) each at once
            keys = [r.key for r in recordings]
            if not await self.app.push_screen_wait(DeleteRecordingsScreen(keys, off_page=self.listing.off_page(keys))):
                self.status("Nothing deleted.")
                return
            self.status(f"Deleting {plural(len(recordings))}…")
        outcomes = await delete_recordings(self.session.gateway, recordings)
        gone = {o.key for o in outcomes if o.gone}
        self.listing.remove(gone)
        self.refresh_rows()
        text, ok = (refused, False) if refused is not None else summarize(outcomes)
        self.status(text, error=not ok)
        self.notify(text, severity="information" if ok else "error", timeout=4 if ok else 8, markup=False)
        if gone:
            self.load(quiet=True)  # the next page's first recordings move up into the gap
