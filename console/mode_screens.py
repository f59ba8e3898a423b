"""The console's modes (digit keys 1-7): their screens, built when first shown, and the code a session needs.

Each factory imports its screen when the mode is first opened (the other modes' code is preloaded in a thread
a second after the roster): start-up draws the roster without them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, NamedTuple

from textual.screen import Screen

if TYPE_CHECKING:
    from console.events import EventFeed
    from console.session import Session


def load_session_code() -> None:
    """Import what a session needs (pydantic, httpx, the client, the services, the first screens): ~0.4 s of
    CPU that the first frame does not wait for."""
    for module in ("console.backend", "console.session", "console.screens.conferences"):
        importlib.import_module(module)


class Mode(NamedTuple):
    key: str
    name: str
    """The app's mode name (`App.switch_mode`)."""
    label: str
    short: str
    """The label on a narrow terminal."""
    about: str
    """What the mode is for (the palette's "mode: ..." commands)."""


MODE_ORDER: tuple[Mode, ...] = (
    Mode("1", "conferences", "Conferences", "Conf", "Watch and moderate conferences"),
    Mode("2", "callouts", "Callouts", "Callouts", "Text-to-speech, conference and custom callouts"),
    Mode("3", "calls", "Calls", "Calls", "Calls the console placed or you track, manage call"),
    Mode("4", "recordings", "Recordings", "Rec", "Browse, download and delete call recordings"),
    Mode("5", "numbers", "Numbers", "Numbers", "Numbers, callback URLs and the number lookup"),
    Mode("6", "events", "Events", "Events", "Live callbacks from the relay: ICE, ACE, DiCE, PIE, Notify"),
    Mode("7", "log", "Log", "Log", "Audit log and API trace"),
)
"""The modes in the order of their digits: the app's keys, the mode bar, `?` and the palette all read it."""

MODES = tuple(mode.name for mode in MODE_ORDER)


def callouts_screen(session: Session) -> Screen[None]:
    from console.screens.callouts import CalloutsScreen  # loaded when first opened: start-up shows the roster

    return CalloutsScreen(session)


def calls_screen(session: Session) -> Screen[None]:
    from console.screens.calls import CallsScreen

    return CallsScreen(session, session.calls_poller)


def recordings_screen(session: Session) -> Screen[None]:
    from console.screens.recordings import RecordingsScreen

    return RecordingsScreen(session)


def numbers_screen(session: Session) -> Screen[None]:
    from console.screens.numbers import NumbersScreen

    return NumbersScreen(session)


def log_screen(session: Session) -> Screen[None]:
    from console.screens.log import LogScreen

    return LogScreen(session)


def events_screen(session: Session, feed: EventFeed | None) -> Screen[None]:
    from console.screens.events import EventsScreen

    return EventsScreen(session, feed)
