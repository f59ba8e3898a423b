"""Snapshots of the callout forms: TTS empty, invalid, valid with the cost preview; conference and custom invalid
(frozen sandbox, 120x36)."""

from __future__ import annotations

from pathlib import Path

from callouts_helpers import SIZE, recording_harness
from test_callouts_screen import open_callouts, type_into
from textual.widgets import Input
from waiting import eventually


def _scene(h, fill):
    async def scene(pilot) -> None:
        screen = await open_callouts(h, pilot)
        await fill(pilot, screen)
        await eventually(lambda: screen.focused is not None, pilot)
        # A focused Input's cursor blinks on a 0.5 s wall-clock timer: on a slow run the picture caught it hidden.
        # Stop the blink (the cursor stays shown, as in the accepted pictures) so the snapshot never races it.
        for field in screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    return scene


def test_tts_empty(snap_compare, tmp_path: Path) -> None:
    h = recording_harness(tmp_path, seed=7)

    async def fill(pilot, screen) -> None:
        return None

    assert snap_compare(h.app, terminal_size=SIZE, run_before=_scene(h, fill))


def test_tts_invalid(snap_compare, tmp_path: Path) -> None:
    h = recording_harness(tmp_path, seed=7)

    async def fill(pilot, screen) -> None:
        await type_into(pilot, screen, "tts-destination", "46 70 abc")
        await type_into(pilot, screen, "tts-text", "x" * 610)

    assert snap_compare(h.app, terminal_size=SIZE, run_before=_scene(h, fill))


def test_tts_valid_with_preview(snap_compare, tmp_path: Path) -> None:
    h = recording_harness(tmp_path, seed=7)

    async def fill(pilot, screen) -> None:
        await type_into(pilot, screen, "tts-destination", "46708168731")
        await type_into(pilot, screen, "tts-text", "The build is green. Deploy window opens at ten.")
        await eventually(lambda: screen.preview is not None, pilot)
        await eventually(lambda: "Rate" in str(screen.query_one("#preview").render())
                    and not screen.query_one("#send").disabled, pilot)
        screen.query_one("#send").focus()  # no blinking text cursor in the picture
        await pilot.pause()

    assert snap_compare(h.app, terminal_size=SIZE, run_before=_scene(h, fill))


def test_conference_invalid(snap_compare, tmp_path: Path) -> None:
    h = recording_harness(tmp_path, seed=7)

    async def fill(pilot, screen) -> None:
        screen.action_show("conference")
        await type_into(pilot, screen, "conf-destination", "4915123456789")
        await type_into(pilot, screen, "conf-conference_id", "x" * 70)

    assert snap_compare(h.app, terminal_size=SIZE, run_before=_scene(h, fill))


def test_custom_invalid_svaml(snap_compare, tmp_path: Path) -> None:
    h = recording_harness(tmp_path, seed=7)

    async def fill(pilot, screen) -> None:
        screen.action_show("custom")
        await type_into(pilot, screen, "custom-ace", '{"action": {"name": "hangUp"}}')

    assert snap_compare(h.app, terminal_size=SIZE, run_before=_scene(h, fill))
