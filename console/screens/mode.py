"""The base of every mode screen that can change something: it hides what the gateway would refuse.

A screen names its change actions in CHANGES (screen action -> gateway action, console.gateway.CHANGES). On a
read-only profile `check_action` answers False for them, so the footer does not offer them and their keys do
nothing; an action reached another way still goes to the gateway, which refuses it in its one set of words.
GuardedRoster does the same for the roster's own keys (m, x), which live on the widget.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any, ClassVar

from textual.binding import BindingsMap
from textual.dom import DOMNode
from textual.keys import key_to_character

from console.screens.styled_on_mount import StyledOnMount
from console.session import Session
from widgets import Roster

WIDTHS: list[tuple[int, str]] = [(0, "-narrow"), (110, "-wide")]
"""Textual's breakpoint classes by terminal width: below 110 columns the watch list folds away (`w` shows it),
the mode bar takes short names and the footer its compact form (console.tcss)."""
HEIGHTS: list[tuple[int, str]] = [(0, "-short"), (30, "-medium"), (48, "-tall")]
"""By terminal height: the timeline gets fewer rows on a short terminal and more on a tall one (console.tcss)."""


class ModeScreen(StyledOnMount):
    """A mode (Conferences, Calls, Callouts, Recordings, Numbers) whose change keys follow the profile."""

    HORIZONTAL_BREAKPOINTS = WIDTHS
    VERTICAL_BREAKPOINTS = HEIGHTS

    CHANGES: ClassVar[dict[str, str]] = {}
    """Screen action -> the gateway action it sends ("kick_all" -> "kick_all", "hangup" -> "call_hangup")."""
    session: Session

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        change = self.CHANGES.get(action)
        return change is None or not self.session.gateway.refuses(change)

    @property
    def _binding_chain(self) -> list[tuple[DOMNode, BindingsMap]]:
        # Textual's own chain (focused widget up to the app), less the printable keys above a focused field.
        return without_printable_above_field(super()._binding_chain)


FIELDS = frozenset({"Input", "TextArea", "Select", "SelectionList", "RadioSet", "RadioButton", "Checkbox"})
"""Textual's widgets that take text or pick a value: printable keys are theirs while they (or a part of them)
have focus. Named rather than imported: a widget is one if its class is one of these or derives from one, and a
class not yet imported has no widget to ask about (TextArea and the rest are ~10 ms the roster does not need)."""


@cache
def _is_field_class(cls: type) -> bool:
    return any(base.__name__ in FIELDS and base.__module__.startswith("textual.widgets") for base in cls.__mro__)


def is_field(node: DOMNode) -> bool:
    return _is_field_class(type(node))


@lru_cache(maxsize=1024)  # asked for every key of every map above a field, on every key press
def is_printable_key(key: str) -> bool:
    character = key_to_character(key)
    return character is not None and character.isprintable()


def without_printable_above_field(chain: list[tuple[DOMNode, BindingsMap]]) -> list[tuple[DOMNode, BindingsMap]]:
    """`chain` (focused widget first) with the printable keys removed from every node above the innermost field.

    The maps are Textual's copies made for this chain, so removing keys changes no widget's own bindings.
    """
    above_field = False
    for node, bindings in chain:
        if above_field:
            for key in [key for key in bindings.key_to_bindings if is_printable_key(key)]:
                del bindings.key_to_bindings[key]
        above_field = above_field or is_field(node)
    return chain


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
