"""Typing on Callouts never leaves the screen (issue 14, bug 1): printable keys belong to the focused field; and
(bug 5) a number says why it is not one, and the side pane forgets a complaint once the form is fixed.

Tab from Destination lands on the destination type's select; a number typed there used to switch modes (the
digits) and a sentence flipped forms (t/c/u/d). Now the select searches its options as typed, and the
screen's and the app's printable keys wait until focus leaves the field; out of a field (or on a table) they
work as before.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from callouts_helpers import recording_harness
from test_callouts_screen import open_callouts, type_into
from textual.widgets import DataTable, Input, Select, Static

from console.callouts.fields import FieldProblem, check_number
from console.screens.callout_forms import search_match


async def test_a_number_typed_into_the_destination_type_stays_on_the_form(tmp_path: Path) -> None:
    h = recording_harness(tmp_path)
    async with h.app.run_test(size=(120, 36)) as pilot:
        screen = await open_callouts(h, pilot)
        assert screen.focused is screen.query_one("#tts-destination", Input)
        await pilot.press("tab")
        selector = screen.query_one("#tts-destination_type", Select)
        assert screen.focused is selector
        await pilot.press(*"+46700000002")
        assert h.app.screen is screen, h.app.screen
        assert screen.kind == "tts" and screen.focused is selector
        assert selector.value == "number"


async def test_a_sentence_typed_into_a_select_flips_no_form(tmp_path: Path) -> None:
    h = recording_harness(tmp_path)
    async with h.app.run_test(size=(120, 36)) as pilot:
        screen = await open_callouts(h, pilot)
        locale = screen.query_one("#tts-locale", Select)
        locale.focus()
        await pilot.pause()
        await pilot.press(*"cut the duty roster? 1234567", "question_mark")
        assert h.app.screen is screen, h.app.screen
        # The space opened the list (the select's own key), which then searched what followed.
        assert screen.kind == "tts" and screen.focused is not None and locale in screen.focused.ancestors_with_self


async def test_the_destination_type_takes_type_to_search(tmp_path: Path) -> None:
    h = recording_harness(tmp_path)
    async with h.app.run_test(size=(120, 36)) as pilot:
        screen = await open_callouts(h, pilot)
        selector = screen.query_one("#tts-destination_type", Select)
        selector.focus()
        await pilot.pause()
        await pilot.press("u")
        assert selector.value == "username"
        assert screen.kind == "tts"  # u is the Custom form's key out of a field
        locale = screen.query_one("#tts-locale", Select)
        locale.focus()
        await pilot.pause()
        await pilot.press("s", "v")
        assert locale.value == "sv-SE"


async def test_out_of_a_field_and_on_a_table_the_keys_still_work(tmp_path: Path) -> None:
    h = recording_harness(tmp_path)
    async with h.app.run_test(size=(120, 36)) as pilot:
        screen = await open_callouts(h, pilot)
        await pilot.press("escape", "c")
        assert screen.kind == "conference"
        await pilot.press("escape", "d")
        assert screen.kind == "dialin"
        screen.query_one("#legs", DataTable).focus()
        await pilot.press("t")
        assert screen.kind == "tts"
        await pilot.press("escape", "7")
        assert h.app.screen is not screen


def test_type_to_search_matches_a_prefix_and_cycles_one_letter() -> None:
    labels = [("en-GB · English", "en-GB"), ("en-US · English", "en-US"), ("sv-SE · Swedish", "sv-SE")]
    assert search_match(labels, "sv", "en-GB") == "sv-SE"
    assert search_match(labels, "en-u", "en-GB") == "en-US"
    assert search_match(labels, "ee", "en-GB") == "en-US"  # the same letter again: the next one starting with it
    assert search_match(labels, "eee", "en-US") == "en-GB"
    assert search_match(labels, "+", "en-GB") is None


async def test_the_side_pane_forgets_a_complaint_once_the_form_is_fixed(tmp_path: Path) -> None:
    h = recording_harness(tmp_path)
    async with h.app.run_test(size=(120, 36)) as pilot:
        screen = await open_callouts(h, pilot)
        await type_into(pilot, screen, "tts-destination", "+4670")
        await pilot.press("ctrl+s")
        status = screen.query_one("#callouts-status", Static)
        assert "too short for +46 (Sweden)" in str(status.render())
        await type_into(pilot, screen, "tts-destination", "+46708168731")
        assert "too short" not in str(status.render())
        assert str(status.render()).strip() == ""


def test_a_number_says_what_is_wrong_with_it() -> None:
    def problem(text: str) -> str:
        with pytest.raises(FieldProblem) as raised:
            check_number(text)
        return raised.value.reason

    assert "too short for +46 (Sweden)" in problem("+4670")
    assert "unknown country code +999" in problem("+999123456")
    assert "too long for +46" in problem("+46701234567890123")
    assert "type it with its country code" in problem("0701234567")  # a national number
    assert "country code" not in problem("+4670")
