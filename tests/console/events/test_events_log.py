"""The relay message parser, the one-line summaries, the bounded log and its filter (no sockets, no Textual)."""

from __future__ import annotations

import json

import pytest
from events_helpers import CONNECT_STANDUP, ace, dice, ice, pie, relayed, sample_events

from console.events import EventLog, EventQuery, parse_message


def test_parse_an_event_message() -> None:
    text = json.dumps({"type": "ace", "seq": 7, "received_at": "2026-11-23T09:30:01.005Z", "rule": "r",
                       "event": ace("c-7"), "answer": {"action": {"name": "continue"}}})
    event = parse_message(text)
    assert event is not None
    assert (event.type, event.seq, event.rule, event.call_id) == ("ace", 7, "r", "c-7")
    assert event.received_at is not None and event.received_at.isoformat() == "2026-11-23T09:30:01.005000+00:00"
    assert event.time_text() == "09:30:01"  # tests run with TZ=UTC
    assert event.answer == {"action": {"name": "continue"}}


def test_parse_a_dropped_notice_and_junk() -> None:
    dropped = parse_message('{"type":"dropped","count":12,"received_at":"2026-11-23T09:30:00.000Z"}')
    assert dropped is not None and dropped.type == "dropped" and dropped.count == 12
    assert dropped.summary() == "dropped 12 events: this console fell behind the relay"
    for junk in ("not json", "[1, 2]", '{"seq": 1}', b"\xff\xfe", '{"type": 3}'):
        assert parse_message(junk) is None


def test_summaries() -> None:
    events = sample_events()
    assert [event.summary() for event in events] == [
        "ICE 46708168731 → 46730170101, connectConf standup",
        "ACE answered",
        "PIE dtmf 1 in standup",
        "ACE answered",
        "DiCE HUNGUP CALLERHANGUP 0:42",
    ]
    assert relayed(dice(duration=3723), seq=1, at="2026-11-23T09:30:00Z").summary() == \
        "DiCE HUNGUP CALLERHANGUP 1:02:03"
    notify = relayed({"event": "notify", "callId": "c", "type": "recording_finished"}, seq=1, at="2026-11-23T09:30Z")
    assert notify.summary() == "Notify recording_finished" and notify.label == "Notify"
    odd = relayed({"event": "xyz", "callId": "c"}, seq=1, at="2026-11-23T09:30:00Z")
    assert odd.summary() == "XYZ event"
    assert relayed(dice(duration=-5), seq=1, at="2026-11-23T09:30:00Z").summary().endswith(" 0:00")  # skew


def test_conference_from_event_answer_or_earlier_event() -> None:
    log = EventLog()
    first = log.add(relayed(ice("call-1"), seq=1, at="2026-11-23T09:30:00Z", answer=CONNECT_STANDUP))
    later = log.add(relayed(dice("call-1"), seq=2, at="2026-11-23T09:31:00Z"))
    own = log.add(relayed({**ace("call-9"), "conferenceId": "board"}, seq=3, at="2026-11-23T09:31:00Z"))
    stranger = log.add(relayed(ace("call-3"), seq=4, at="2026-11-23T09:31:00Z"))
    assert (first.conference_id, later.conference_id, own.conference_id, stranger.conference_id) == (
        "standup", "standup", "board", None)
    assert log.room_of("call-1") == "standup"
    press = log.add(relayed(pie(call_id="call-1"), seq=5, at="2026-11-23T09:31:01Z"))  # no cli of its own
    assert first.cli and press.cli == first.cli and log.filtered(f"number:{first.cli}")[-1] is press
    assert stranger.cli == ""


def test_the_log_is_bounded_and_numbered() -> None:
    log = EventLog(limit=3)
    for seq in range(1, 6):
        log.add(relayed(ace(f"c-{seq}"), seq=seq, at="2026-11-23T09:30:00Z"))
    assert len(log) == 3 and log.total == 5
    assert [event.index for event in log.events] == [3, 4, 5]
    assert [event.index for event in log.since(3)] == [4, 5]
    assert [event.index for event in log.since(0)] == [3, 4, 5]
    assert log.since(5) == []
    assert log.get(2) is None and log.get(4) is not None and log.get(4).call_id == "c-4"
    dropped = parse_message('{"type":"dropped","count":7}')
    assert dropped is not None
    log.add(dropped)
    assert log.dropped == 7


@pytest.mark.parametrize(("query", "expected"), [
    ("", [1, 2, 3, 4, 5]),
    ("type:ace", [2, 4]),
    ("type:dice,pie", [3, 5]),
    ("TYPE:DiCE", [5]),
    ("room:stand", [1, 2, 3, 5]),
    ("room:standup type:ace", [2]),
    ("call:call-2", [4]),
    ("number:+46 708", [1, 2, 3, 5]),  # the ACE and PIE of that caller's call too
    ("number:4673017", [1, 5]),
    ("hungup", [5]),
    ("+46708168731", [1, 2, 3, 5]),
    ("answered call-2", [4]),
    ("nothing-like-this", []),
])
def test_filter(query: str, expected: list[int]) -> None:
    log = EventLog()
    log.extend(sample_events())
    assert [event.index for event in log.filtered(query)] == expected


def test_query_parsing() -> None:
    query = EventQuery.parse("type:ace,DICE room:Standup call:abc number:+46-70 hello odd:thing")
    assert query.types == {"ace", "dice"} and query.rooms == ("standup",) and query.calls == ("abc",)
    assert query.numbers == ("4670",) and query.words == ("hello", "odd:thing")
    assert not EventQuery.parse("   ")


def test_a_conference_key_press_shows_its_room_but_names_no_conference() -> None:
    """The sandbox's conference DTMF detection names the room only as the PIE's menuId: shown and filtered on,
    but not taken as the event's conference (reactions must not start watching a runMenu's menu id)."""
    press = relayed(pie(call_id="never-seen", menu_id="board-room"), seq=1, at="2026-11-23T09:30:20Z")
    log = EventLog()
    log.add(press)
    assert press.conference_id is None and press.room_shown == "board-room"
    assert log.filtered("room:board") == [press]
    assert relayed(ace(), seq=2, at="2026-11-23T09:30:21Z").room_shown == ""
