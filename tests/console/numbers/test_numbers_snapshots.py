"""Snapshots of the Numbers & callbacks screen (frozen in-process sandbox, 120x36): the list, the callback URL
form with a warning and a refusal, the query result of a restricted number, the un-assign confirmation."""

from __future__ import annotations

from pathlib import Path

from numbers_helpers import SIZE, NumbersHarness, select_number, still_cursor, until
from textual.widgets import Input

from console.screens.dialogs import ConfirmScreen
from console.screens.number_dialogs import CallbacksDialog


def test_numbers_list(snap_compare, tmp_path: Path) -> None:
    h = NumbersHarness(tmp_path)

    async def scene(pilot) -> None:
        screen = await h.open(pilot)
        await select_number(pilot, screen, "+46850512345")

    assert snap_compare(h.app, terminal_size=SIZE, run_before=scene)


def test_callback_form_with_a_warning(snap_compare, tmp_path: Path) -> None:
    h = NumbersHarness(tmp_path)

    async def scene(pilot) -> None:
        await h.open(pilot)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(h.app.screen, CallbacksDialog))
        dialog = h.app.screen
        dialog.query_one("#cb-primary", Input).value = "http://localhost:8080/sinch/events"
        dialog.query_one("#cb-fallback", Input).value = "http://backup.example.com/events"
        await pilot.pause()
        dialog.query_one("#cb-primary", Input).cursor_position = 0
        still_cursor(dialog)
        await pilot.pause()

    assert snap_compare(h.app, terminal_size=SIZE, run_before=scene)


def test_query_result_of_a_restricted_number(snap_compare, tmp_path: Path) -> None:
    h = NumbersHarness(tmp_path)

    async def scene(pilot) -> None:
        screen = await h.open(pilot)
        await pilot.press("l", *"0046 70-123 66 66", "enter")
        await until(pilot, lambda: screen.lookup is not None)
        still_cursor(screen)
        await pilot.pause()

    assert snap_compare(h.app, terminal_size=SIZE, run_before=scene)


def test_unassign_confirmation(snap_compare, tmp_path: Path) -> None:
    h = NumbersHarness(tmp_path)

    async def scene(pilot) -> None:
        screen = await h.open(pilot)
        await select_number(pilot, screen, "+442071838750")
        await pilot.press("u")
        await until(pilot, lambda: isinstance(h.app.screen, ConfirmScreen))
        await pilot.pause()

    assert snap_compare(h.app, terminal_size=SIZE, run_before=scene)
