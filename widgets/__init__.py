"""Reusable Textual widgets: they render models they are given and post messages; they never fetch.

Names load on first use (`api.lazy`): the line filter under every screen (`widgets.printable_filter`) is
needed for the first frame, the roster and the timeline only after it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from api.lazy import attach

if TYPE_CHECKING:
    from widgets.people import Contact
    from widgets.roster import Roster, RosterRow
    from widgets.timeline import Timeline, TimelineEntry
    from widgets.watch_list import RoomSummary, WatchList

__all__ = ["Contact", "RoomSummary", "Roster", "RosterRow", "Timeline", "TimelineEntry", "WatchList"]

__getattr__, __dir__ = attach(globals())
