"""The command palette (ctrl+p): namespaced commands for what the current screen and the app can do."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.screen import Screen

from console.mode_screens import MODE_ORDER

if TYPE_CHECKING:
    from console.app import SinchConsole


def console_commands(app: SinchConsole, screen: Screen[object]) -> Iterable[SystemCommand]:
    """The console's own commands, after Textual's (an open session only)."""
    from console.screens.conferences import ConferencesScreen

    yield SystemCommand("app: keys", "Every key of this screen and its id", app.action_help)
    for mode in MODE_ORDER:
        yield SystemCommand(f"mode: {mode.name}", f"{mode.about} ({mode.key})",
                            lambda name=mode.name: app.action_switch_mode(name))
    for name, profile in app.resolved.config.profiles.items():
        if name != app.resolved.profile_name:
            yield SystemCommand(f"app: switch profile to {name}", profile.display_label(name),
                                lambda name=name: app.switch_profile(name))
    if isinstance(screen, ConferencesScreen):
        for name, action, help_text in CONFERENCE_COMMANDS:
            if screen.check_action(action, ()) is not False:  # what a read-only profile refuses is not offered
                yield SystemCommand(f"conference: {name}", help_text, getattr(screen, f"action_{action}"))
    commands = getattr(screen, "palette_commands", None)  # a mode's own "area: verb" commands
    if callable(commands):
        for title, help_text, callback in commands():
            yield SystemCommand(title, help_text, callback)


CONFERENCE_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("add room", "add_room", "Watch another conference by its id (a)"),
    ("save room", "save_room", "Keep the visible room in this profile's saved rooms (s)"),
    ("mute all", "mute_all", "Mute everyone in the visible room (M)"),
    ("unmute all", "unmute_all", "Unmute everyone in the visible room (U)"),
    ("mute all except moderators", "mute_all_except_moderators", "Moderators from the address book stay (E)"),
    ("kick all", "kick_all", "Hang up everyone in the visible room; asks for the room id (K)"),
    ("auto-mute newcomers", "auto_mute", "Toggle: whoever joins is muted (A)"),
    ("soft lock", "soft_lock", "Toggle: unknown numbers joining are kicked (L)"),
    ("attendance report", "attendance", "Everyone seen in the room, exportable (R)"),
    ("pause polling", "pause", "Pause or resume polling of the visible room (p)"),
    ("refresh", "refresh", "Poll the visible room now (r)"),
    ("filter", "filter", "Filter the roster by name, number or call id (/)"),
    ("lower hand", "lower_hand", "Lower the raised hand of the participant under the cursor (h)"),
    ("lower all hands", "lower_all_hands", "Lower every raised hand in the visible room (H)"),
)

