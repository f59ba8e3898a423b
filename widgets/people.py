"""How the widgets word people and times: names from an address book, numbers formatted, clocks.

Durations are api.models.display.clock, the one format of every surface.

Pure functions, cached where a roster of thousands calls them every poll (phonenumbers parsing costs ~20 µs).
Number parsing and formatting live in api.models.common (console.rooms shows numbers the same way).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache

import phonenumbers

from api.models.common import NUMBERS_KEPT, digits, format_number, parse_number
from api.models.views import Contact

__all__ = [
    "AddressBookInput",
    "Contact",
    "clock_time",
    "digits",
    "format_number",
    "normalise_address_book",
    "number_digits",
    "short_call_id",
]


AddressBookInput = Mapping[str, "Contact | tuple[str, bool] | str"]
"""number -> Contact, (name, moderator) or just a name."""


def normalise_address_book(book: AddressBookInput | None) -> dict[str, Contact]:
    """Key the book by the digits of each number, so `+4670...`, `4670...` and `+46 70 ...` all find it."""
    contacts: dict[str, Contact] = {}
    for number, value in (book or {}).items():
        if isinstance(value, Contact):
            contact = value
        elif isinstance(value, str):
            contact = Contact(value)
        else:
            name, moderator = value
            contact = Contact(name, bool(moderator))
        contacts[digits(number) or number] = contact
    return contacts


@lru_cache(maxsize=NUMBERS_KEPT)
def number_digits(cli: str) -> str:
    """Every digit string a person might type for this number: international and national (`0708...`)."""
    parsed = parse_number(cli)
    if parsed is None:
        return digits(cli)
    national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return f"{digits(cli)} {digits(national)}"


def short_call_id(call_id: str) -> str:
    """Long call ids keep their first 8 characters: enough to tell calls apart on screen."""
    return call_id if len(call_id) <= 10 else call_id[:8] + "…"


def clock_time(moment: datetime) -> str:
    """HH:MM:SS in local time; naive datetimes are taken as already local (tests freeze them)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%H:%M:%S")
