"""Arbitrary text typed into the manage-call dialogs: a SVAML document or a worded refusal, never a crash."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from console.calls.manage import (
    parse_prompts,
    play_svaml,
    recording_options,
    render_svaml,
    say_svaml,
    start_recording_svaml,
)

LOCALE = st.one_of(st.none(), st.sampled_from(["en-US", "sv-SE", "xx-XX", ""]), st.text(max_size=8))


def _worded(error: ValueError) -> None:
    assert str(error).strip(), "a refusal must say why"
    assert "Traceback" not in str(error)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=700), locale=LOCALE, hang_up=st.booleans())
def test_say_builds_svaml_or_refuses_in_words(text: str, locale: str | None, hang_up: bool) -> None:
    try:
        svaml = say_svaml(text, locale, hang_up=hang_up)
    except ValueError as error:
        _worded(error)
        return
    assert 0 < len(svaml.instructions[0].text) <= 600
    assert render_svaml(svaml).startswith("{")


@settings(max_examples=200, deadline=None)
@given(prompts=st.text(max_size=300), locale=LOCALE)
def test_play_builds_svaml_or_refuses_in_words(prompts: str, locale: str | None) -> None:
    try:
        svaml = play_svaml(prompts, locale)
    except ValueError as error:
        _worded(error)
        return
    assert svaml.instructions[0].ids == parse_prompts(prompts)


@settings(max_examples=200, deadline=None)
@given(url=st.text(max_size=80), credentials=st.text(max_size=40), fmt=st.text(max_size=8),
       notify=st.booleans())
def test_recording_options_build_or_refuse_in_words(url: str, credentials: str, fmt: str, notify: bool) -> None:
    try:
        options = recording_options(url, credentials, fmt, notify)
    except ValueError as error:
        _worded(error)
        return
    shown = json.loads(render_svaml(start_recording_svaml(options)))["action"].get("recordingOptions") or {}
    if shown.get("credentials"):
        assert shown["credentials"] == "********"  # a preview never shows the storage credentials
