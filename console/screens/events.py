"""Events: the live log of callbacks the relay received (ICE, ACE, DiCE, PIE, Notify) and what it answered.

The screen only shows: `console.events.EventFeed` (started by the app when the session opens) subscribes and
keeps the last events, so nothing is missed while another mode is shown. The table follows new events while
its cursor is on the last row; `p` freezes it (events are still collected; the title counts them) and `/`
filters (`type:ace`, `room:standup`, `call:…`, `number:…` or any words; escape clears it). An empty table
says why in words (no events yet, or none matching the filter). Enter opens the selected event's JSON
and the SVAML answered. Everything here came from the platform (or whoever reached the callback URL): it is
rendered as plain text and highlighted JSON, never as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.console import Group
from rich.json import JSON
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from api.models.display import moment, printable
from console.events.feed import EventFeed
from console.events.log import EventQuery
from console.events.model import RelayEvent
from console.events.subscriber import ConnectionState
from console.screens.mode import HEIGHTS, WIDTHS
from console.screens.topbar import topbar
from console.session import Session

COLUMNS = (("time", "Time", 12), ("type", "Type", 7), ("call", "CallId", 20), ("room", "Conference", 14),
           ("cli", "CLI", 14), ("summary", "Summary", 42))
TYPE_STYLE = {"ice": "bold cyan", "ace": "bold green", "dice": "bold red", "pie": "bold yellow",
              "notify": "bold magenta", "dropped": "reverse red"}
STATE_STYLE = {"live": "bold green", "connecting": "yellow", "retrying": "bold yellow", "refused": "bold red",
               "stopped": "dim"}


class EventsScreen(Screen[None]):
    """Callbacks as they arrive: a filterable, pausable log with each event's JSON and answer."""

    MODE = "events"
    """The app mode this screen is (the mode bar marks it)."""

    HORIZONTAL_BREAKPOINTS = WIDTHS  # the same breakpoint classes as the other modes (console.tcss)
    VERTICAL_BREAKPOINTS = HEIGHTS

    BINDINGS = [
        Binding("slash", "filter", "Filter", id="events.filter"),
        Binding("p", "pause", "Pause", id="events.pause"),
        Binding("enter", "detail", "Detail", id="events.detail"),
        Binding("escape", "close", "Close", show=False, id="events.close"),
    ]

    DEFAULT_CSS = """
    EventsScreen #events-title { padding: 0 1; }
    EventsScreen #events { height: 1fr; }
    EventsScreen #event-detail-pane { height: 16; border-top: solid $primary; padding: 0 1; }
    EventsScreen #events-empty, EventsScreen #events-none { padding: 1 2; }
    EventsScreen #events-none { height: auto; color: $text-muted; }
    """

    def __init__(self, session: Session, feed: EventFeed | None = None) -> None:
        super().__init__()
        self.session = session
        self.feed = feed
        self.query_text = ""
        self.paused_at: int | None = None
        """The log's `total` when `p` froze the table (None: following)."""
        self._shown_up_to = 0  # the log's index of the newest event the table has looked at
        self._shown: list[int] = []  # the log indexes of the table's rows, top to bottom
        self._catching_up = False
        self._unlisten: Callable[[], None] | None = None

    # ---- layout --------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield from topbar(self.session, "events-title", events_badge=False)
        if self.feed is None:
            yield Static(self._empty_text(), id="events-empty")
            yield Footer()
            return
        yield Input(placeholder="filter: type:ace  room:standup  call:ID  number:4670…  or any words (escape clears)",
                    id="events-filter")
        table: DataTable[Text] = DataTable(id="events", cursor_type="row", zebra_stripes=True)
        for key, label, width in COLUMNS:
            table.add_column(label, key=key, width=width)
        yield table
        yield Static("", id="events-none")
        with VerticalScroll(id="event-detail-pane"):
            yield Static("", id="event-detail")
        yield Footer()

    def _empty_text(self) -> Text:
        profile = self.session.resolved.profile
        missing = [name for name, value in (("relay_url", profile.relay_url), ("relay_token", profile.relay_token))
                   if value is None]
        text = Text.assemble(("No live events: ", "bold"), "no relay is configured for this profile", (
            f" (missing {' and '.join(missing)})" if missing else ""), ".\n\n")
        text.append("Run sinch-relay where Sinch can reach it (README: \"The callback relay\"), give Sinch its "
                    "callback URL, then add to this profile in the config file:\n\n")
        text.append(f"    [profiles.{self.session.profile_name}]\n", style="bold")
        text.append('    relay_url = "wss://relay.example.com/events"\n', style="bold")
        text.append('    relay_token = "the token sinch-relay was started with"\n\n', style="bold")
        text.append("and reconnect (switch profile, or restart the console). Events then stream in here whichever "
                    "mode is shown. With the sandbox it starts (make run, --sandbox) the console runs a relay "
                    "itself.")
        return text

    def on_mount(self) -> None:
        self._show_title()
        if self.feed is None:
            return
        self.query_one("#events-filter", Input).display = False
        self.query_one("#event-detail-pane").display = False
        self._unlisten = self.feed.listen(on_event=self._arrived, on_state=self._state_changed)
        self.catch_up()
        self.query_one("#events", DataTable).focus()

    def on_unmount(self) -> None:
        if self._unlisten is not None:
            self._unlisten()
            self._unlisten = None

    def on_screen_resume(self) -> None:
        if self.feed is not None:
            self.catch_up()

    # ---- the log -------------------------------------------------------------------------------------

    def _arrived(self, event: RelayEvent) -> None:
        """From the feed, once per event: redraw once per burst, after the burst."""
        if not self._catching_up:
            self._catching_up = True
            self.call_later(self.catch_up)

    def _state_changed(self, state: ConnectionState) -> None:
        self._show_title()

    def catch_up(self) -> None:
        """Add the events that arrived since the last look (only up to the pause, when paused), and drop the
        rows of events the log no longer keeps (not while paused: the table stands still)."""
        self._catching_up = False
        if self.feed is None or not self.is_mounted:
            return
        log = self.feed.log
        up_to = log.total if self.paused_at is None else self.paused_at
        if self._shown_up_to < up_to:
            query = EventQuery.parse(self.query_text)
            table = self.query_one("#events", DataTable)
            following = not self._shown or table.cursor_row >= len(self._shown) - 1
            for item in log.since(self._shown_up_to):
                if item.index > up_to:
                    break
                if query.matches(item):
                    table.add_row(*self._cells(item), key=str(item.index))
                    self._shown.append(item.index)
            self._shown_up_to = up_to
            if self.paused_at is None:
                oldest = log.total - len(log) + 1
                while self._shown and self._shown[0] < oldest:
                    table.remove_row(str(self._shown.pop(0)))
            if following and self._shown:
                table.move_cursor(row=len(self._shown) - 1, animate=False)
            self._show_detail()
        self._show_title()

    def rebuild(self) -> None:
        """Show the log again from the start with the current filter."""
        if self.feed is None:
            return
        table = self.query_one("#events", DataTable)
        table.clear()
        self._shown = []
        self._shown_up_to = 0
        self.catch_up()

    def _cells(self, item: RelayEvent) -> tuple[Text, ...]:
        # every field comes from a callback: printable, as plain Text (never markup)
        return (Text(self._when(item)), Text(printable(item.label), style=TYPE_STYLE.get(item.type, "bold")),
                Text(printable(item.call_id), overflow="ellipsis", no_wrap=True), Text(printable(item.room_shown)),
                Text(printable(item.cli)), Text(printable(item.summary()), overflow="ellipsis", no_wrap=True))

    def _when(self, item: RelayEvent) -> str:
        return moment(item.received_at, self.session.clock()) if item.received_at else "--:--:--"

    def selected(self) -> RelayEvent | None:
        table = self.query_one("#events", DataTable)
        if self.feed is None or not self._shown or not 0 <= table.cursor_row < len(self._shown):
            return None
        return self.feed.log.get(self._shown[table.cursor_row])

    def _show_title(self) -> None:
        title = self.query_one("#events-title", Static)
        if self.feed is None:
            title.update(Text.assemble(("Events", "bold"), " · no relay configured"))
            return
        state = self.feed.state
        log = self.feed.log
        text = Text.assemble(("Events", "bold"), " · relay ", (state.describe(), STATE_STYLE.get(state.kind, "")),
                             f" · {log.total} event{'s' if log.total != 1 else ''}")
        if self.query_text:
            text.append(f" · {len(self._shown)} shown")
        if log.dropped:
            text.append(f" · {log.dropped} lost (fell behind)", style="bold red")
        if self.paused_at is not None:
            text.append(f" · paused, {log.total - self.paused_at} new (p resumes)", style="bold yellow")
        title.update(text)
        self._show_none()

    def _show_none(self) -> None:
        """An empty table says why: nothing came yet, or the filter hides everything (and how to clear it)."""
        assert self.feed is not None
        none = self.query_one("#events-none", Static)
        none.display = not self._shown
        if self._shown:
            return
        if self.query_text and self.feed.log.total:
            none.update(Text.assemble("No event matches the filter ", (self.query_text, "bold"),
                                      f" ({self.feed.log.total} hidden): escape clears it."))
        elif self.paused_at is not None:
            none.update("No events yet when the table was paused: p resumes.")
        else:
            none.update("No events yet: callbacks the relay receives (incoming calls, answers, hang-ups, "
                        "keypad choices) appear here as they arrive, whichever mode is shown.")

    # ---- the detail pane -----------------------------------------------------------------------------

    def _show_detail(self) -> None:
        pane = self.query_one("#event-detail-pane")
        if not pane.display:
            return
        item = self.selected()
        self.query_one("#event-detail", Static).update(detail(item, self.session.clock()) if item
                                                       else Text("No event selected."))

    def action_detail(self) -> None:
        if self.feed is None:
            return
        pane = self.query_one("#event-detail-pane")
        pane.display = not pane.display
        self._show_detail()

    @on(DataTable.RowSelected, "#events")
    def _row_selected(self, message: DataTable.RowSelected) -> None:
        message.stop()
        self.action_detail()

    @on(DataTable.RowHighlighted, "#events")
    def _row_highlighted(self, message: DataTable.RowHighlighted) -> None:
        self._show_detail()

    # ---- keys ----------------------------------------------------------------------------------------

    def action_pause(self) -> None:
        if self.feed is None:
            return
        if self.paused_at is None:
            self.paused_at = self.feed.log.total
            self._show_title()
        else:
            self.paused_at = None
            self.catch_up()

    def action_filter(self) -> None:
        if self.feed is None:
            return
        field = self.query_one("#events-filter", Input)
        field.display = True
        field.focus()

    def action_close(self) -> None:
        """Escape: in the filter, clears it (all events again); else closes the detail pane, then clears a
        filter still applied."""
        if self.feed is None:
            return
        field = self.query_one("#events-filter", Input)
        pane = self.query_one("#event-detail-pane")
        if field.has_focus or (field.value and not pane.display):
            self._clear_filter(field)
        elif pane.display:
            pane.display = False
        elif field.display:
            field.display = False

    def _clear_filter(self, field: Input) -> None:
        field.value = ""  # Input.Changed rebuilds the table with every event
        field.display = False
        self.query_one("#events", DataTable).focus()

    @on(Input.Changed, "#events-filter")
    def _filter_changed(self, message: Input.Changed) -> None:
        self.query_text = message.value.strip()
        self.rebuild()

    @on(Input.Submitted, "#events-filter")
    def _filter_done(self, message: Input.Submitted) -> None:
        self.query_one("#events", DataTable).focus()

    def palette_commands(self) -> list[tuple[str, str, object]]:
        return [("events: filter", "Filter by type:, room:, call:, number: or words (/)", self.action_filter),
                ("events: pause", "Freeze the table; events are still collected (p)", self.action_pause),
                ("events: detail", "The selected event's JSON and the SVAML answered (enter)", self.action_detail)]


def detail(item: RelayEvent, now: datetime) -> Group:
    """The event as the relay sent it and the SVAML answered, as highlighted JSON (never markup)."""
    when = moment(item.received_at, now, relative=True) if item.received_at else item.time_text()
    head = Text.assemble((printable(item.label), TYPE_STYLE.get(item.type, "bold")), f" · {when}")
    if item.seq is not None:
        head.append(f" · seq {item.seq}")
    if item.rule:
        head.append(" · rule: ")
        head.append(item.rule, style="italic")
    if item.type == "dropped":
        return Group(head, Text(printable(item.summary())))
    answer: JSON | Text = (JSON.from_data(item.answer, indent=2) if item.answer is not None
                           else Text("nothing answered (no SVAML for this event)", style="dim"))
    # JSON escapes C0 controls; C1 and bidi controls inside strings are left to the app's printable filter
    return Group(head, Text("Event", style="bold underline"), JSON.from_data(item.event, indent=2),
                 Text("Answered (SVAML)", style="bold underline"), answer)
