"""Who a number is: the address book the rooms logic needs (names, moderator flag), and how a number is shown.

The profile's address book is built by console/config; this module only asks one question of it (`lookup`),
so any object with that method can be passed in. Numbers are compared by a normalised key because people
write "+46 70-816 87 31" in a config file while the platform reports "+46708168731".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

from api.models.common import format_number as format_phone_number
from api.models.common import number_key
from api.models.views import Contact


class AddressBookLike(Protocol):
    """What the rooms logic needs from an address book: the contact behind a number, or None."""

    def lookup(self, cli: str) -> Contact | None: ...


def format_number(cli: str) -> str:
    """The number as people read it ("+46 70 816 87 31"); "unknown number" when there is none."""
    return format_phone_number(cli) if cli else "unknown number"


class AddressBook:
    """number -> Contact, matched on `number_key`. Values may be a Contact, a bare name or a dict."""

    def __init__(self, entries: Mapping[str, object] | None = None) -> None:
        self._by_key: dict[str, Contact] = {}
        for number, value in (entries or {}).items():
            self._by_key[number_key(number)] = _contact(value)

    def lookup(self, cli: str) -> Contact | None:
        return self._by_key.get(number_key(cli)) if cli else None

    def __len__(self) -> int:
        return len(self._by_key)

    @property
    def moderators(self) -> frozenset[str]:
        """The number keys of every moderator."""
        return frozenset(key for key, contact in self._by_key.items() if contact.moderator)


def _contact(value: object) -> Contact:
    """A Contact from ours, a bare name, a dict, or anything with `name`/`moderator` (the config's model)."""
    if isinstance(value, Contact):
        return value
    if isinstance(value, str):
        return Contact(value)
    if isinstance(value, Mapping):
        return Contact(str(value.get("name", "")), bool(value.get("moderator", False)))
    return Contact(str(getattr(value, "name", "")), bool(getattr(value, "moderator", False)))


def is_known(book: AddressBookLike | None, cli: str) -> bool:
    return book is not None and book.lookup(cli) is not None


def is_moderator(book: AddressBookLike | None, cli: str) -> bool:
    contact = book.lookup(cli) if book is not None else None
    return contact is not None and contact.moderator


def moderator_numbers(book: AddressBookLike | None, clis: Iterable[str]) -> set[str]:
    """Which of `clis` belong to moderators (for "mute all except moderators")."""
    return {cli for cli in clis if is_moderator(book, cli)}


def display_name(cli: str, book: AddressBookLike | None = None) -> str:
    """"Ada (+46 70 816 87 31)" when the book knows the number, else the formatted number alone."""
    contact = book.lookup(cli) if book is not None and cli else None
    number = format_number(cli)
    return f"{contact.name} ({number})" if contact is not None and contact.name else number
