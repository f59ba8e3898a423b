"""Reusable Textual widgets: they render models they are given and post messages; they never fetch."""

from widgets.roster import Roster
