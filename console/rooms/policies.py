"""Client-side room policies, because Sinch has none: keep newcomers muted, and a soft lock.

`auto_mute`: whoever joins is muted on arrival (moderators excepted: they run the call).
`soft_lock`: once locked, a number that joins and is not in the address book is kicked. Moderators and known
numbers are exempt, and so is everyone present when the lock was set (they were let in already).

Only newcomers count: the first answer of a watch (`RoomDiff.initial`) lists people who were there before the
console looked, and policies leave them alone. `decide` is pure: the Moderator carries the actions out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from console.rooms.contacts import AddressBookLike, format_number, is_known, is_moderator
from console.rooms.watch import RoomDiff


@dataclass(frozen=True)
class PolicyAction:
    """Something a policy wants done to one participant, and why (shown in the timeline and audit log)."""

    kind: Literal["mute", "kick"]
    call_id: str
    cli: str
    reason: str


@dataclass
class RoomPolicy:
    """The policies of one room. `lock` remembers who was present, so they stay."""

    auto_mute: bool = False
    soft_lock: bool = False
    locked_at: datetime | None = None
    present_at_lock: frozenset[str] = field(default_factory=frozenset)

    def lock(self, present_call_ids: Iterable[str], now: datetime) -> None:
        self.soft_lock = True
        self.locked_at = now
        self.present_at_lock = frozenset(present_call_ids)

    def unlock(self) -> None:
        self.soft_lock = False
        self.locked_at = None
        self.present_at_lock = frozenset()

    def describe(self) -> str:
        """For the room header: "auto-mute · soft lock", or "" when no policy is on."""
        parts = (["auto-mute"] if self.auto_mute else []) + (["soft lock"] if self.soft_lock else [])
        return " · ".join(parts)


def decide(diff: RoomDiff, policy: RoomPolicy, address_book: AddressBookLike | None) -> list[PolicyAction]:
    """What the room's policies want done about this poll's joiners (a kick makes a mute pointless)."""
    if diff.initial or not (policy.auto_mute or policy.soft_lock):
        return []
    actions: list[PolicyAction] = []
    for person in diff.joined:
        if is_moderator(address_book, person.cli):
            continue
        if (policy.soft_lock and person.call_id not in policy.present_at_lock
                and not is_known(address_book, person.cli)):
            number = format_number(person.cli)
            actions.append(PolicyAction("kick", person.call_id, person.cli,
                                        f"soft lock: {number} is not in the address book"))
            continue
        if policy.auto_mute and not person.muted:
            actions.append(PolicyAction("mute", person.call_id, person.cli, "auto-mute: newcomers join muted"))
    return actions
