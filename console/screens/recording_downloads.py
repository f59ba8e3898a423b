"""The Recordings screen's downloads: the panel of progress bars and the keys that fill it (d, c/escape, f).

`RecordingDownloads` is the panel with the download actions: `RecordingsScreen` composes it and hands it the keys;
it asks the screen only for the recordings to fetch and for the status line. A download runs in a worker that first
asks about taken file names (through `ExistingFileScreen`, one question at a time), then lets
`console.recordings.Downloader` fetch the files, a few at once; each step redraws its row and the overall bar.
Downloads only read, so a read-only profile may run them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import ProgressBar, Static

from api.models import Recording
from console.recordings.deletes import plural
from console.recordings.downloads import ConflictAnswer, Download, Downloader, State, overall
from console.recordings.listing import human_size
from console.recordings.wording import describe_disk_error, shown_path
from console.screens.dialogs import PromptScreen
from console.screens.recording_dialogs import ExistingFileScreen
from console.session import Session

# The keys whose actions `RecordingDownloads` holds. The screen binds them (in its footer's order, ids as in the
# README's keymap) because Textual looks for bindings only from the focused widget up, and nothing is focused
# while the table is hidden (no recordings yet), when f and c must still answer.
DOWNLOAD_KEY = Binding("d", "download", "Download", id="recordings.download")
FOLDER_KEY = Binding("f", "folder", "Folder", show=False, id="recordings.folder")
CANCEL_KEY = Binding("c,escape", "cancel_downloads", "Cancel downloads", show=False, id="recordings.cancel")

STATE_STYLE = {State.DONE: "green", State.FAILED: "red", State.CANCELLED: "yellow", State.SKIPPED: "yellow"}


class DownloadRow(Horizontal):
    """One file: its name, a bar, and how it is going (or where it landed, or why it failed)."""

    def __init__(self, download: Download) -> None:
        super().__init__(classes="download-row")
        self.download = download

    def compose(self) -> ComposeResult:
        yield Static(Text(self.download.key, overflow="ellipsis", no_wrap=True), classes="download-name")
        yield ProgressBar(total=self.download.total, show_eta=False, show_percentage=False, classes="download-bar")
        yield Static("", classes="download-note")

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        download = self.download
        bar = self.query_one(ProgressBar)
        fraction = download.fraction
        if fraction is None:
            bar.update(total=None, progress=download.done)
        else:
            bar.update(total=100, progress=round(100 * fraction, 1))
        note = Text(download.describe(), style=STATE_STYLE.get(download.state, ""), overflow="ellipsis",
                    no_wrap=True)
        self.query_one(".download-note", Static).update(note)


class DownloadsPanel(Vertical):
    """Every download of this session's current round: one overall bar, then a bar per file.

    Progress arrives per chunk (64 KiB: hundreds a second on a fast link), so it is drawn at most every
    INTERVAL seconds of the loop's clock, the last of it by a timer once the chunks pause. A change of state
    (started, saved, skipped, failed, cancelled) is drawn at once."""

    INTERVAL = 0.1
    DEFAULT_CSS = """
    DownloadsPanel { height: auto; max-height: 9; border-top: solid $primary; padding: 0 1; }
    DownloadsPanel #downloads-title { height: 1; }
    DownloadsPanel #download-rows { height: auto; max-height: 6; }
    DownloadsPanel .download-row, DownloadsPanel #downloads-all { height: 1; }
    DownloadsPanel .download-name { width: 48; text-wrap: nowrap; text-overflow: ellipsis; }
    DownloadsPanel .download-bar { width: 32; }
    DownloadsPanel .download-note { width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: dict[Download, DownloadRow] = {}
        self._downloads: list[Download] = []
        self._dirty: set[Download] = set()
        self._drawn: dict[Download, State] = {}
        self._last = float("-inf")
        self._timer: Timer | None = None
        self.draws = 0
        """Times the panel was drawn (rows and totals): what the throttle saves shows here."""

    @property
    def pending(self) -> bool:
        """Progress is waiting for the next draw."""
        return bool(self._dirty)

    def clock(self) -> float:
        return asyncio.get_running_loop().time()

    def compose(self) -> ComposeResult:
        yield Static("", id="downloads-title")
        with Horizontal(id="downloads-all"):
            yield Static("All files", classes="download-name")
            yield ProgressBar(total=1, show_eta=False, show_percentage=False, id="downloads-overall",
                              classes="download-bar")
            yield Static("", id="downloads-overall-note", classes="download-note")
        yield VerticalScroll(id="download-rows")

    def show(self, downloads: list[Download]) -> None:
        """Rows for `downloads` (new ones mounted, gone ones removed), then the totals."""
        rows = self.query_one("#download-rows", VerticalScroll)
        wanted = set(downloads)
        for download in [d for d in self._rows if d not in wanted]:
            self._rows.pop(download).remove()
            self._drawn.pop(download, None)
            self._dirty.discard(download)
        new = [DownloadRow(d) for d in downloads if d not in self._rows]
        self._rows.update((row.download, row) for row in new)
        if new:
            rows.mount_all(new)
        self._downloads = downloads
        self.display = bool(downloads)
        self.totals(downloads)

    def changed(self, download: Download, downloads: list[Download]) -> None:
        """One download moved on: its state is drawn now, its progress at the next tick of the throttle."""
        self._downloads = downloads
        self._dirty.add(download)
        now = self.clock()
        if self._drawn.get(download) is not download.state or now - self._last >= self.INTERVAL:
            self.flush()
        elif self._timer is None:
            self._timer = self.set_timer(self._last + self.INTERVAL - now, self.flush)

    def flush(self) -> None:
        """Draw the rows that changed and the totals."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._last = self.clock()
        self.draws += 1
        for download in self._dirty:
            row = self._rows.get(download)
            if row is not None and row.is_mounted:  # a row not mounted yet draws itself when it is
                row.show()
            self._drawn[download] = download.state
        self._dirty.clear()
        self.totals(self._downloads)

    def totals(self, downloads: list[Download]) -> None:
        progress, total = overall(downloads)
        self.query_one("#downloads-overall", ProgressBar).update(total=total or 1, progress=progress)
        share = f"{int(100 * progress / total)}%" if total else ""
        if downloads and all(d.total for d in downloads):
            share += f" · {human_size(int(progress))} of {human_size(int(total))}"
        self.query_one("#downloads-overall-note", Static).update(share)
        counts = {state: sum(d.state is state for d in downloads) for state in State}
        text = Text.assemble(("Downloads", "bold"), f": {counts[State.DONE]} of {len(downloads)} saved")
        for state in (State.RUNNING, State.QUEUED, State.SKIPPED, State.FAILED, State.CANCELLED):
            if counts[state]:
                text.append(f" · {counts[state]} {state.value}", style=STATE_STYLE.get(state, ""))
        if counts[State.RUNNING] or counts[State.QUEUED]:
            text.append(" · c or escape cancels")
        self.query_one("#downloads-title", Static).update(text)


class RecordingDownloads(DownloadsPanel):
    """The downloads collaborator of the Recordings screen: the panel, and what d, c/escape and f do.

    It asks its screen only for what to download (`targets`), where to say how it went (`status`) and for the
    session; the downloader, this round's downloads and the one-question-at-a-time lock are its own."""

    def __init__(self, session: Session, *, targets: Callable[[], list[Recording]],
                 status: Callable[..., None], id: str | None = None) -> None:
        super().__init__(id=id)
        self.session = session
        self.targets = targets
        """The marked recordings, else the selected one (the screen's table)."""
        self.status = status
        self.downloader = Downloader(session.backend.client, session.audit, on_change=self._download_changed)
        session.downloaders.append(self.downloader)  # the mode bar counts its running downloads
        self.downloads: list[Download] = []
        """This round's downloads, as the panel shows them (a round ends when one starts with none running)."""
        self._asking = asyncio.Lock()

    def action_download(self) -> None:
        targets = self.targets()
        if not targets:
            self.status("Nothing to download: no recording selected.", error=True)
            return
        self.run_worker(self._download(targets), group="recordings-download", exit_on_error=False)

    async def _ask_existing(self, recording: Recording, path: Path, left: int) -> ConflictAnswer | None:
        async with self._asking:  # one question at a time, even with two batches planning
            return await self.app.push_screen_wait(ExistingFileScreen(recording.key, path, left))

    async def _download(self, recordings: list[Recording]) -> None:
        folder = self.session.download_dir
        try:
            planned = await self.downloader.plan(recordings, folder, self._ask_existing)
        except OSError as error:
            self.status(describe_disk_error(error, folder), error=True)
            return
        except Exception as error:
            self.status(f"Unexpected error: {type(error).__name__}: {error}", error=True)
            return
        if planned is None:
            self.status("Download cancelled: nothing was replaced.")
            return
        fresh = [d for d in planned if not d.already]  # one already downloading has its row already
        if fresh:
            if not self.downloader.busy:  # a new round: the last one's finished rows go
                self.downloads = []
            self.downloads.extend(fresh)
            self.show(self.downloads)
        queued = [d for d in fresh if d.state is State.QUEUED]
        if queued:
            self.status(f"Downloading {plural(len(queued))} to {shown_path(folder)}…")
            await self.downloader.run(planned)
        self._report(planned, folder)

    def _download_changed(self, download: Download) -> None:
        if self.is_attached:
            self.changed(download, self.downloads)

    def _report(self, downloads: list[Download], folder: Path) -> None:
        """Where the files landed, or why not, in one line (and a notification)."""
        if not downloads:
            return
        failed = [d for d in downloads if d.state is State.FAILED]
        if len(downloads) == 1:
            (only,) = downloads
            text = {State.DONE: f"Saved {shown_path(only.landed or only.target)}",
                    State.FAILED: f"Could not download {only.key}: {only.message}",
                    State.CANCELLED: f"Download of {only.key} cancelled: nothing partial was kept"}.get(
                only.state, only.message[:1].upper() + only.message[1:])
        elif all(d.already for d in downloads):
            text = f"{plural(len(downloads))} already downloading: nothing more to fetch"
        else:
            saved = sum(d.state is State.DONE for d in downloads)
            count = plural(len(downloads)) if saved == len(downloads) else f"{saved} of {plural(len(downloads))}"
            parts = [f"Saved {count} to {shown_path(folder)}"]
            if already := sum(d.already for d in downloads):
                parts.append(f"{already} already downloading")
            for state in (State.SKIPPED, State.CANCELLED):
                if number := sum(d.state is state and not d.already for d in downloads):
                    parts.append(f"{number} {state.value}")
            if failed:
                parts.append(f"{len(failed)} failed ({failed[0].key}: {failed[0].message})")
            text = ", ".join(parts)
        self.status(text, error=bool(failed))
        self.notify(text, severity="error" if failed else "information", timeout=8 if failed else 4, markup=False)

    def action_cancel_downloads(self) -> None:
        """Stop the running downloads; with none running, put the finished ones' panel away."""
        count = self.downloader.cancel()
        if count:
            self.status(f"Cancelled {plural(count, 'download')}: nothing partial was kept.")
        elif self.downloads:
            self.downloads = []
            self.show(self.downloads)
            self.status("Finished downloads cleared from the panel (the files stay).")
        else:
            self.status("No download is running.")

    def action_folder(self) -> None:
        def check(value: str) -> str | None:
            path = Path(value).expanduser()
            if not value:
                return "Type a folder, or escape to cancel."
            if path.exists() and not path.is_dir():
                return f"{shown_path(path)} is a file, not a folder."
            return None

        def answered(value: str | None) -> None:
            if value:
                self.session.download_dir = Path(value).expanduser().absolute()
                self.show_folder()
                self.status(f"Downloads go to {shown_path(self.session.download_dir)} for the rest of this session.")

        question = "Download recordings to this folder (for this session; the profile's download_dir sets it for good):"
        self.app.push_screen(PromptScreen(question, value=shown_path(self.session.download_dir), check=check), answered)

    def show_folder(self) -> None:
        """The folder line under the panel (the screen's, shown even when the panel is not)."""
        folder = shown_path(self.session.download_dir)
        text = Text.assemble("Downloads go to ", (folder, "bold"), " · f changes the folder")
        self.screen.query_one("#download-folder", Static).update(text)
