"""widgets.printable_filter: every rendered segment loses escape sequences and controls, never its width."""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.color import Color

from widgets.printable_filter import PRINTABLE_FILTER

BLACK = Color(0, 0, 0)


def test_segments_are_made_printable_at_the_same_width():
    bold = Style(bold=True)
    segments = [Segment("ok "), Segment("k\x1b]0;pwned\x1b\\\x1b[2J\u202ex", bold), Segment(" \x9b31m!")]
    filtered = PRINTABLE_FILTER.apply(segments, BLACK)
    assert [segment.text.rstrip() for segment in filtered] == ["ok", "kx", " !"]
    assert [cell_len(s.text) for s in filtered] == [cell_len(s.text) for s in segments]
    assert filtered[1].style == bold


def test_clean_lines_are_passed_through_untouched():
    segments = [Segment("Åsa 日本 +46708168731"), Segment("[red]literal[/red]")]
    assert PRINTABLE_FILTER.apply(segments, BLACK) is segments
