"""Showing a mode for the first time does not refresh the whole CSS (SinchConsole.refresh_css): Textual reparsed
every stylesheet and restyled every node twice per first visit, ~25 ms of start-up. A theme change still
restyles every mode's screen, the ones shown before it and the ones first shown after it. Nor is a mode's new
screen restyled whole by the resumes that first show it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from console_helpers import SIZE, Harness, wait_for_roster
from textual.color import Color
from textual.screen import Screen
from waiting import eventually

THEME = "nord"  # not the default (textual-dark): its background differs


def _styled_in_theme(h: Harness) -> bool:
    return h.app.screen.styles.background == Color.parse(h.app.get_css_variables()["background"])


async def _show(h: Harness, pilot: object, key: str, screen: str) -> None:
    await pilot.press("escape", key)  # type: ignore[attr-defined]  # out of a field first: there digits are text
    await eventually(lambda: type(h.app.screen).__name__ == screen and h.app.screen.is_mounted, pilot,  # type: ignore[arg-type]
                     what=f"{screen} shown (now {type(h.app.screen).__name__})")


async def test_first_visits_of_modes_reparse_no_stylesheet(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        await wait_for_roster(h.app, pilot)
        reparses = []
        reparse = h.app.stylesheet.reparse
        h.app.stylesheet.reparse = lambda: (reparses.append(1), reparse())[1]  # type: ignore[method-assign]
        await _show(h, pilot, "2", "CalloutsScreen")
        await _show(h, pilot, "3", "CallsScreen")
        await _show(h, pilot, "1", "ConferencesScreen")
        assert reparses == []
        assert _styled_in_theme(h)


async def test_a_theme_change_restyles_the_screens_of_other_modes(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        await wait_for_roster(h.app, pilot)
        await _show(h, pilot, "2", "CalloutsScreen")
        await _show(h, pilot, "1", "ConferencesScreen")
        h.app.theme = THEME
        await eventually(lambda: _styled_in_theme(h), pilot, what="the shown screen in the new theme")
        await _show(h, pilot, "2", "CalloutsScreen")  # shown before the change
        assert _styled_in_theme(h)
        await _show(h, pilot, "3", "CallsScreen")  # first shown after it
        assert _styled_in_theme(h)


async def test_a_mode_screen_is_restyled_whole_when_shown_again_not_as_it_first_shows(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Textual restyles every node of a screen on each resume, twice as a mode first shows it, right after its
    widgets were styled as they mounted, and once more as its first resize sets its breakpoint classes
    (console/screens/styled_on_mount.py)."""
    restyled: list[str] = []
    update = Screen.update_node_styles

    def counting(self: Screen[object], animate: bool = True) -> None:
        caller, above = sys._getframe(1).f_code.co_name, sys._getframe(2).f_code.co_name
        if caller == "_on_screen_resume" or above == "_on_resize":  # shown, or its breakpoint classes set
            restyled.append(type(self).__name__)
        update(self, animate)

    monkeypatch.setattr(Screen, "update_node_styles", counting)
    h = Harness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        await wait_for_roster(h.app, pilot)
        await _show(h, pilot, "2", "CalloutsScreen")
        assert restyled.count("ConferencesScreen") == restyled.count("CalloutsScreen") == 0
        await _show(h, pilot, "1", "ConferencesScreen")  # shown again: restyled as Textual does
        assert restyled.count("ConferencesScreen") == 1
        assert _styled_in_theme(h)
