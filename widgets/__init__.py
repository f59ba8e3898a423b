"""Reusable Textual widgets: they render models they are given and post messages; they never fetch."""

from widgets.people import Contact
from widgets.roster import Roster, RosterRow
from widgets.timeline import Timeline, TimelineEntry
from widgets.watch_list import RoomSummary, WatchList
