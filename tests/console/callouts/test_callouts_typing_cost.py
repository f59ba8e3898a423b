"""A key typed into the TTS text costs the same at 600 characters as at 1 (issue 14, bug 2), and repaints only
the text area.

It cost 126 ms at 655 characters: every key read the whole form back through CSS queries that walk the screen
and updated every message line, each update laying the screen out again. Now the fields are found once and a
line is only updated when what it says changes. The character count sits on the text area's own border and is
set in the edit itself: a separate counter line was a second widget to repaint per key, and a third of the keys
drew two frames (each frame repaints every widget sharing a parent region with what changed, ~20 here).
(Counted, not timed: bench/tts_typing.py times it against a bare TextArea.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from callouts_helpers import recording_harness
from test_callouts_screen import open_callouts, reason, type_into
from textual.css.query import DOMQuery
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import TextArea
from waiting import eventually

from console.screens.callouts import CalloutsScreen
from widgets import counted_text


async def test_typing_into_the_tts_text_queries_nothing_and_lays_nothing_out(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    h = recording_harness(tmp_path)
    async with h.app.run_test(size=(120, 36)) as pilot:
        screen = await open_callouts(h, pilot)
        area = screen.query_one("#tts-text", TextArea)
        area.focus()
        await pilot.press(*"Hello")  # the first keys may find the fields
        queries: list[str] = []
        layouts: list[str] = []
        repaints: list[str] = []
        query_init = DOMQuery.__init__
        refresh = Widget.refresh

        def counting_query(self, *args, **kwargs) -> None:
            queries.append(repr(args[1:] or kwargs))
            query_init(self, *args, **kwargs)

        def counting_refresh(self, *regions, layout: bool = False, **kwargs):
            # on this screen (the Conferences screen behind it follows its polls); the text area wraps as Textual does
            if screen in self.ancestors and self is not area and area not in self.ancestors:
                (layouts if layout else repaints).append(repr(self))
            return refresh(self, *regions, layout=layout, **kwargs)

        monkeypatch.setattr(DOMQuery, "__init__", counting_query)
        monkeypatch.setattr(Widget, "refresh", counting_refresh)
        await pilot.press(*"world, the review moves to 3 pm")
        monkeypatch.undo()
        assert area.text.endswith("3 pm")
        assert area.border_subtitle == "36 / 600"
        assert queries == []
        assert layouts == []
        assert repaints == []  # the count is on the text area: no second widget to draw per key


async def test_a_key_in_the_tts_text_renders_the_text_area_alone(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Textual's compositor re-rendered, per key, every widget whose container overlapped the text area at full
    height (16: the header, the footer, the side pane, the tabs, each container up to the screen); the screen's
    compositor (widgets/compositor.py) renders the text area and the screen's background in its rows."""
    h = recording_harness(tmp_path)
    async with h.app.run_test(size=(120, 36)) as pilot:
        screen = await open_callouts(h, pilot)
        area = screen.query_one("#tts-text", TextArea)
        area.focus()
        await pilot.press(*"Hello")
        screen._on_timer_update()  # what the first keys left to draw
        rendered: dict[str, int] = {}
        render_lines = Widget.render_lines

        def counting_render_lines(self: Widget, crop: Region) -> list[Strip]:
            if self is screen or screen in self.ancestors:
                name = self.id or type(self).__name__
                rendered[name] = max(crop.height, rendered.get(name, 0))
            return render_lines(self, crop)

        monkeypatch.setattr(Widget, "render_lines", counting_render_lines)
        for key in " world":
            await pilot.press(key)
            screen._on_timer_update()  # draw now what the refresh timer would draw next
        monkeypatch.undo()
        assert area.text == "Hello world"
        assert rendered == {"tts-text": area.size.height + 2, "CalloutsScreen": area.size.height + 2}  # + its border


async def focus_tts_text_after_a_number(h, pilot) -> tuple[CalloutsScreen, TextArea]:
    screen = await open_callouts(h, pilot)
    await type_into(pilot, screen, "tts-destination", "46708168731")
    await eventually(lambda: screen.preview is not None, pilot)  # its answer checks the form again
    assert reason(screen).startswith("Text:")
    area = screen.query_one("#tts-text", TextArea)
    area.focus()
    return screen, area


def count_checks(screen: CalloutsScreen, area: TextArea, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The text each time the screen checks the form."""
    checks: list[str] = []
    revalidate = screen.revalidate

    def counting_revalidate() -> None:
        checks.append(area.text)
        revalidate()

    monkeypatch.setattr(screen, "revalidate", counting_revalidate)
    return checks


async def test_a_key_in_the_tts_text_does_not_check_the_form_again(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    h = recording_harness(tmp_path)
    async with h.app.run_test(size=(120, 36)) as pilot:
        screen, area = await focus_tts_text_after_a_number(h, pilot)
        checks = count_checks(screen, area, monkeypatch)
        monkeypatch.setattr(counted_text, "SETTLE_SECONDS", 600.0)  # a pause that never comes while we type
        await pilot.press(*"Hello world")
        assert area.text == "Hello world" and area.border_subtitle == "11 / 600"  # the count follows each key
        assert checks == []
        assert reason(screen).startswith("Text:")


async def test_the_form_is_checked_once_typing_pauses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    h = recording_harness(tmp_path)
    async with h.app.run_test(size=(120, 36)) as pilot:
        screen, area = await focus_tts_text_after_a_number(h, pilot)
        checks = count_checks(screen, area, monkeypatch)
        await pilot.press(*"Hello world")
        # a loaded machine may pause between two keys for longer than the debounce: a check mid-word is fine,
        # the one after the last key must see the whole text
        await eventually(lambda: checks and checks[-1] == "Hello world" and reason(screen) == "Ready to send.",
                         pilot)
        await pilot.press("ctrl+z")  # undo takes another road than a key: it is heard too
        await eventually(lambda: reason(screen).startswith("Text:"), pilot)
