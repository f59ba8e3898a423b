"""The mode bar under the top bar: `1 Conferences 3 rooms ▲1  2 Callouts  3 Calls 2 live ...`, the current mode
marked, so a moderator in any mode sees where the raised hands, the calls in progress and the running downloads
are, and which digit goes there.

One widget per screen (composed by `topbar()`), reading the session's services; it never fetches. It checks the
counts once a second while its screen is the one shown and repaints only when they changed (idle CPU matters:
a watched room already polls every second). Narrow terminals (the app's `-narrow` breakpoint class) get short
names, so the bar fits 80 columns.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from rich.text import Text
from textual.widget import Widget

from console.mode_screens import MODE_ORDER
from console.session import Session


class Counts(NamedTuple):
    """What the bar says besides the names; compared each second to repaint only on a change."""

    rooms: int
    hands: int
    calls: int
    downloads: int


def counts_of(session: Session) -> Counts:
    """Watched rooms, raised hands in them, calls in progress and downloads running, now."""
    rooms = session.rooms.rooms
    hands = sum(session.rooms.hands.count(room) for room in rooms)
    calls = sum(1 for call in session.calls.calls if call.pollable)
    downloads = sum(downloader.in_flight for downloader in session.downloaders)
    return Counts(len(rooms), hands, calls, downloads)


def describe(counts: Counts, current: str | None, *, narrow: bool) -> Text:
    """The bar's text: every mode with its digit and counts, `current` reversed."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for mode in MODE_ORDER:
        label = Text(f" {mode.key} ", style="bold")
        label.append(mode.short if narrow else mode.label)
        extra = _extra(mode.name, counts, narrow=narrow)
        if extra:
            label.append(f" {extra}", style="bold magenta" if "▲" in extra else "")
        label.append(" ")
        if mode.name == current:
            label.stylize("reverse")
        text.append_text(label)
        text.append(" ")
    return text


def _extra(mode: str, counts: Counts, *, narrow: bool) -> str:
    if mode == "conferences":
        hands = f" ▲{counts.hands}" if counts.hands else ""
        return f"{counts.rooms}{'' if narrow else ' rooms' if counts.rooms != 1 else ' room'}{hands}"
    if mode == "calls" and counts.calls:
        return f"{counts.calls}{'' if narrow else ' live'}"
    if mode == "recordings" and counts.downloads:
        return f"↓{counts.downloads}"
    return ""


class ModeBar(Widget):
    """Every mode with its digit and live counts, the current one marked."""

    DEFAULT_CSS = """
    ModeBar { height: 1; background: $panel; color: $text-muted; }
    """

    def __init__(self, session: Session) -> None:
        super().__init__(id="mode-bar")
        self.session = session
        self.mode: str | None = None
        """The mode this bar's screen belongs to (a screen never changes mode)."""
        self.counts = counts_of(session)
        self._unsubscribe: list[Callable[[], None]] = []

    def on_mount(self) -> None:
        # The screen's own mode: screens are mounted ahead of being shown (the app preloads them), so the app's
        # current mode at mount may be another one.
        self.mode = getattr(self.screen, "MODE", None) or self.app.current_mode
        self.set_interval(1.0, self._check)  # downloads have no updates to hear: they are counted each second
        self.watch(self.screen, "stack_updates", lambda _: self._check(), init=False)  # shown again: now
        # A raised hand, a room watched, a call ending: shown at once, not up to a second later.
        self._unsubscribe = [self.session.rooms.subscribe(lambda _: self._check()),
                             self.session.calls_poller.subscribe(lambda _: self._check())]

    def on_unmount(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()

    def _check(self) -> None:
        if not self.screen.is_current:  # hidden (another mode, or a dialog on top): nothing to show
            return
        counts = counts_of(self.session)
        if counts != self.counts:
            self.counts = counts
            self.refresh()

    def render(self) -> Text:
        # Called on a repaint: a change of counts, or a resize (which may have crossed the narrow breakpoint).
        return describe(self.counts, self.mode, narrow=self.screen.has_class("-narrow"))
