"""The base of every mode screen that can change something: it hides what the gateway would refuse.

A screen names its change actions in CHANGES (screen action -> gateway action, console.gateway.CHANGES). On a
read-only profile `check_action` answers False for them, so the footer does not offer them and their keys do
nothing; an action reached another way still goes to the gateway, which refuses it in its one set of words.
GuardedRoster does the same for the roster's own keys (m, k), which live on the widget.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.screen import Screen

from console.session import Session
from widgets import Roster


class ModeScreen(Screen[None]):
    """A mode (Conferences, Calls, Callouts, Recordings, Numbers) whose change keys follow the profile."""

    CHANGES: ClassVar[dict[str, str]] = {}
    """Screen action -> the gateway action it sends ("kick_all" -> "kick_all", "hangup" -> "call_hangup")."""
    session: Session

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        change = self.CHANGES.get(action)
        return change is None or not self.session.gateway.refuses(change)


class GuardedRoster(Roster):
    """The roster, with mute and kick hidden when the session's gateway would refuse them."""

    CHANGES: ClassVar[dict[str, str]] = {"mute_toggle": "mute", "kick": "kick"}

    def __init__(self, session: Session, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        change = self.CHANGES.get(action)
        if change is not None and self.session.gateway.refuses(change):
            return False
        return super().check_action(action, parameters)
