"""Callouts whose answer never came, and the correlation tag every callout carries (issue 12, item 4): the tag
format, the room it leaves for typed custom text, dial-in legs, and the whole flow in the app (send, the words,
the Calls mode showing the callout under its tag)."""

from __future__ import annotations

from pathlib import Path

import pytest
from callouts_helpers import Harness
from hypothesis import given, settings
from hypothesis import strategies as st
from test_callouts_screen import open_callouts, type_into
from textual.widgets import DataTable, Static
from waiting import eventually

from api.models.correlation import (
    MAX_CUSTOM_CHARACTERS,
    MAX_TAGGED_TEXT,
    is_tag,
    new_tag,
    split_custom,
    tag_custom,
    tag_of,
)
from console.backend import connect_in_process
from console.callouts import CalloutSender, ConferenceForm, DialIn, FieldProblem, TtsForm, check
from console.callouts import fields as f
from console.gateway import Gateway
from console.screens.dialogs import ConfirmScreen

TAG = "sc-0123456789ab"


# ---- the tag ----------------------------------------------------------------------------------------------

def test_a_new_tag_is_sc_and_12_hex_digits() -> None:
    tags = {new_tag() for _ in range(200)}
    assert len(tags) == 200 and all(is_tag(tag) and len(tag) == 15 for tag in tags)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=MAX_TAGGED_TEXT))
def test_typed_custom_text_comes_back_unchanged(text: str) -> None:
    value = tag_custom(TAG, text)
    assert len(value) <= MAX_CUSTOM_CHARACTERS
    assert split_custom(value) == (TAG, text or None)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.none(), st.integers(), st.text(), st.dictionaries(st.text(), st.text())))
def test_anything_else_is_untagged_and_never_raises(custom: object) -> None:
    tag = tag_of(custom)
    assert tag is None or (isinstance(custom, str) and custom.startswith(tag))


def test_the_field_leaves_room_for_the_tag() -> None:
    assert f.check_custom("x" * MAX_TAGGED_TEXT) == "x" * MAX_TAGGED_TEXT
    with pytest.raises(FieldProblem, match="at most 1008"):
        f.check_custom("x" * (MAX_TAGGED_TEXT + 1))
    with pytest.raises(ValueError):
        tag_custom(TAG, "x" * (MAX_TAGGED_TEXT + 1))


async def test_custom_text_too_long_for_the_tag_is_refused_before_sending() -> None:
    backend = connect_in_process()
    try:
        plan = check(TtsForm(destination="+46708168731", text="hi")).plan
        long_plan = type(plan)(**{**vars(plan), "arguments": {**plan.arguments, "custom": "x" * 1020}})
        outcome = await CalloutSender(Gateway(backend.client)).send(long_plan)
        assert outcome.status == "refused" and "correlation tag" in outcome.text
    finally:
        await backend.close()


# ---- numbers with lookalike digits (issue 12, item 8) ----------------------------------------------------

@pytest.mark.parametrize("typed", ["+7\U0001d7d93\u06647203", "+46 70 \u0661\u0662\u0663 45 67",
                                   "+\uff14\uff16708168731", "+46708168731\u00b2"])
def test_the_destination_field_refuses_non_ascii_digits(typed: str) -> None:
    with pytest.raises(FieldProblem, match="0-9"):
        f.check_number(typed)
    assert "destination" in check(TtsForm(destination=typed, text="hi")).problems


# ---- dial-in legs ---------------------------------------------------------------------------------------

async def test_an_unanswered_dial_in_leg_is_unknown_and_never_retried() -> None:
    backend = connect_in_process()
    http = backend.client._http
    try:
        await http.post("/_sandbox/faults", json={"kind": "drop_after", "count": 1, "path": "/calling/v1/callouts"})
        base = check(ConferenceForm(destination="+46708168731", conference_id="standup")).plan
        dial = DialIn(CalloutSender(Gateway(backend.client), tags=lambda: TAG), base, ["+46708168731"])
        tracked = await dial.place_all()
        leg = dial.legs["+46708168731"]
        assert leg.status == "unknown" and not leg.retryable and "may have been placed" in leg.reason
        assert [outcome.correlation_id for outcome in tracked] == [TAG]  # handed over to be tracked
        assert await dial.retry("+46708168731") is None and dial.settled
    finally:
        await backend.close()


# ---- in the app -----------------------------------------------------------------------------------------

async def test_the_app_says_may_have_been_placed_and_calls_shows_the_tag(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    async with h.app.run_test(size=(120, 36)) as pilot:
        screen = await open_callouts(h, pilot)
        await h.http.post("/_sandbox/faults", json={"kind": "drop_after", "count": 1,
                                                    "path": "/calling/v1/callouts"})
        await type_into(pilot, screen, "tts-destination", "46708168731")
        await type_into(pilot, screen, "tts-text", "Hello from the console")
        await eventually(lambda: screen.checked is not None and screen.checked.plan is not None, pilot)
        await pilot.press("ctrl+s")
        await eventually(lambda: isinstance(h.app.screen, ConfirmScreen), pilot)
        await pilot.press("y")
        tracker = h.app.session.calls
        await eventually(lambda: any(call.outcome_unknown for call in tracker.calls), pilot)
        status = str(screen.query_one("#callouts-status", Static).render())
        assert "may have been placed: check Calls before sending again" in status and "failed" not in status
        [pending] = [call for call in tracker.calls if call.outcome_unknown]
        assert is_tag(pending.correlation_id) and pending.call_id == pending.correlation_id
        placed = [c for c in (await h.state())["calls"].values() if c.get("custom") == pending.correlation_id]
        assert len(placed) == 1  # the sandbox placed it once; the console knows it only by its tag
        await h.app.switch_mode("calls")  # (the key 3 would be typed into the focused field)
        await eventually(lambda: h.app.screen.__class__.__name__ == "CallsScreen", pilot)
        calls_screen = h.app.screen
        await eventually(lambda: calls_screen.query_one("#calls", DataTable).row_count >= 1, pilot)
        table = calls_screen.query_one("#calls", DataTable)
        row = [str(cell) for cell in table.get_row(pending.call_id)]
        assert "UNKNOWN" in row
        detail = str(calls_screen.query_one("#call-detail", Static).render())
        assert pending.correlation_id in detail and "outcome unknown" in detail
