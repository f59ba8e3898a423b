"""Every mode's footer fits at 80 and at 120 columns (issue 14: "80x24 is fully usable in every mode ... footers
fit"): each key it shows is wholly on screen, left of the palette key where that shows, and `?` is among them,
so the keys left out of the footer are one press away. Those keys still work, and `?` lists them."""

from __future__ import annotations

from pathlib import Path

import pytest
from console_helpers import Harness, wait_for_roster
from textual.pilot import Pilot
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer
from textual.widgets._footer import FooterKey
from waiting import eventually

from console.app import SinchConsole
from console.screens.dialogs import PromptScreen
from console.screens.help import HelpScreen
from console.screens.mode import is_field
from console.screens.mode_bar import MODE_ORDER, ModeBar
from console.screens.participant_panel import ParticipantPanel

SIZES = [(80, 24), (120, 36)]


def footer_keys(screen: Screen[object]) -> list[FooterKey]:
    """The keys the footer shows for the screen's own and the app's bindings (not the palette key)."""
    footer = screen.query_one(Footer)
    return [key for key in footer.query(FooterKey) if not key.has_class("-command-palette")]


def settled(screen: Screen[object]) -> bool:
    """The footer shows the screen's bindings as they are now (it recomposes after focus moves), laid out."""
    wanted = {binding.description for _, binding, _, _ in screen.active_bindings.values() if binding.show}
    keys = footer_keys(screen)
    return {key.description for key in keys} == wanted and bool(keys) and keys[0].region.width > 0


def cut_keys(screen: Screen[object]) -> list[str]:
    """The footer's keys that are not wholly on screen: past its right edge, under the palette key, or not at all."""
    footer = screen.query_one(Footer)
    right = footer.region.right
    for palette in footer.query(FooterKey).filter(".-command-palette"):
        if palette.display:
            right = min(right, palette.region.x)
    return [f"{key.key_display} {key.description}" for key in footer_keys(screen)
            if key.region.width == 0 or key.region.x < footer.region.x or key.region.right > right]


async def check(app: SinchConsole, pilot: Pilot[None], problems: dict[str, list[str]], where: str) -> None:
    screen = await eventually(lambda: app.screen if settled(app.screen) else None, pilot, what=f"{where}'s footer")
    cut = cut_keys(screen)
    # Printable keys (`?` too) are typed in a field; a modal screen's footer shows all its keys and `?` is not one.
    help_expected = not (app.focused is not None and is_field(app.focused)) and not isinstance(screen, ModalScreen)
    if help_expected and "?" not in [key.key_display for key in footer_keys(screen)]:
        cut.append("? is not in the footer")
    if cut:
        problems[where] = cut


async def open_mode(app: SinchConsole, pilot: Pilot[None], name: str, digit: str) -> None:
    """Switch modes by digit and wait for what moves the focus (rows loaded), as the footer follows the focus."""
    await pilot.press(digit)
    await eventually(lambda: app.current_mode == name and app.screen.query(ModeBar), pilot, what=name)
    screen = app.screen
    if name == "recordings":
        await eventually(lambda: screen.query_one("#recordings", DataTable).row_count > 0, pilot)
    if name == "numbers":
        await eventually(lambda: not getattr(screen, "fetching", True) and getattr(screen, "items", None), pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
async def test_every_footer_fits(tmp_path: Path, size: tuple[int, int]) -> None:
    h = Harness(tmp_path, seed=7)
    problems: dict[str, list[str]] = {}
    async with h.app.run_test(size=size) as pilot:
        await wait_for_roster(h.app, pilot)
        for mode in MODE_ORDER:
            await open_mode(h.app, pilot, mode.name, mode.key)
            await check(h.app, pilot, problems, mode.name)
            if mode.name == "callouts":  # it opens in a field; out of it, its letters switch forms and show
                await pilot.press("escape")
                await eventually(lambda: not (h.app.focused is not None and is_field(h.app.focused)), pilot)
                await check(h.app, pilot, problems, "callouts, out of a field")
        await pilot.press("1")
        await wait_for_roster(h.app, pilot)
        await pilot.press("enter")
        await eventually(lambda: isinstance(h.app.screen, ParticipantPanel), pilot)
        await check(h.app, pilot, problems, "participant panel")
    assert problems == {}


async def test_keys_left_out_of_the_footer_work_and_help_lists_them(tmp_path: Path) -> None:
    h = Harness(tmp_path, seed=7)
    async with h.app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_roster(h.app, pilot)
        await eventually(lambda: settled(screen), pilot)
        shown = {key.key_display for key in footer_keys(screen)}
        assert not {"a", "K", "p"} & shown  # add room, kick all, pause: under `?` at 80 columns
        await pilot.press("question_mark")
        help_screen = await eventually(lambda: h.app.screen if isinstance(h.app.screen, HelpScreen) else None, pilot)
        ids = {row.binding_id for row in help_screen.rows}
        assert {"conference.add_room", "conference.kick_all", "conference.pause"} <= ids
        await pilot.press("escape")
        await pilot.press("a")
        await eventually(lambda: isinstance(h.app.screen, PromptScreen), pilot, what="the add-room prompt")


async def test_callouts_says_in_its_footer_how_to_leave_a_field(tmp_path: Path) -> None:
    """In a field letters are typed, so the footer names the one key that gets out; out of it, it is not offered."""
    h = Harness(tmp_path, seed=7)
    async with h.app.run_test(size=(80, 24)) as pilot:
        await wait_for_roster(h.app, pilot)
        await open_mode(h.app, pilot, "callouts", "2")
        screen = h.app.screen
        await eventually(lambda: h.app.focused is not None and is_field(h.app.focused) and settled(screen), pilot)
        assert "Leave field" in {key.description for key in footer_keys(screen)}
        assert cut_keys(screen) == []
        await pilot.press("escape")
        await eventually(lambda: not (h.app.focused is not None and is_field(h.app.focused)) and settled(screen), pilot)
        assert "Leave field" not in {key.description for key in footer_keys(screen)}
