"""A key typed into the TTS text costs the same at 600 characters as at 1 (issue 14, bug 2).

It cost 126 ms at 655 characters: every key read the whole form back through CSS queries that walk the screen
and updated every message line, each update laying the screen out again. Now the fields are found once and a
line is only updated when what it says changes; the counter, one line whatever it says, never lays out.
(Counted, not timed: bench/tts_typing.py times it against a bare TextArea.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from callouts_helpers import recording_harness
from test_callouts_screen import open_callouts
from textual.css.query import DOMQuery
from textual.widget import Widget
from textual.widgets import Static, TextArea


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
        query_init = DOMQuery.__init__
        refresh = Widget.refresh

        def counting_query(self, *args, **kwargs) -> None:
            queries.append(repr(args[1:] or kwargs))
            query_init(self, *args, **kwargs)

        def counting_refresh(self, *regions, layout: bool = False, **kwargs):
            # on this screen (the Conferences screen behind it follows its polls); the text area wraps as Textual does
            if layout and not isinstance(self, TextArea) and screen in self.ancestors:
                layouts.append(repr(self))
            return refresh(self, *regions, layout=layout, **kwargs)

        monkeypatch.setattr(DOMQuery, "__init__", counting_query)
        monkeypatch.setattr(Widget, "refresh", counting_refresh)
        await pilot.press(*"world, the review moves to 3 pm")
        monkeypatch.undo()
        assert area.text.endswith("3 pm")
        assert "36 / 600" in str(screen.query_one("#tts-counter", Static).render())
        assert queries == []
        assert layouts == []
