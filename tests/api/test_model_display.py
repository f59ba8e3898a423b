"""How the models people look at render: HTML tables for notebooks (escaped), aligned text for str()."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from api.models import (
    CallResult,
    Conference,
    NumberInfo,
    NumberItem,
    NumberList,
    NumbersList,
    Participant,
    ParticipantList,
    Recording,
    RecordingList,
)
from api.models.display import clock, html_table, human_bytes, text_table

CONFERENCE = {"participants": [
    {"cli": "<script>alert(1)</script>", "id": "call-1", "duration": 172, "muted": True, "onhold": False},
    {"cli": "+46708168731", "id": "call-2", "duration": 5, "muted": False},
]}
RECORDING = {
    "key": "call-1-abc.wav", "url": "https://example.test/r/call-1-abc.wav",
    "createdOn": "2026-11-20T10:00:00Z", "expiresOn": "2026-12-20T10:00:00Z",
    "headers": {"Content-Type": "audio/wav", "Content-Length": "1536"},
}
CALL = {
    "from": {"type": "number", "endpoint": "+46708168731"}, "to": {"type": "number", "endpoint": "+46850512345"},
    "domain": "pstn", "callId": "call-1", "duration": 65, "status": "FINAL", "result": "ANSWERED",
    "reason": "CALLERHANGUP", "timestamp": "2026-11-20T10:00:00Z",
    "userRate": {"currencyId": "USD", "amount": 0.0368}, "debit": {"currencyId": "USD", "amount": 0.0401},
}


def test_conference_html_lists_participants_escaped():
    page = Conference.model_validate(CONFERENCE)._repr_html_()
    for header in ("cli", "callId", "duration", "muted", "on hold"):
        assert f">{header}</th>" in page
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<td>call-1</td>" in page and "<td>2:52</td>" in page and "<td>yes</td>" in page
    assert page.startswith("<table") and page.endswith("</table>")
    assert "2 participants" in page


def test_conference_text_is_an_aligned_table():
    text = str(Conference.model_validate(CONFERENCE))
    lines = text.splitlines()
    assert lines[0] == "Conference: 2 participants"
    assert lines[1].split() == ["cli", "callId", "duration", "muted", "on", "hold"]
    assert set(lines[2].replace(" ", "")) == {"-"}
    assert lines[3].split()[:3] == ["<script>alert(1)</script>", "call-1", "2:52"]
    assert lines[1].index("callId") == lines[3].index("call-1") == lines[4].index("call-2")  # aligned


def test_participants_are_a_displayable_list_that_stays_a_plain_list():
    conference = Conference.model_validate(CONFERENCE)
    assert isinstance(conference.participants, ParticipantList) and isinstance(conference.participants, list)
    assert isinstance(Conference().participants, ParticipantList)
    plain = Conference(participants=[Participant.model_validate(p) for p in CONFERENCE["participants"]])
    assert conference == plain and conference.participants == list(plain.participants)
    assert json.loads(conference.model_dump_json(by_alias=True)) == {"participants": [
        {**CONFERENCE["participants"][0]}, {**CONFERENCE["participants"][1], "onhold": None}]}
    assert Conference.model_validate_json(conference.model_dump_json(by_alias=True)) == conference
    assert "<td>call-2</td>" in conference.participants._repr_html_()
    assert str(conference.participants).startswith("2 participants\ncli")
    assert repr(conference.participants).startswith("[Participant(")  # repr stays the list's


def test_call_result_renders_field_by_field():
    call = CallResult.model_validate(CALL)
    page = call._repr_html_()
    for field, value in (("callId", "call-1"), ("status", "FINAL"), ("result", "ANSWERED"), ("duration", "1:05"),
                         ("from", "+46708168731"), ("to", "+46850512345"), ("debit", "0.0401 USD")):
        assert f"<th style=\"text-align:left\">{field}</th><td>{value}</td>" in page
    text = str(call)
    assert text.splitlines()[0] == "CallResult"
    assert "status:   FINAL" in text and "time:     2026-11-20 10:00:00Z" in text
    assert call.model_dump(by_alias=True)["callId"] == "call-1"  # serialising is unchanged


def test_recording_list_columns_and_size_from_headers():
    recordings = RecordingList([Recording.model_validate(RECORDING),
                                Recording.model_validate({"key": "no-headers.mp3"})])
    assert recordings[0].size == 1536 and recordings[1].size is None
    page = recordings._repr_html_()
    for header in ("key", "created", "expires", "size"):
        assert f">{header}</th>" in page
    assert "<td>1.5 KiB</td>" in page and "<td>2026-11-20 10:00:00Z</td>" in page and "2 recordings" in page
    text = str(recordings)
    assert "call-1-abc.wav" in text and "1.5 KiB" in text and "no-headers.mp3" in text
    assert recordings == [Recording.model_validate(RECORDING), Recording.model_validate({"key": "no-headers.mp3"})]


def test_number_list_and_number_info():
    numbers = NumberList(NumbersList.model_validate({"numbers": [
        {"number": "+46850512345", "applicationkey": "app<1>", "capability": "voice"},
        {"number": "+14155550132", "capability": "sms"},
    ]}).numbers)
    page = numbers._repr_html_()
    assert ">application</th>" in page and "<td>app&lt;1&gt;</td>" in page and "2 numbers" in page
    assert str(numbers).splitlines()[1].split() == ["number", "application", "capability"]
    assert isinstance(numbers[0], NumberItem)
    info = NumberInfo.model_validate({"countryId": "SE", "numberType": "Mobile", "normalizedNumber": "+46708168731",
                                      "restricted": False, "rate": {"currencyId": "USD", "amount": 0.0368}})
    assert "<td>+46708168731</td>" in info._repr_html_() and "<td>0.0368 USD</td>" in info._repr_html_()
    assert "country:    SE" in str(info) and "restricted: no" in str(info)


def test_empty_lists_and_helpers():
    assert "(none)" in str(RecordingList()) and "0 recordings" in RecordingList()._repr_html_()
    assert str(NumberList()).startswith("0 numbers")
    assert human_bytes(None) == "" and human_bytes(512) == "512 B" and human_bytes(3 * 1024**3) == "3.0 GiB"
    assert clock(3725) == "1:02:05" and clock(None) == "" and clock(0) == "0:00"
    assert clock(61) == "1:01" and clock(-3) == "0:00"  # one format everywhere; clock skew is no time
    assert html_table(["a"], [["<b>"]], caption="x & y") == (
        '<table class="sinch-table" style="border-collapse:collapse;font-size:90%">'
        '<caption style="text-align:left">x &amp; y</caption><thead><tr><th style="text-align:left">a</th></tr>'
        "</thead><tbody><tr><td>&lt;b&gt;</td></tr></tbody></table>"
    )
    assert text_table(None, [["k", "v"], ["long", "w"]]) == "k:    v\nlong: w"


@pytest.mark.parametrize("moment", [datetime(2026, 11, 20, 10, 0, tzinfo=UTC)])
def test_recording_times_are_shown_in_utc(moment):
    recording = Recording(key="k", created_on=moment)
    assert "created: 2026-11-20 10:00:00Z" in str(recording)


def test_one_time_format_local_and_relative():
    """Local time (the suite runs in UTC, as the Events tests' times assume), relative where asked."""
    from datetime import UTC, datetime, timedelta

    from api.models.display import ago, moment

    now = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    assert moment(now - timedelta(seconds=3), now) == "09:29:57"
    assert moment(now - timedelta(minutes=3), now, relative=True) == "09:27:00 (3 min ago)"
    assert moment(datetime(2026, 11, 20, 14, 3, tzinfo=UTC), now) == "Nov 20 14:03"
    assert moment(datetime(2025, 11, 20, 14, 3, tzinfo=UTC), now) == "2025-11-20 14:03"
    assert moment(None, now) == "not yet"
    assert ago(now, now) == "just now" and ago(now - timedelta(seconds=42), now) == "42 s ago"
    assert ago(now - timedelta(hours=2, minutes=5), now) == "2 h ago"
    assert ago(now - timedelta(days=1), now) == "1 day ago" and ago(now - timedelta(days=5), now) == "5 days ago"
    assert ago(now + timedelta(minutes=3), now) == "in 3 min"
