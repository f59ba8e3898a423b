"""The mode bar marks the mode of the screen it is on, even when that screen was mounted ahead of being shown
(the app preloads every mode a second after start: each bar used to mark Conferences, the mode current then)."""

from __future__ import annotations

import importlib

from console.screens.mode_bar import MODE_ORDER

SCREENS = {"conferences": "ConferencesScreen", "callouts": "CalloutsScreen", "calls": "CallsScreen",
           "recordings": "RecordingsScreen", "numbers": "NumbersScreen", "events": "EventsScreen",
           "log": "LogScreen"}


def test_every_mode_screen_names_its_own_mode() -> None:
    for mode in MODE_ORDER:
        screen = getattr(importlib.import_module(f"console.screens.{mode.name}"), SCREENS[mode.name])
        assert mode.name == screen.MODE
