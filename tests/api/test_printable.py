"""api.models.display.printable: the one sanitiser for platform text, and the notebook tables that use it."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.models import Participant, ParticipantList, Recording, RecordingList
from api.models.display import printable

TITLE_AND_CLEAR = "\x1b]0;pwned\x07\x1b[2J"
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


@pytest.mark.parametrize(("raw", "shown"), [
    (f"call-1{TITLE_AND_CLEAR}.wav", "call-1.wav"),
    ("\x1b]8;;https://evil.test\x1b\\click\x1b]8;;\x1b\\", "click"),  # a hyperlink, target and all
    ("\x1bPq#0;2;0;0;0\x1b\\dcs", "dcs"),
    ("red\x9b31m!", "red!"),  # 8-bit CSI
    ("\x9d0;title\x9cend", "end"),  # 8-bit OSC ended by ST
    ("x\x1bcy", "xy"),  # ESC c: full reset
    ("\x1b]0;never ended", "0;never ended"),  # an unterminated string loses its introducer only
    ("a\tb\nc\r\nd", "a b c  d"),
    ("admin\u202egnp.exe", "admingnp.exe"),
    ("\u2066iso\u2069", "iso"),
    ("del\x7f nul\x00 bell\x07", "del nul bell"),
    ("Åsa-möte 日本語 +46708168731", "Åsa-möte 日本語 +46708168731"),  # ordinary text stays as it is
    ("[red]x[/red] [link=https://e.test]y", "[red]x[/red] [link=https://e.test]y"),  # markup is not ours to drop
    (None, ""),
    (42, "42"),
])
def test_printable(raw, shown):
    assert printable(raw) == shown


def test_printable_keeps_lines_when_asked():
    assert printable(f"one{TITLE_AND_CLEAR}\r\ntwo\tthree\n", lines=True) == "one\ntwo three\n"


@given(st.text())
def test_printable_never_lets_a_control_character_through(text):
    shown = printable(text)
    assert not UNSAFE.search(shown)
    assert printable(shown) == shown  # idempotent: safe to apply at every layer


def test_notebook_tables_escape_and_strip_platform_text():
    recordings = RecordingList([Recording(key=f"k{TITLE_AND_CLEAR}<b>x</b>")])
    people = ParticipantList([Participant(cli="+46\u202e70\x9b2J", id="call-1", duration=5, muted=False)])
    for model in (recordings, people, recordings[0], people[0]):
        html, text = model._repr_html_(), str(model)
        assert not UNSAFE.search(html.replace("\n", "")) and not UNSAFE.search(text.replace("\n", ""))
    assert "k&lt;b&gt;x&lt;/b&gt;" in recordings._repr_html_() and "pwned" not in str(recordings)
    assert "+4670" in str(people)
