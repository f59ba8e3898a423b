"""The Callouts forms sit under plain `Tabs` in one column, one form displayed at a time (no TabbedContent: a key
typed into a field wakes each node above it). The tabs still switch forms when clicked or moved with the arrows,
the keys t/c/u/d still switch the tabs, and tab order runs tabs, then the shown form's fields only.
"""

from __future__ import annotations

from pathlib import Path

from callouts_helpers import recording_harness
from test_callouts_screen import open_callouts
from textual.widgets import Tabs

from console.screens.callouts import KINDS, CalloutsScreen


def shown(screen: CalloutsScreen) -> list[str]:
    return [kind for kind in KINDS if screen.query_one(f"#{kind}").display]


async def test_the_tabs_switch_the_form_shown(tmp_path: Path) -> None:
    h = recording_harness(tmp_path)
    async with h.app.run_test(size=(120, 36)) as pilot:
        screen = await open_callouts(h, pilot)
        tabs = screen.query_one("#form-tabs", Tabs)
        assert shown(screen) == ["tts"] and tabs.active == "tab-tts"
        await pilot.click("#tab-conference")
        await pilot.pause()
        assert screen.kind == "conference" and shown(screen) == ["conference"]
        tabs.focus()
        await pilot.press("right")
        await pilot.pause()
        assert screen.kind == "custom" and shown(screen) == ["custom"]
        await pilot.press("d")
        assert screen.kind == "dialin" and shown(screen) == ["dialin"] and tabs.active == "tab-dialin"
        await pilot.press("escape", "t")
        assert screen.kind == "tts" and shown(screen) == ["tts"] and tabs.active == "tab-tts"
        assert screen.focused is screen.query_one("#tts-destination")  # focus follows the form


async def test_tab_order_is_the_tabs_then_the_shown_form(tmp_path: Path) -> None:
    h = recording_harness(tmp_path)
    async with h.app.run_test(size=(120, 36)) as pilot:
        screen = await open_callouts(h, pilot)
        chain = [widget.id for widget in screen.focus_chain]
        # the form's containers take no focus (as TabPanes did): the arrow keys stay the fields'
        assert chain[:5] == ["form-tabs", "tts-destination", "tts-destination_type", "tts-text", "tts-locale"]
        assert not any(widget_id and widget_id.startswith(("conf-", "custom-", "dial-")) for widget_id in chain)
