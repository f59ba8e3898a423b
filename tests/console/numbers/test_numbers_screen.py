"""The Numbers & callbacks screen driven by keys on the frozen in-process sandbox; asserts on the sandbox's state."""

from __future__ import annotations

from pathlib import Path

import pytest
from numbers_helpers import (
    ASSIGNED,
    SIZE,
    SMS,
    UNASSIGNED_VOICE,
    NumbersHarness,
    cell,
    select_number,
    status,
)
from textual.widgets import Button, DataTable, Input
from waiting import eventually

from console.gateway import read_only_text
from console.screens.dialogs import ConfirmScreen
from console.screens.number_dialogs import AssignDialog, CallbacksDialog


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


def lookup_text(screen) -> str:
    """The query result: its banner (restricted or not) and its rows."""
    return text(screen, "#query-banner") + "\n" + text(screen, "#query-result")


async def test_lists_the_sandbox_numbers(tmp_path: Path) -> None:
    h = NumbersHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        owned = await h.numbers()
        table = screen.query_one("#numbers", DataTable)
        assert sorted(row.key.value for row in table.ordered_rows) == sorted(owned)
        for number in ASSIGNED:
            assert cell(screen, number, "application") == "this app"
        for number in (*UNASSIGNED_VOICE, SMS):
            assert cell(screen, number, "application") == "unassigned"
        assert cell(screen, "+46850512345", "number") == "+46 8 505 123 45"
        assert cell(screen, "+46850512345", "country") == "SE · Sweden"
        assert cell(screen, SMS, "capability") == "sms"
        assert "5 numbers · 2 on this app · 3 unassigned" in text(screen, "#numbers-title")
        callbacks = text(screen, "#callbacks-view")
        assert "Primary   (not set)" in callbacks and "Fallback  (not set)" in callbacks
        assert h.app_key in callbacks
        assert "Loaded at 09:30:00" in status(screen)


async def test_assign_an_unassigned_number(tmp_path: Path) -> None:
    h = NumbersHarness(tmp_path)
    number = UNASSIGNED_VOICE[0]
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        await select_number(pilot, screen, number)
        await pilot.press("a")
        await eventually(lambda: isinstance(h.app.screen, AssignDialog), pilot)
        dialog = h.app.screen
        assert dialog.query_one("#assign-numbers", Input).value == number  # the selected number, preset
        assert "to this app as voice" in text(dialog, "#form-summary")
        await pilot.press("enter")
        await eventually(lambda: "Assigned" in status(screen) and not screen.fetching, pilot)
        assert (await h.numbers())[number] == h.app_key
        assert cell(screen, number, "application") == "this app"
        assert "Assigned +1 415-555-0132 to this app as voice" in status(screen)
        assert screen.selected() is not None and screen.selected().number == number  # the cursor stayed on it
        lines = [(e.action, e.phase, e.outcome, e.cli) for e in h.audit()]
        assert lines == [("assign_number", "attempt", None, number), ("assign_number", "outcome", "ok", number)]


async def test_assign_several_numbers_at_once(tmp_path: Path) -> None:
    h = NumbersHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        await pilot.press("a")
        await eventually(lambda: isinstance(h.app.screen, AssignDialog), pilot)
        field = h.app.screen.query_one("#assign-numbers", Input)
        field.value = "+1 415 555 0132, 0049 30 901820"
        await pilot.pause()
        assert "2 numbers" in text(h.app.screen, "#assign-numbers-msg")
        await pilot.press("ctrl+s")
        await eventually(lambda: "Assigned" in status(screen) and not screen.fetching, pilot)
        owned = await h.numbers()
        assert all(owned[n] == h.app_key for n in UNASSIGNED_VOICE)
        assert "5 numbers · 4 on this app · 1 unassigned" in text(screen, "#numbers-title")


async def test_unassign_asks_first_and_cancelling_changes_nothing(tmp_path: Path) -> None:
    h = NumbersHarness(tmp_path)
    number = "+46850512345"
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        await select_number(pilot, screen, number)
        await pilot.press("u")
        await eventually(lambda: isinstance(h.app.screen, ConfirmScreen), pilot)
        question = text(h.app.screen, "#dialog-question")
        assert "+46 8 505 123 45" in question and "this app" in question and h.app_key in question
        await pilot.press("n")
        await eventually(lambda: "cancelled" in status(screen), pilot)
        assert (await h.numbers())[number] == h.app_key
        assert h.audit() == []

        await pilot.press("u")
        await eventually(lambda: isinstance(h.app.screen, ConfirmScreen), pilot)
        await pilot.press("y")
        await eventually(lambda: "Un-assigned" in status(screen) and not screen.fetching, pilot)
        assert (await h.numbers())[number] is None
        assert cell(screen, number, "application") == "unassigned"
        assert [(e.action, e.outcome) for e in h.audit()] == [("unassign_number", None), ("unassign_number", "ok")]


async def test_unassigning_an_unassigned_number_is_worded(tmp_path: Path) -> None:
    h = NumbersHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        await select_number(pilot, screen, SMS)
        await pilot.press("u")
        await pilot.pause()
        assert "+33 1 42 68 53 00 is not assigned to any application" in status(screen)
        assert not isinstance(h.app.screen, ConfirmScreen)


async def test_wrong_capability_and_foreign_numbers_are_refused_in_words(tmp_path: Path) -> None:
    h = NumbersHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        await select_number(pilot, screen, SMS)
        await pilot.press("a")
        await eventually(lambda: isinstance(h.app.screen, AssignDialog), pilot)
        dialog = h.app.screen
        assert "to this app as sms" in text(dialog, "#form-summary")  # the number's own capability, preset
        dialog.query_one("#assign-capability").value = "voice"
        await pilot.pause()
        assert "+33 1 42 68 53 00 is sms only" in text(dialog, "#assign-capability-msg")
        assert dialog.query_one("#submit", Button).disabled
        dialog.query_one("#assign-numbers", Input).value = "+46 70 123 45 67"
        await pilot.pause()
        assert "is not a number of this account" in text(dialog, "#assign-numbers-msg")
        dialog.query_one("#assign-numbers", Input).value = "+46 70 abc"
        await pilot.pause()
        assert "has letters" in text(dialog, "#assign-numbers-msg")
        await pilot.press("enter")  # nothing to send: the dialog stays
        assert h.app.screen is dialog
        await pilot.press("escape")
        await eventually(lambda: "Not assigned: cancelled" in status(screen), pilot)
        assert (await h.numbers())[SMS] is None
        assert h.audit() == []


async def test_the_platform_refusing_an_application_key_is_worded_and_audited(tmp_path: Path) -> None:
    h = NumbersHarness(tmp_path)
    number = UNASSIGNED_VOICE[1]
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        await select_number(pilot, screen, number)
        await pilot.press("a")
        await eventually(lambda: isinstance(h.app.screen, AssignDialog), pilot)
        h.app.screen.query_one("#assign-key", Input).value = "11983f76-12c8-1111-9515-4785c7b49ca8"
        await pilot.pause()
        assert "application 11983f76…" in text(h.app.screen, "#form-summary")
        await pilot.press("ctrl+s")
        await eventually(lambda: "Not assigned" in status(screen) and not screen.fetching, pilot)
        assert "Invalid Application Key (40003)" in status(screen)
        assert (await h.numbers())[number] is None
        outcome = h.audit()[-1]
        assert (outcome.action, outcome.outcome, outcome.error_code) == ("assign_number", "failed", 40003)


async def test_callback_urls_are_saved_after_confirmation_and_read_back(tmp_path: Path) -> None:
    h = NumbersHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        await pilot.press("e")
        await eventually(lambda: isinstance(h.app.screen, CallbacksDialog), pilot)
        dialog = h.app.screen
        assert dialog.query_one("#submit", Button).disabled  # nothing changed yet
        await pilot.press(*"https://hooks.example.com/sinch")
        assert "✓ https" in text(dialog, "#cb-primary-msg")
        dialog.query_one("#cb-fallback", Input).value = "http://localhost:8080/cb"
        await pilot.pause()
        assert "plain http, only for this machine" in text(dialog, "#cb-fallback-msg")
        assert "(not set) → https://hooks.example.com/sinch" in text(dialog, "#form-summary")
        await pilot.press("ctrl+s")
        await eventually(lambda: isinstance(h.app.screen, ConfirmScreen), pilot)
        question = text(h.app.screen, "#dialog-question")
        assert "Primary: (not set) → https://hooks.example.com/sinch" in question
        assert "Fallback: (not set) → http://localhost:8080/cb" in question
        await pilot.press("y")
        await eventually(lambda: "Saved" in status(screen), pilot)
        assert await h.callbacks() == {"primary": "https://hooks.example.com/sinch",
                                       "fallback": "http://localhost:8080/cb"}
        assert "Stored now: primary https://hooks.example.com/sinch, fallback http://localhost:8080/cb" in status(
            screen)
        assert "https://hooks.example.com/sinch" in text(screen, "#callbacks-view")
        entries = h.audit()
        assert [(e.action, e.outcome) for e in entries] == [("update_callbacks", None), ("update_callbacks", "ok")]
        assert "Primary: (not set) → https://hooks.example.com/sinch" in (entries[0].message or "")

        # edit again: clearing the fallback unsets it
        await pilot.press("e")
        await eventually(lambda: isinstance(h.app.screen, CallbacksDialog), pilot)
        h.app.screen.query_one("#cb-fallback", Input).value = ""
        await pilot.pause()
        await pilot.press("ctrl+s")
        await eventually(lambda: isinstance(h.app.screen, ConfirmScreen), pilot)
        assert "Fallback: http://localhost:8080/cb → (not set)" in text(h.app.screen, "#dialog-question")
        await pilot.press("y")
        await eventually(lambda: _callbacks_are(h, {"primary": "https://hooks.example.com/sinch"}), pilot)


async def _callbacks_are(h: NumbersHarness, expected: dict[str, str]) -> bool:
    return await h.callbacks() == expected


async def test_plain_http_to_another_host_is_refused(tmp_path: Path) -> None:
    h = NumbersHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        await pilot.press("e")
        await eventually(lambda: isinstance(h.app.screen, CallbacksDialog), pilot)
        dialog = h.app.screen
        await pilot.press(*"http://example.com/cb")
        message = text(dialog, "#cb-primary-msg")
        assert "http:// is unencrypted: use https://example.com/cb" in message
        assert dialog.query_one("#submit", Button).disabled
        await pilot.press("enter", "ctrl+s")
        assert h.app.screen is dialog  # refused: nothing to confirm
        await pilot.press("escape")
        await eventually(lambda: "not changed: cancelled" in status(screen), pilot)
        assert await h.callbacks() == {}
        assert h.audit() == []


async def test_query_number_shows_country_type_rate_and_restriction(tmp_path: Path) -> None:
    h = NumbersHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        await pilot.press("l")
        assert screen.focused is screen.query_one("#query-input")
        await pilot.press(*"0046 70-123 66 66")
        assert "→ +46701236666 · +46 70 123 66 66 · Sweden" in text(screen, "#query-normalised")
        await pilot.press("enter")
        await eventually(lambda: screen.lookup is not None, pilot)
        result = lookup_text(screen)
        assert "RESTRICTED: calls to this number are blocked" in result and "Restricted yes" in result
        assert screen.query_one("#query-banner").has_class("restricted")
        assert "SE · Sweden" in result and "Mobile" in result and "0.0368 USD per minute" in result
        assert "+46701236666" in result

        screen.query_one("#query-input", Input).value = "+1 415 555 0132"
        await pilot.press("enter")
        await eventually(lambda: "Not restricted" in lookup_text(screen), pilot)
        assert "US · United States" in lookup_text(screen)
        assert "0.0085 USD per minute" in lookup_text(screen)


async def test_query_number_refuses_a_non_number_before_sending(tmp_path: Path) -> None:
    h = NumbersHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        def lookups() -> int:
            return sum("/query/number" in record.path for record in h.backend.client.trace)

        sent = lookups()
        await pilot.press("l", *"12ab")
        assert "Not a number yet" in text(screen, "#query-normalised")
        await pilot.press("enter")
        await eventually(lambda: "Not sent" in lookup_text(screen), pilot)
        assert lookups() == sent
        await pilot.press("escape")  # back to the list: letters are keys again
        assert screen.focused is screen.query_one("#numbers")


async def test_query_number_platform_errors_are_worded(tmp_path: Path) -> None:
    h = NumbersHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        await h.fault(kind="status", status=500, count=-1, path="/v1/calling/query")
        await pilot.press("l", *"+46701234567", "enter")
        await eventually(lambda: "Could not look it up" in lookup_text(screen), pilot)
        assert "(50000)" in lookup_text(screen)
        await h.clear_faults()
        await pilot.press("enter")
        await eventually(lambda: "Not restricted" in lookup_text(screen), pilot)


async def test_read_only_can_look_but_every_change_is_refused(tmp_path: Path) -> None:
    h = NumbersHarness(tmp_path, read_only=True)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        before = await h.state()
        shown = {b.binding.action for b in screen.active_bindings.values() if b.binding.show}
        assert {"assign", "unassign", "edit_callbacks"}.isdisjoint(shown)
        assert {"reload", "lookup"} <= shown
        assert not screen.query("#callbacks-edit")
        assert "read-only" in str(screen.query_one("#numbers-pane").border_title)
        await select_number(pilot, screen, ASSIGNED[0])
        await pilot.press("a", "u", "e")  # the keys do nothing (check_action)
        await pilot.pause()
        assert "Read-only" not in status(screen) and h.app.screen is screen
        for act, action in ((screen.action_assign, "assign_number"), (screen.action_unassign, "unassign_number"),
                            (screen.action_edit_callbacks, "update_callbacks")):
            act()  # reached anyway (a stale palette entry, say): the gateway refuses in its words
            await eventually(lambda action=action: status(screen) == read_only_text(action), pilot)
            assert h.app.screen is screen  # no form was offered
        after = await h.state()
        assert after["numbers"] == before["numbers"] and after["callbacks"] == before["callbacks"]
        refused = [(e.action, e.outcome) for e in h.audit()]
        assert refused == [("assign_number", "refused"), ("unassign_number", "refused"),
                           ("update_callbacks", "refused")]
        # looking is allowed
        await pilot.press("l", *"+46701234567", "enter")
        await eventually(lambda: "Not restricted" in lookup_text(screen), pilot)


async def test_a_platform_500_keeps_the_screen_usable(tmp_path: Path) -> None:
    h = NumbersHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        await h.fault(kind="status", status=500, count=-1, path="/v1/configuration")
        await pilot.press("r")
        await eventually(lambda: "Numbers not listed" in status(screen) and not screen.fetching, pilot)
        assert "Service unavailable (injected fault) (50000)" in status(screen)
        assert "list not refreshed" in text(screen, "#numbers-title")
        assert screen.query_one("#numbers", DataTable).row_count == 5  # the last good list stays
        # a change while the platform fails is worded too
        await select_number(pilot, screen, UNASSIGNED_VOICE[0])
        await pilot.press("a")
        await eventually(lambda: isinstance(h.app.screen, AssignDialog), pilot)
        await pilot.press("enter")
        await eventually(lambda: "Not assigned: Service unavailable" in status(screen), pilot)
        assert h.audit()[-1].outcome == "failed" and h.audit()[-1].error_code == 50000
        await h.clear_faults()
        await pilot.press("r")
        await eventually(lambda: "Loaded at" in status(screen) and not screen.fetching, pilot)
        assert "list not refreshed" not in text(screen, "#numbers-title")


async def test_a_500_on_the_first_load_is_worded_once_and_r_recovers(tmp_path: Path) -> None:
    h = NumbersHarness(tmp_path)
    await h.fault(kind="status", status=500, count=-1, path="/v1/configuration")
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.push(pilot)
        await eventually(lambda: screen.list_error is not None and not screen.fetching, pilot)
        assert status(screen) == ("Numbers not listed, callback URLs not read: "
                                  "Service unavailable (injected fault) (50000)")
        assert "not listed" in text(screen, "#numbers-title") and "refreshed" not in text(screen, "#numbers-title")
        await pilot.press("u")
        assert "not listed yet (r reloads)" in status(screen)
        await h.clear_faults()
        await pilot.press("r")
        await eventually(lambda: "Loaded at" in status(screen) and not screen.fetching, pilot)
        assert screen.query_one("#numbers", DataTable).row_count == 5


async def test_the_network_going_down_is_worded(tmp_path: Path) -> None:
    h = NumbersHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        await h.fault(kind="drop", count=-1, path="/v1/configuration")
        await pilot.press("r")
        await eventually(lambda: "Numbers not listed" in status(screen) and not screen.fetching, pilot)
        assert "No connection to the platform" in status(screen)
        await pilot.press("e")  # the URLs shown were read before: editing still works, saving is worded
        await eventually(lambda: isinstance(h.app.screen, CallbacksDialog), pilot)
        await pilot.press(*"https://hooks.example.com/sinch", "enter")
        await eventually(lambda: isinstance(h.app.screen, ConfirmScreen), pilot)
        await pilot.press("y")
        await eventually(lambda: "Not saved: No connection to the platform" in status(screen), pilot)
        await h.clear_faults()
        assert await h.callbacks() == {}


async def test_callbacks_that_could_not_be_read_are_not_edited_blind(tmp_path: Path) -> None:
    h = NumbersHarness(tmp_path)
    await h.fault(kind="status", status=500, count=-1, path="/v1/configuration/callbacks")
    async with h.app.run_test(size=SIZE) as pilot:
        await eventually(lambda: h.app.session is not None, pilot)
        from console.screens.numbers import NumbersScreen

        screen = NumbersScreen(h.app.session)
        await h.app.push_screen(screen)
        await eventually(lambda: screen.items is not None and not screen.fetching, pilot)
        assert "Could not read them: Service unavailable" in text(screen, "#callbacks-view")
        assert "Callback URLs not read" in status(screen)
        await pilot.press("e")
        await pilot.pause()
        assert "could not be read" in status(screen)
        assert not isinstance(h.app.screen, CallbacksDialog)


async def test_keys_reach_the_three_areas(tmp_path: Path) -> None:
    h = NumbersHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        table = screen.query_one("#numbers", DataTable)
        assert screen.focused is table
        await pilot.press("down")
        assert table.cursor_row == 1
        await pilot.press("tab")
        assert screen.focused is screen.query_one("#callbacks-edit")
        await pilot.press("enter")  # the button opens the editor too
        await eventually(lambda: isinstance(h.app.screen, CallbacksDialog), pilot)
        await pilot.press("escape")
        await eventually(lambda: h.app.screen is screen, pilot)
        def offered() -> set[str]:
            return {b.binding.action for b in screen.active_bindings.values() if b.enabled and b.binding.show}

        assert "leave_field" not in offered()
        await pilot.press("l", "a")  # in the query field letters are typed, not keys
        assert screen.query_one("#query-input", Input).value == "a"
        assert not isinstance(h.app.screen, AssignDialog)
        assert offered() == {"leave_field"}  # the footer offers the way out
        await pilot.press("escape", "n")
        assert screen.focused is table


async def test_one_change_at_a_time(tmp_path: Path) -> None:
    h = NumbersHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        screen.action_assign()
        screen.action_edit_callbacks()  # before the first form is even shown
        assert "already under way" in status(screen)
        await eventually(lambda: isinstance(h.app.screen, AssignDialog), pilot)
        await pilot.press("escape")
        await eventually(lambda: not screen.changes.changing, pilot)
        assert len(h.app.screen_stack) == 2  # the Conferences mode below, this screen: no stray dialog
        await pilot.press("e")
        await eventually(lambda: isinstance(h.app.screen, CallbacksDialog), pilot)


@pytest.mark.parametrize("read_only", [False, True])
async def test_palette_commands_follow_the_profile(tmp_path: Path, read_only: bool) -> None:
    h = NumbersHarness(tmp_path, read_only=read_only)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        titles = [title for title, _, _ in screen.palette_commands()]
        reads = ["numbers: look up a number", "numbers: reload"]
        assert titles == (reads if read_only else
                          ["numbers: assign", "numbers: un-assign", "numbers: edit callback URLs", *reads])
        dict((t, c) for t, _, c in screen.palette_commands())["numbers: look up a number"]()
        await pilot.pause()
        assert screen.focused is screen.query_one("#query-input")
