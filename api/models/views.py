"""Models the console's services build and its widgets render: one class per concept, shared by both.

They live in api.models because it is the one layer both may import (services may not import widgets, widgets may
not import console; see the import-linter contracts). They are plain frozen dataclasses, not wire models: the
platform never sends or receives them. Only the standard library here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RoomSummary:
    """One watched room as the watch list shows it: counts, poll health, policy badges.

    Built by console.rooms (RoomWatch.summary, Moderator.summary), rendered by widgets.watch_list.
    """

    room: str
    participants: int | None = None
    """People in the room at the last good poll; None before the first answer."""
    muted: int | None = None
    health: str = "ok"
    """"ok", "waiting" (no answer yet), "stale" (last poll failed; see stale_for) or a short error text."""
    stale_for: float | None = None
    """Seconds since the last good poll when the roster is stale."""
    paused: bool = False
    auto_mute: bool = False
    locked: bool = False

    @property
    def stale(self) -> bool:
        return self.health == "stale"
