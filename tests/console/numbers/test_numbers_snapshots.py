"""Snapshots of the Numbers & callbacks screen (frozen in-process sandbox, 120x36): the list, the callback URL
form with a warning and a refusal, the query result of a restricted number, the un-assign confirmation, the
assign form filled in, the screen after a platform 500 on load, and a read-only profile's screen."""

from __future__ import annotations

from pathlib import Path

from numbers_helpers import SIZE, UNASSIGNED_VOICE, NumbersHarness, select_number, still_cursor
from textual.widgets import DataTable, Input
from waiting import eventually

from console.screens.dialogs import ConfirmScreen
from console.screens.number_dialogs import AssignDialog, CallbacksDialog


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
        await eventually(lambda: isinstance(h.app.screen, CallbacksDialog), pilot)
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
        await eventually(lambda: screen.lookup is not None, pilot)
        still_cursor(screen)
        await pilot.pause()

    assert snap_compare(h.app, terminal_size=SIZE, run_before=scene)


def test_unassign_confirmation(snap_compare, tmp_path: Path) -> None:
    h = NumbersHarness(tmp_path)

    async def scene(pilot) -> None:
        screen = await h.open(pilot)
        await select_number(pilot, screen, "+442071838750")
        await pilot.press("u")
        await eventually(lambda: isinstance(h.app.screen, ConfirmScreen), pilot)
        await pilot.pause()

    assert snap_compare(h.app, terminal_size=SIZE, run_before=scene)


def test_assign_form_filled_in(snap_compare, tmp_path: Path) -> None:
    h = NumbersHarness(tmp_path)

    async def scene(pilot) -> None:
        screen = await h.open(pilot)
        await select_number(pilot, screen, UNASSIGNED_VOICE[0])
        await pilot.press("a")
        await eventually(lambda: isinstance(h.app.screen, AssignDialog), pilot)
        dialog = h.app.screen
        dialog.query_one("#assign-numbers", Input).value = "+1 415 555 0132; 0049 30 901820"
        await pilot.pause()
        assert dialog.checked is not None and dialog.checked.plan is not None  # valid: Assign is enabled
        dialog.query_one("#assign-numbers", Input).cursor_position = 0
        still_cursor(dialog)
        await pilot.pause()

    assert snap_compare(h.app, terminal_size=SIZE, run_before=scene)


def test_numbers_after_a_platform_500_on_load(snap_compare, tmp_path: Path) -> None:
    h = NumbersHarness(tmp_path)

    async def scene(pilot) -> None:
        await h.fault(kind="status", status=500, count=-1, path="/v1/configuration")
        screen = await h.push(pilot)
        await eventually(lambda: screen.list_error is not None and screen.callbacks_error is not None
                    and not screen.fetching, pilot)
        assert screen.focused is screen.query_one("#numbers", DataTable)  # the keys still answer
        await pilot.pause()

    assert snap_compare(h.app, terminal_size=SIZE, run_before=scene)


def test_read_only_numbers(snap_compare, tmp_path: Path) -> None:
    h = NumbersHarness(tmp_path, read_only=True)

    async def scene(pilot) -> None:
        screen = await h.open(pilot)
        await select_number(pilot, screen, UNASSIGNED_VOICE[0])

    assert snap_compare(h.app, terminal_size=SIZE, run_before=scene)
