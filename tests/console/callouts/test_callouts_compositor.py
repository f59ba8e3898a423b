"""The Callouts screen draws a key by rendering only the rows it changed (widgets/compositor.py): what a terminal
shows after those partial updates must be what a full render by Textual's own compositor shows.

Every update the screen sends is played onto a grid of cells (character and style), as a terminal would; after
each step the grid is compared with a full render of the same screen by the stock `Compositor`. Steps: typing
until the text area scrolls, a field, the destination type's dropdown (an overlay), switching forms, a toast, the
Send dialog on top and gone, a form pane scrolled in a short terminal (80x16); and at 80x24 a paste into the TTS
text that widens the text area once it settles (widgets/rewrap_text.py: lines wrapped at the old width stayed).
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
import textual
from callouts_helpers import recording_harness
from rich.cells import cell_len
from rich.console import Console
from rich.segment import ControlType
from rich.style import Style
from test_callouts_screen import open_callouts
from textual import events
from textual._compositor import Compositor, CompositorUpdate, LayoutUpdate
from textual._context import visible_screen_stack
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import Input, TextArea
from waiting import eventually

from console.screens.dialogs import ConfirmScreen
from widgets.compositor import RowCropCompositor, row_crop_compositor

Cell = tuple[str, Style | None]


class Terminal:
    """A grid of cells that compositor updates are played onto."""

    def __init__(self, width: int, height: int) -> None:
        self.rows: list[list[Cell]] = [[(" ", None)] * width for _ in range(height)]
        self.console = Console(width=width, height=height, color_system="truecolor", force_terminal=True)

    def play(self, update: CompositorUpdate) -> None:
        x = y = 0
        for segment in update.__rich_console__(self.console, self.console.options):
            if segment.control:
                for code in segment.control:
                    if code[0] == ControlType.CURSOR_MOVE_TO:
                        x, y = code[1], code[2]
                continue
            if segment.text == "\n":
                x, y = 0, y + 1
                continue
            for character in segment.text:
                self.rows[y][x] = (character, segment.style)
                x += 1
                if cell_len(character) == 2:  # a wide character takes the next cell too
                    self.rows[y][x] = ("", segment.style)
                    x += 1

    def lines(self) -> list[str]:
        return ["".join(character for character, _ in row) for row in self.rows]


def stock_render(app: App[None], screen: Screen[object]) -> Terminal:
    """The screen drawn whole by Textual's own compositor code (nothing of RowCropCompositor), every widget
    rendered afresh: a line a widget kept from an earlier render is what the test looks for, not the answer."""
    for widget in screen.walk_children(with_self=True):
        widget._styles_cache.clear()
    compositor = screen._compositor
    compositor._get_renders = functools.partial(Compositor._get_renders, compositor)
    try:
        visible_screen_stack.set(list(app._background_screens))  # a dialog draws the screens behind it
        strips: list[Strip] = Compositor.render_strips(compositor)
    finally:
        del compositor._get_renders
    width, height = compositor.size
    terminal = Terminal(width, height)
    terminal.play(LayoutUpdate([[strip] for strip in strips], compositor.size.region))
    return terminal


class Recorder:
    """Plays every update the app displays onto a Terminal, and compares it with a full stock render."""

    def __init__(self, app: App[None], size: tuple[int, int], monkeypatch: pytest.MonkeyPatch) -> None:
        self.app = app
        self.terminal = Terminal(*size)
        self.updates = 0
        display = app._display

        def recording_display(screen: Screen[object], renderable: object) -> None:
            if isinstance(renderable, CompositorUpdate):
                self.terminal.play(renderable)
                self.updates += 1
            display(screen, renderable)

        monkeypatch.setattr(app, "_display", recording_display)

    async def check(self, pilot: Pilot[None], what: str) -> None:
        await pilot.pause()
        self.app.screen._on_timer_update()  # draw what is pending now, as the refresh timer would
        expected = stock_render(self.app, self.app.screen)
        shown = self.terminal
        assert shown.lines() == expected.lines(), what
        differing = [(y, x) for y, (row, stock) in enumerate(zip(shown.rows, expected.rows, strict=True))
                     for x, (cell, want) in enumerate(zip(row, stock, strict=True)) if cell != want]
        assert differing == [], f"{what}: styles differ at (row, column) {differing[:5]}"


async def run_steps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]) -> int:
    h = recording_harness(tmp_path)
    recorder = Recorder(h.app, size, monkeypatch)
    async with h.app.run_test(size=size) as pilot:
        screen = await open_callouts(h, pilot)
        assert isinstance(screen._compositor, RowCropCompositor)
        await recorder.check(pilot, "opened")
        destination = screen.query_one("#tts-destination", Input)
        destination.focus()
        await pilot.press(*"+46708168731")
        await recorder.check(pilot, "typed a destination")
        area = screen.query_one("#tts-text", TextArea)
        area.focus()
        sentence = "The quarterly review moves to 3 pm, same room. "
        for _ in range(5):  # in chunks, as a paste: the text outgrows its box and scrolls
            area.insert(sentence)
            await recorder.check(pilot, f"inserted up to {len(area.text)} characters")
        for word in ("Bring", "the", "figures"):
            await pilot.press(*word, "space")
            await recorder.check(pilot, f"typed {area.text[-30:]!r}")
        assert area.scroll_y > 0  # the text outgrew its box and scrolled
        await pilot.press("escape", "c")
        await recorder.check(pilot, "the conference form")
        await pilot.press("escape", "t")
        await recorder.check(pilot, "the TTS form again")
        screen.query_one("#tts-destination_type").focus()
        await pilot.press("enter")  # the dropdown opens over the form
        await recorder.check(pilot, "the destination type's dropdown")
        await pilot.press("escape")
        await recorder.check(pilot, "the dropdown closed")
        screen.notify("A toast over the form")
        await recorder.check(pilot, "a toast")
        await pilot.press("ctrl+s")
        await eventually(lambda: isinstance(h.app.screen, ConfirmScreen), pilot)
        await recorder.check(pilot, "the Send dialog over the form")
        await pilot.press("escape")
        await eventually(lambda: h.app.screen is screen, pilot)
        await recorder.check(pilot, "the dialog gone")
        pane = screen.query_one("#tts")
        assert pane.max_scroll_y or size == (120, 36)  # the form scrolls in the short terminal
        if pane.max_scroll_y:
            pane.scroll_end(animate=False)
            await recorder.check(pilot, "the form scrolled to its end")
            pane.scroll_home(animate=False)
            await recorder.check(pilot, "the form scrolled back")
        return recorder.updates


async def test_a_burst_typed_into_the_tts_text_shows_its_current_wrap(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # At 80x24 the TTS form scrolls until the text's message line shrinks once typing settles; its scrollbar goes
    # and the text area widens by 2. Textual draws that layout before the text area handles its Resize (which
    # rewraps), keeps those lines, and never repainted them: rows wrapped at the old width stayed on screen.
    h = recording_harness(tmp_path)
    recorder = Recorder(h.app, (80, 24), monkeypatch)
    async with h.app.run_test(size=(80, 24)) as pilot:
        screen = await open_callouts(h, pilot)
        screen.query_one("#tts-destination", Input).focus()
        await pilot.press(*"+46708168731")
        area = screen.query_one("#tts-text", TextArea)
        area.focus()
        await recorder.check(pilot, "the text focused")
        width = area.size.width
        # All at once, as a paste or keys typed faster than the app reads them: the text settles (and the form
        # shrinks) only once it already takes three rows at the old width.
        h.app.post_message(events.Paste("aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn "
                                        "oooo pppp qqqq rrrr ssss tttt uuuu"))
        await eventually(lambda: area.size.width != width, pilot, what="the text area resized")
        await recorder.check(pilot, "the burst typed and the text area resized")


@pytest.mark.parametrize("size", [(120, 36), (80, 16)], ids=["120x36", "80x16"])
async def test_partial_updates_draw_what_a_full_render_draws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             size: tuple[int, int]) -> None:
    assert await run_steps(tmp_path, monkeypatch, size) > 15  # partial updates, not one full frame per step


def test_another_textual_major_version_gets_textuals_own_compositor(monkeypatch: pytest.MonkeyPatch) -> None:
    # RowCropCompositor overrides a private method of Textual 8's compositor: under another major, the stock one
    monkeypatch.setattr(textual, "__version__", "9.0.0")
    assert type(row_crop_compositor()) is Compositor
    monkeypatch.undo()
    assert type(row_crop_compositor()) is RowCropCompositor
