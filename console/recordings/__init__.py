"""The Recordings mode's logic: the time window, the page as shown, downloads and deletes. No Textual here."""

from console.recordings.deletes import DeleteOutcome, delete_recordings, name_some, plural, summarize
from console.recordings.downloads import (
    Conflict,
    ConflictAnswer,
    Download,
    Downloader,
    State,
    free_name,
    overall,
    target_for,
)
from console.recordings.listing import (
    PAGE_SIZES,
    Listing,
    call_id_of,
    countdown,
    expiring_soon,
    human_size,
    size_of,
    sort_recordings,
)
from console.recordings.range import DateRange, RangeError, default_range, parse_moment, parse_range, preset_range

__all__ = [
    "PAGE_SIZES",
    "Conflict",
    "ConflictAnswer",
    "DateRange",
    "DeleteOutcome",
    "Download",
    "Downloader",
    "Listing",
    "RangeError",
    "State",
    "call_id_of",
    "countdown",
    "default_range",
    "delete_recordings",
    "expiring_soon",
    "free_name",
    "human_size",
    "name_some",
    "overall",
    "parse_moment",
    "parse_range",
    "plural",
    "preset_range",
    "size_of",
    "sort_recordings",
    "summarize",
    "target_for",
]
