"""Recordings: browse the Sinch Drive by time window and page, download with progress, delete with confirmation.

The screen shows and schedules; `console.recordings` holds the logic (the window, the page, the downloader,
the deletes), `console.screens.recording_downloads` the downloads panel and what its keys do (d, c, f),
`console.screens.recording_deletes` what the delete key does; the screen composes both, binds their keys and
hands the key on. And `console.screens.recording_dialogs` the questions.
Requests run in workers that catch everything: a failed page leaves the table as it was and says why in the
status line (and in place of the table when nothing was listed yet). A timer moves the expiry countdowns along
on the session's clock and reloads when one of the shown recordings has expired, never cancelling a load under
way. Marks stay across pages, not across windows. One delete runs at a time; a read-only profile is not offered
delete (the key still answers, in words, audited).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from api.models import Recording
from console.recordings.deletes import plural
from console.recordings.listing import (
    Listing,
    expired,
    next_page_size,
    next_sort_key,
    page_keeping_first,
)
from console.recordings.range import SHORT, DateRange, default_range, preset_range, shown
from console.recordings.wording import describe_list_error
from console.screens.mode import ModeScreen
from console.screens.recording_deletes import DELETE_KEY, RecordingDeletes
from console.screens.recording_dialogs import RangeScreen
from console.screens.recording_downloads import (
    CANCEL_KEY,
    DOWNLOAD_KEY,
    FOLDER_KEY,
    DownloadsPanel,
    RecordingDownloads,
)
from console.screens.recording_rows import COLUMNS, cells, detail_text
from console.screens.recording_rows import SOON_STYLE as SOON_STYLE  # read from here by the tests
from console.screens.topbar import topbar
from console.session import Session

PaletteCommand = tuple[str, str, Callable[[], object]]
LOAD_GROUP = "recordings-load"
SORT_WORDS = {"created": "newest first", "expiry": "expiring first"}


class RecordingsScreen(ModeScreen):
    """Recordings in a time window, a page at a time; mark, download, delete."""

    MODE = "recordings"
    """The app mode this screen is (the mode bar marks it)."""

    CHANGES: ClassVar[dict[str, str]] = {"delete": "delete_recording"}
    BINDINGS = [
        # The footer offers what fits 80 columns, most needed first; show=False keys work the same and `?` lists them.
        Binding("space", "mark", "Mark", id="recordings.mark"),
        DOWNLOAD_KEY,
        DELETE_KEY,
        Binding("g", "edit_range", "Range", id="recordings.range"),
        Binding("left_square_bracket", "previous_page", "Prev page", id="recordings.previous_page"),
        Binding("right_square_bracket", "next_page", "Next page", id="recordings.next_page"),
        Binding("o", "sort", "Sort", show=False, id="recordings.sort"),
        FOLDER_KEY,
        Binding("a", "mark_page", "Mark page", show=False, id="recordings.mark_page"),
        Binding("t", "preset('today')", "Today", show=False, id="recordings.today"),
        Binding("w", "preset('week')", "Last 7 days", show=False, id="recordings.week"),
        Binding("m", "preset('month')", "Last 30 days", show=False, id="recordings.month"),
        Binding("plus", "page_size(1)", "Bigger pages", show=False, id="recordings.bigger_pages"),
        Binding("minus", "page_size(-1)", "Smaller pages", show=False, id="recordings.smaller_pages"),
        CANCEL_KEY,
        Binding("r", "reload", "Reload", show=False, id="recordings.reload"),
    ]

    DEFAULT_CSS = """
    RecordingsScreen #recordings-title { padding: 0 1; }
    RecordingsScreen #recordings { height: 1fr; }
    RecordingsScreen #recordings-empty { height: 1fr; padding: 1 2; color: $text-muted; }
    RecordingsScreen #recording-detail { height: 5; border-top: solid $primary; padding: 0 1; }
    RecordingsScreen #download-folder { height: 1; padding: 0 1; color: $text-muted; }
    RecordingsScreen #status.error { color: $error; }
    """

    def __init__(self, session: Session, *, tick: float = 30.0) -> None:
        super().__init__()
        self.session = session
        self.tick = tick
        self.listing = Listing(default_range(session.clock()))
        self.deletes = RecordingDeletes(self, id="deletes")
        self.downloads_panel = RecordingDownloads(session, targets=self.targets, status=self.status, id="downloads")

    # ---- layout --------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield from topbar(self.session, "recordings-title")
        table: DataTable[Text] = DataTable(id="recordings", cursor_type="row", zebra_stripes=True)
        for key, label, width in COLUMNS:
            table.add_column(label, key=key, width=width)
        yield table
        yield Static(Text("Loading recordings…"), id="recordings-empty")
        yield Static("", id="recording-detail")
        yield self.downloads_panel
        yield self.deletes
        yield Static("", id="download-folder")
        yield Static("", id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DownloadsPanel).display = False
        self.query_one("#recordings", DataTable).display = False
        self.downloads_panel.show_folder()
        self._show_title()
        self.set_interval(self.tick, self._tick)
        self.load(1)

    def on_screen_resume(self) -> None:
        self.refresh_rows()

    # ---- the page ------------------------------------------------------------------------------------

    def selected_key(self) -> str | None:
        table = self.query_one("#recordings", DataTable)
        if not table.row_count:
            return None
        value = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return str(value) if value is not None else None

    def targets(self) -> list[Recording]:
        """What d and x act on: the marked recordings, else the selected one."""
        return self.listing.targets(self.selected_key())

    def refresh_rows(self) -> None:
        """Reconcile the table with the page by key: cells update in place; the cursor stays on its recording
        (or, when that one went, on the row that took its place)."""
        table = self.query_one("#recordings", DataTable)
        now = self.session.clock()
        recordings = self.listing.visible()
        wanted = [r.key for r in recordings]
        if wanted == [row.key.value for row in table.ordered_rows]:
            for recording in recordings:
                for (column, _, _), cell in zip(COLUMNS, self._cells(recording, now), strict=True):
                    if table.get_cell(recording.key, column) != cell:
                        table.update_cell(recording.key, column, cell)
        else:
            selected, row = self.selected_key(), table.cursor_row
            table.clear()
            for recording in recordings:
                table.add_row(*self._cells(recording, now), key=recording.key)
            if selected in wanted:
                table.move_cursor(row=wanted.index(selected), animate=False)
            elif wanted:
                table.move_cursor(row=min(row, len(wanted) - 1), animate=False)
        self._show_empty(not recordings)
        self._show_title()
        self._show_detail()

    def _cells(self, recording: Recording, now: datetime) -> list[Text]:
        return cells(recording, now, marked=recording.key in self.listing.marked)

    def _show_empty(self, empty: bool) -> None:
        table = self.query_one("#recordings", DataTable)
        message = self.query_one("#recordings-empty", Static)
        if empty and self.listing.loaded:
            window = self.listing.range
            text = Text(f"No recordings between {shown(window.start)} and {shown(window.end)} ({window.label})")
            if self.listing.page > 1:
                text.append(f" on page {self.listing.page}")
            text.append(".\ng edits the range; t, w and m show today, the last 7 days, the last 30 days; r reloads.")
            message.update(text)
        was_shown = table.display
        table.display, message.display = not empty, empty
        if not empty and not was_shown:
            table.focus()

    def _show_title(self) -> None:
        listing = self.listing
        window = listing.range
        text = Text.assemble(("Recordings", "bold"), f" · {window.label} ({window.describe(SHORT)})",
                             f" · page {listing.page} · {len(listing.recordings)} ({listing.page_size} per page)",
                             f" · {SORT_WORDS.get(listing.sort, listing.sort)}")
        if listing.marked:
            text.append(f" · {len(listing.marked)} marked", style="bold cyan")
        self.query_one("#recordings-title", Static).update(text)

    def _show_detail(self) -> None:
        key = self.selected_key()
        recording = self.listing.get(key) if key else None
        pane = self.query_one("#recording-detail", Static)
        pane.display = recording is not None
        if recording is None:
            pane.update("")
            return
        text = detail_text(recording, self.session.clock())
        pane.update(text)

    @on(DataTable.RowHighlighted, "#recordings")
    def _highlighted(self) -> None:
        self._show_detail()

    def _tick(self) -> None:
        """Countdowns move on; a recording past its expiry is gone from the platform, so look again. A timer
        callback that raised would close the app: anything unexpected is worded in the status line instead."""
        try:
            if any(expired(r, self.session.clock()) for r in self.listing.recordings):
                self.load(quiet=True)
            else:
                self.refresh_rows()
        except Exception as error:
            self.status(f"Unexpected error: {type(error).__name__}: {error}", error=True)

    # ---- loading -------------------------------------------------------------------------------------

    def load_under_way(self) -> bool:
        """A page is being asked for."""
        return any(worker.node is self and worker.group == LOAD_GROUP and not (worker.is_finished
                                                                                or worker.is_cancelled)
                   for worker in self.workers)

    def load(self, page: int | None = None, *, page_size: int | None = None, window: DateRange | None = None,
             forward: bool = False, quiet: bool = False) -> None:
        """Ask for a page (the current one by default). A preset window moves with the clock. A quiet reload (the
        timer's, the one after a delete) never cancels a load under way: that one shows fresh rows anyway, and
        it may be a page or a window just asked for."""
        if quiet and self.load_under_way():
            return
        window = window or self.listing.range.refreshed(self.session.clock())
        if not quiet:
            self.status(f"Loading page {page or self.listing.page} ({window.label})…")
        self._load(page or self.listing.page, page_size or self.listing.page_size, window, forward, quiet)

    @work(exclusive=True, group=LOAD_GROUP, exit_on_error=False)
    async def _load(self, page: int, page_size: int, window: DateRange, forward: bool, quiet: bool) -> None:
        try:
            found = await self.session.backend.client.recordings.list(window.start, window.end, page=page,
                                                                      page_size=page_size)
        except Exception as error:  # worded; the table keeps what it showed
            text = describe_list_error(error)
            self.status(text, error=True)
            self.notify(text, severity="error", timeout=8, markup=False)
            if not self.listing.loaded:  # nothing listed yet: the empty pane says why, not "Loading…"
                self.query_one("#recordings-empty", Static).update(Text(f"{text}\n\nr tries again; g edits the "
                                                                        "range; t, w and m pick another window."))
            return
        try:
            self._show_page(found, page, page_size, window, forward, quiet)
        except Exception as error:  # a bug must not leave "Loading page…" up for good, nor take the app down
            self.status(f"Unexpected error: {type(error).__name__}: {error}", error=True)

    def _show_page(self, found: list[Recording], page: int, page_size: int, window: DateRange, forward: bool,
                   quiet: bool) -> None:
        if not found and page > 1:
            if forward:
                self.status(f"No more recordings: page {self.listing.page} is the last one.")
                return
            if not quiet:
                self.status(f"Loading page {page - 1} ({window.label})…")
            self._load(page - 1, page_size, window, False, quiet)  # the page emptied (deletes)
            return
        cleared = self.listing.show(found, page, page_size, window)
        self.refresh_rows()
        text = (f"{plural(len(found))} on page {page} ({window.label})." if found else
                f"No recordings between {shown(window.start)} and {shown(window.end)}.")
        if cleared:
            self.status(f"{text} {plural(cleared, 'mark')} cleared: the range changed.")
        elif not quiet:
            self.status(text)

    # ---- keys: the window and the page ---------------------------------------------------------------

    def action_reload(self) -> None:
        self.load()

    def action_preset(self, name: str) -> None:
        self.load(1, window=preset_range(name, self.session.clock()))

    def action_edit_range(self) -> None:
        def chosen(window: DateRange | None) -> None:
            if window is not None:
                self.load(1, window=window)

        self.app.push_screen(RangeScreen(self.listing.range, self.session.clock()), chosen)

    def action_next_page(self) -> None:
        listing = self.listing
        if listing.loaded and listing.short:
            self.status(f"No more recordings: page {listing.page} is the last one "
                        f"({len(listing.recordings)} of at most {listing.page_size}).")
            return
        self.load(listing.page + 1, forward=True)

    def action_previous_page(self) -> None:
        if self.listing.page <= 1:
            self.status("Already on the first page.")
            return
        self.load(self.listing.page - 1)

    def action_page_size(self, step: int) -> None:
        current = self.listing.page_size
        size = next_page_size(current, step)
        if size == current:
            self.status(f"Pages hold at {'most' if step > 0 else 'least'} {current} recordings.")
            return
        self.load(page_keeping_first(self.listing.page, current, size), page_size=size)

    def action_sort(self) -> None:
        self.listing.sort = next_sort_key(self.listing.sort)
        self.refresh_rows()
        self.status(f"Sorted by {self.listing.sort} within this page ({SORT_WORDS[self.listing.sort]}).")

    def action_mark(self) -> None:
        key = self.selected_key()
        if key is None:
            return
        self.listing.toggle_mark(key)
        self.refresh_rows()
        table = self.query_one("#recordings", DataTable)
        if table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1, animate=False)

    def action_mark_page(self) -> None:
        self.listing.toggle_page_marks()
        self.refresh_rows()

    # ---- keys the composed parts answer (bound here: see DOWNLOAD_KEY) ---------------------------------

    def action_delete(self) -> None:
        self.deletes.action_delete()

    def action_download(self) -> None:
        self.downloads_panel.action_download()

    def action_cancel_downloads(self) -> None:
        self.downloads_panel.action_cancel_downloads()

    def action_folder(self) -> None:
        self.downloads_panel.action_folder()

    # ---- the command palette -------------------------------------------------------------------------

    def palette_commands(self) -> list[PaletteCommand]:
        """(title, help, callback) for the app's command palette, namespaced "recordings: …"; a read-only profile
        is offered only what reads (downloads read)."""
        writes: list[PaletteCommand] = [
            ("recordings: delete", "Delete the marked (or selected) recordings, after a confirmation (x)",
             self.action_delete),
        ]
        reads: list[PaletteCommand] = [
            ("recordings: download", "Download the marked (or selected) recordings (d)", self.action_download),
            ("recordings: cancel downloads", "Stop the running downloads; nothing partial is kept (c)",
             self.action_cancel_downloads),
            ("recordings: download folder", "Where downloads go, for this session (f)", self.action_folder),
            ("recordings: edit the range", "Recordings created between two dates or times (g)",
             self.action_edit_range),
            ("recordings: today", "Recordings made since midnight (t)", lambda: self.action_preset("today")),
            ("recordings: last 7 days", "Recordings of the last 7 days (w)", lambda: self.action_preset("week")),
            ("recordings: last 30 days", "Recordings of the last 30 days (m)", lambda: self.action_preset("month")),
            ("recordings: next page", "The next page of recordings (])", self.action_next_page),
            ("recordings: previous page", "The previous page of recordings ([)", self.action_previous_page),
            ("recordings: mark page", "Mark every recording of the page, or unmark them (a)", self.action_mark_page),
            ("recordings: sort", "Newest first, or expiring first, within the page (o)", self.action_sort),
            ("recordings: reload", "Ask for the page again (r)", self.action_reload),
        ]
        return reads if self.session.gateway.refuses("delete_recording") else writes + reads

    # ---- feedback ------------------------------------------------------------------------------------

    def status(self, text: str, *, error: bool = False) -> None:
        widget = self.query_one("#status", Static)
        widget.update(Text(text))  # quotes keys, paths and platform messages: never markup
        widget.set_class(error, "error")
