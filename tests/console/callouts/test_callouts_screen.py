"""The Callouts screen inside the real app on the in-process sandbox: live validation, preview, sending once."""

from __future__ import annotations

from pathlib import Path

from callouts_helpers import callout_calls, recording_harness
from textual.widgets import Button, Input, Static, TextArea
from waiting import eventually

from console.screens.callouts import CalloutsScreen
from console.screens.dialogs import ConfirmScreen


async def open_callouts(h, pilot) -> CalloutsScreen:
    await eventually(lambda: h.app.session is not None and h.app.screen.__class__.__name__ == "ConferencesScreen",
                     pilot)
    screen = CalloutsScreen(h.app.session)
    await h.app.push_screen(screen)
    await eventually(lambda: h.app.screen is screen, pilot)
    # The screen focuses its first field after a refresh: typed before that, the focus would select the text typed
    # (Input selects on focus), and a snapshot would catch it highlighted on a slow run.
    await eventually(lambda: screen.focused is not None, pilot)
    return screen


def reason(screen: CalloutsScreen) -> str:
    return str(screen.query_one("#send-reason", Static).render())


async def type_into(pilot, screen, widget_id: str, text: str) -> None:
    widget = screen.query_one(f"#{widget_id}")
    if isinstance(widget, TextArea):
        widget.text = text
    else:
        assert isinstance(widget, Input)
        widget.value = text
    await pilot.pause()


async def test_invalid_input_keeps_send_disabled_with_the_reason(tmp_path: Path) -> None:
    h = recording_harness(tmp_path)
    async with h.app.run_test(size=(120, 36)) as pilot:
        screen = await open_callouts(h, pilot)
        before = set(await callout_calls(h))
        assert screen.query_one("#send", Button).disabled
        assert reason(screen).startswith("Destination: a phone number is required")
        await type_into(pilot, screen, "tts-destination", "46 70 abc")
        assert "Destination: not a phone number" in reason(screen)
        await type_into(pilot, screen, "tts-destination", "46708168731")
        assert "Text:" in reason(screen)
        await type_into(pilot, screen, "tts-text", "x" * 601)
        assert "601 characters" in reason(screen)
        assert "601 / 600" in str(screen.query_one("#tts-text", TextArea).border_subtitle)
        await type_into(pilot, screen, "tts-dtmf", "12a")
        assert "DTMF" in reason(screen) or "Text" in reason(screen)
        assert screen.query_one("#send", Button).disabled
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(h.app.screen, ConfirmScreen)
        assert set(await callout_calls(h)) == before


async def test_valid_tts_callout_reaches_the_sandbox_once(tmp_path: Path) -> None:
    h = recording_harness(tmp_path)
    async with h.app.run_test(size=(120, 36)) as pilot:
        screen = await open_callouts(h, pilot)
        before = set(await callout_calls(h))
        await type_into(pilot, screen, "tts-destination", "46708168731")
        await type_into(pilot, screen, "tts-text", "Hello from the console")
        await eventually(lambda: screen.preview is not None, pilot)
        assert screen.preview.rate.endswith("USD/min")
        assert not screen.query_one("#send", Button).disabled
        await pilot.press("ctrl+s")
        await eventually(lambda: isinstance(h.app.screen, ConfirmScreen), pilot)
        await pilot.press("y")
        await pilot.press("ctrl+s", "ctrl+s")
        await eventually(lambda: len(h.app.placed) == 1, pilot)
        await pilot.press("ctrl+s")
        await eventually(lambda: not isinstance(h.app.screen, ConfirmScreen) or True, pilot)
        calls = {k: v for k, v in (await callout_calls(h)).items() if k not in before}
        assert len(calls) == 1
        placed = h.app.placed[0]
        assert placed.call_id in calls and placed.kind == "tts" and placed.destination == "+46708168731"
        assert "callId" in str(screen.query_one("#callouts-status", Static).render())


async def test_restricted_number_blocks_sending(tmp_path: Path) -> None:
    h = recording_harness(tmp_path)
    async with h.app.run_test(size=(120, 36)) as pilot:
        screen = await open_callouts(h, pilot)
        await type_into(pilot, screen, "tts-destination", "+46708166666")
        await type_into(pilot, screen, "tts-text", "Hello")
        await eventually(lambda: screen.preview is not None, pilot)
        await pilot.pause()
        assert screen.preview.restricted
        assert "restricted" in reason(screen)
        assert screen.query_one("#send", Button).disabled


async def test_conference_callout_posts_call_placed_with_the_room(tmp_path: Path) -> None:
    h = recording_harness(tmp_path)
    async with h.app.run_test(size=(120, 36)) as pilot:
        screen = await open_callouts(h, pilot)
        screen.action_show("conference")
        await pilot.pause()
        await type_into(pilot, screen, "conf-destination", "4915123456789")
        await type_into(pilot, screen, "conf-conference_id", "ops-bridge")
        await type_into(pilot, screen, "conf-max_duration", "99999")
        assert "Max duration" in reason(screen)
        await type_into(pilot, screen, "conf-max_duration", "600")
        assert not screen.query_one("#send", Button).disabled, reason(screen)
        screen.action_send()
        await eventually(lambda: isinstance(h.app.screen, ConfirmScreen), pilot)
        await pilot.press("y")
        await eventually(lambda: len(h.app.placed) == 1, pilot)
        placed = h.app.placed[0]
        assert placed.kind == "conference" and placed.conference_id == "ops-bridge"
        call = (await callout_calls(h))[placed.call_id]
        assert call["conferenceId"] == "ops-bridge"


async def test_dial_in_many_shows_a_busy_leg_as_failed_and_retries_by_hand(tmp_path: Path) -> None:
    h = recording_harness(tmp_path)
    async with h.app.run_test(size=(120, 36)) as pilot:
        screen = await open_callouts(h, pilot)
        screen.action_show("dialin")
        await pilot.pause()
        await type_into(pilot, screen, "dial-conference_id", "all-hands")
        await type_into(pilot, screen, "dial-numbers", "+46708168731, 46708160000\n+4915123456789")
        assert not screen.query_one("#send", Button).disabled, reason(screen)
        screen.action_send()
        await eventually(lambda: isinstance(h.app.screen, ConfirmScreen), pilot)
        await pilot.press("y")
        await eventually(lambda: len(h.app.placed) == 3, pilot)
        await h.http.post("/_sandbox/clock/advance", json={"seconds": 5})
        dial_in = screen.dial_in  # the composed part owns the legs
        dial_in.follow_legs()
        await eventually(lambda: dial_in.dial is not None and dial_in.dial.legs["+46708160000"].status == "failed",
                         pilot)
        assert "busy" in dial_in.dial.legs["+46708160000"].reason
        assert dial_in.dial.legs["+46708168731"].status == "joined"
        count = len(await callout_calls(h))
        screen.set_focus(None)  # out of a field, r is the screen's key, handed over to the part
        await pilot.press("r")
        await eventually(lambda: len(h.app.placed) == 4, pilot)
        assert len(await callout_calls(h)) == count + 1


async def test_read_only_profile_refuses(tmp_path: Path) -> None:
    h = recording_harness(tmp_path, read_only=True)
    async with h.app.run_test(size=(120, 36)) as pilot:
        screen = await open_callouts(h, pilot)
        await type_into(pilot, screen, "tts-destination", "46708168731")
        await type_into(pilot, screen, "tts-text", "Hello")
        assert "Read-only" in reason(screen)
        assert screen.query_one("#send", Button).disabled
