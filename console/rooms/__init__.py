"""UI-free logic of the Conferences screen: watching rooms, the timeline, attendance, policies, bulk actions.

Pure asyncio over `api`; no Textual here (tests/console/rooms checks), so all of it is tested without a UI.
The screen holds one `Moderator` and calls it from workers; everything it returns is already in words.
"""

from console.rooms.attendance import AttendanceBook, AttendanceRow, Leg
from console.rooms.bulk import BulkItem, BulkResult, run_bulk
from console.rooms.contacts import AddressBook, AddressBookLike, Contact, display_name, format_number, number_key
from console.rooms.moderator import Moderator, Outcome, PollResult
from console.rooms.policies import PolicyAction, RoomPolicy, decide
from console.rooms.timeline import Timeline, TimelineEntry
from console.rooms.watch import RoomDiff, RoomSummary, RoomWatch
from console.rooms.wording import describe_error

__all__ = [
    "AddressBook", "AddressBookLike", "AttendanceBook", "AttendanceRow", "BulkItem",
    "BulkResult", "Contact", "Leg", "Moderator", "Outcome", "PolicyAction", "PollResult", "RoomDiff", "RoomPolicy",
    "RoomSummary", "RoomWatch", "Timeline", "TimelineEntry", "decide", "describe_error",
    "display_name", "format_number", "number_key", "run_bulk",
]
