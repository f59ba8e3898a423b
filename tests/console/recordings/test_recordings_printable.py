"""A recording key that once set the window title and cleared the screen is shown without its escape sequences.

What reaches the terminal is the compositor's full frame as the driver would write it; Textual's own escape
codes (cursor moves, colours) are in it, but no OSC (ESC ]), no BEL and no clear-screen from the platform.
"""

from __future__ import annotations

from pathlib import Path

from recordings_helpers import SIZE, RecordingsHarness
from rich.text import Text
from textual.widgets import Static
from waiting import eventually

HOSTILE = "call\x1b]0;pwned\x07\x1b[2J\u202e-9"


def frame(app) -> str:
    """The whole screen as the driver would write it to the terminal."""
    return app.screen._compositor.render_update(full=True).render_segments(app.console)


def assert_clean(output: str) -> None:
    """No OSC (window title, hyperlink), no BEL, no clear-screen, no bidi override reach the terminal."""
    assert "\x1b]" not in output and "\x07" not in output and "\x1b[2J" not in output, repr(output)
    assert "\u202e" not in output


async def test_a_hostile_key_is_shown_without_its_escape_sequences(tmp_path: Path) -> None:
    h = RecordingsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        added = await h.add_recording(seconds=2, callId=HOSTILE)
        await pilot.press("r")
        await eventually(lambda: added["key"] in h.row_keys(), pilot)
        assert "\x1b" not in h.cell(added["key"], "key")  # the cell itself is printable
        screen.query_one("#recordings").move_cursor(row=h.row_keys().index(added["key"]))
        await pilot.pause()
        assert h.cell(added["key"], "key").startswith("call-9-")  # the sequence is gone, payload and all
        output = frame(h.app)
        assert_clean(output)
        assert "call-9-" in output


async def test_the_app_filter_cleans_text_no_screen_sanitised(tmp_path: Path) -> None:
    """The net under every widget: a widget showing raw platform text (here a Static mounted by the test, as a
    screen written tomorrow might) still reaches the terminal clean."""
    h = RecordingsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        await screen.mount(Static(Text(f"raw {HOSTILE} text")), before=0)
        await eventually(lambda: "raw" in frame(h.app), pilot)
        assert_clean(frame(h.app))
