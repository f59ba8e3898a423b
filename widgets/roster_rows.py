"""What the roster keeps per participant and how a row is worded and styled.

Pure data and functions, no widget: the roster reconciles polls into `Entry`s and draws their `cells`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from rich.text import Text

from api.models import Participant
from api.models.display import printable
from widgets.people import Contact, clock_time, digits, format_number, number_digits, short_call_id

__all__ = ["COLUMNS", "Entry", "RosterRow", "filter_digits", "row_cells", "styled_cell", "styled_row", "time_in_call",
           "time_in_call_changes_at"]

COLUMNS: tuple[tuple[str, str, int | None], ...] = (
    # key, label, fixed width (None: fits its content). Fixed widths for the columns whose values come from a
    # small vocabulary: their cells can change without the table re-measuring the column.
    ("who", "Participant", None),
    ("mod", "★", 1),
    ("call", "Call", None),
    ("time", "In call", None),
    ("muted", "Muted", 5),
    ("hold", "Hold", 7),
    ("joined", "Joined", 8),
    ("hand", "Hand", 4),
)
WHO, MOD, CALL, TIME, MUTED, HOLD, JOINED, HAND = range(len(COLUMNS))
"""Cell indices, in `COLUMNS` order."""
_VALUE_STYLES = {MOD: "bold yellow", MUTED: "bold dark_orange", HOLD: "yellow", HAND: "bold magenta"}
_PHONE_LIKE = re.compile(r"[\d\s+\-().]*\d[\d\s+\-().]*")


class RosterRow(NamedTuple):
    """What the roster knows about one participant, e.g. to name them in a confirmation."""

    participant: Participant
    name: str
    number: str
    moderator: bool
    joined_at: datetime
    left_at: datetime | None
    hand_raised: bool


@dataclass(slots=True, eq=False)
class Entry:
    """One participant as the roster keeps them between polls: the last model, its cells and how it is drawn."""

    participant: Participant
    joined_at: datetime
    polled_at: datetime
    seconds: int
    contact: Contact | None = None
    cells: list[str] = field(default_factory=list)
    look: str = ""  # "", "new" or "left": how the row is drawn
    left_at: datetime | None = None
    search: str = ""
    digits: str = ""

    def identify(self, contacts: Mapping[str, Contact]) -> None:
        """Look the number up in the (normalised) address book and index what a filter searches."""
        cli = self.participant.cli
        self.contact = contacts.get(digits(cli) or cli)
        name = self.contact.name if self.contact else format_number(cli)
        self.search = f"{name}\n{self.participant.call_id}\n{cli}".casefold()
        self.digits = ""  # worked out when a filter first needs it: phonenumbers is the costly part

    def row(self, hand_raised: bool) -> RosterRow:
        """What the roster tells others about this participant."""
        return RosterRow(
            self.participant,
            self.cells[WHO],
            format_number(self.participant.cli),
            self.contact is not None and self.contact.moderator,
            self.joined_at,
            self.left_at,
            hand_raised,
        )

    def matches(self, text: str, text_digits: str) -> bool:
        """Whether a casefolded filter `text` (or its digits, when it looks like a number) finds this entry."""
        if not text or text in self.search:
            return True
        if not text_digits:
            return False
        if text_digits.startswith("+"):  # typed with its country code: the number must start so (+46 is not +1 646)
            return digits(self.participant.cli).startswith(text_digits[1:])
        if not self.digits:
            self.digits = number_digits(self.participant.cli)
        return text_digits in self.digits


def filter_digits(text: str) -> str:
    """The digits a filter looks for in numbers: only when the text looks like a phone number. Typed with a
    country code (`+46`, `0046`) they are marked with a leading `+`: then they match the start of the E.164
    number only; otherwise anywhere in its international or national digits (`0708` finds `+46 70 8...`)."""
    if not _PHONE_LIKE.fullmatch(text):
        return ""
    found = digits(text)
    stripped = text.lstrip()
    if stripped.startswith("+"):
        return f"+{found}"
    if stripped.startswith("00") and len(found) > 2:
        return f"+{found[2:]}"
    return found


def time_in_call(seconds: int) -> str:
    """How long someone has been in the call, as the roster shows it: "<1 min" in their first minute, then whole
    minutes ("3 min", "1 h 05 min"). A row's text changes at most once a minute, so a quiet room repaints nothing
    most seconds: ticking seconds in a room that just began redrew every row every second (1.4 % of a core for
    four people), and nobody moderates by the second (the participant panel, `enter`, still counts seconds).
    Negative (clock skew) reads as the first minute."""
    minutes = max(0, int(seconds)) // 60
    if not minutes:
        return "<1 min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def time_in_call_changes_at(seconds: int) -> int:
    """The first count of seconds after `seconds` at which `time_in_call` says something else: the next whole
    minute. The roster's tick sleeps until the earliest of these instead of rewording every row each second."""
    return (max(0, int(seconds)) // 60 + 1) * 60


def row_cells(call_id: str, entry: Entry, hand_raised: bool) -> list[str]:
    """The text of every cell, in `COLUMNS` order."""
    participant = entry.participant
    contact = entry.contact
    return [  # the cli and call id come from the platform: printable (see api.models.display)
        printable(contact.name if contact else format_number(participant.cli)),
        "★" if contact and contact.moderator else "",
        printable(short_call_id(call_id)),
        "left" if entry.left_at is not None else time_in_call(entry.seconds),
        "muted" if participant.muted else "",
        "on hold" if participant.on_hold else "",
        clock_time(entry.joined_at),
        "▲" if hand_raised else "",
    ]


def styled_cell(index: int, value: str, look: str) -> str | Text:
    """One cell as drawn: plain text unless its value or the row's look (new, left) calls for a style."""
    if look == "left":
        return Text(value, style="dim italic" if index == TIME else "dim strike")
    style = _VALUE_STYLES.get(index, "") if value else ""
    if look == "new":
        style = f"{style} bold green" if index == WHO else style or "green"
    # Names, numbers and call ids come from the platform and the address book: always Text, never markup
    # (a caller whose CLI reads "[/b]" must not crash every console watching the room).
    return Text(value, style=style) if style or index in (WHO, CALL) else value


def styled_row(cells: list[str], look: str) -> list[str | Text]:
    """Every cell of a row as drawn."""
    return [styled_cell(index, value, look) for index, value in enumerate(cells)]
