"""Raised hands per room (console/rooms/hands.py): raised by a PIE DTMF 1, lowered by a key, an unmute,
leaving or the call ending; pure logic, no UI."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from api.models import Conference, Participant
from console.rooms.hands import Hands, raises_hand
from console.rooms.watch import RoomDiff, RoomWatch

T0 = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def person(call_id: str, *, muted: bool = False) -> Participant:
    return Participant.model_validate({"id": call_id, "cli": "+46708168731", "duration": 5, "muted": muted,
                                       "onhold": False})


def test_only_a_dtmf_1_raises_a_hand() -> None:
    assert raises_hand({"type": "sequence", "value": "1", "menuId": "standup", "inputMethod": "dtmf"})
    assert raises_hand({"value": " 1 "})  # nothing else said: keys pressed
    for value in ("2", "*1", "11", "", None, 1):
        assert not raises_hand({"type": "sequence", "value": value, "inputMethod": "dtmf"}), value
    assert not raises_hand({"type": "sequence", "value": "1", "inputMethod": "voice"})
    assert not raises_hand({"type": "timeout", "value": "1", "inputMethod": "dtmf"})
    assert not raises_hand({})


def test_raise_once_keep_order_and_notes() -> None:
    hands = Hands()
    first = hands.raise_hand("standup", "c-1", T0, cli="+46708168731")
    assert first is not None and first.raised and first.detail == "raised a hand (pressed 1)"
    assert hands.raise_hand("standup", "c-1", T0 + timedelta(seconds=3)) is None  # pressing 1 again: no change
    hands.raise_hand("standup", "c-2", T0 + timedelta(seconds=5))
    hands.raise_hand("retro", "c-9", T0)
    assert [hand.call_id for hand in hands.raised("standup")] == ["c-1", "c-2"]
    assert hands.raised("standup")[0].raised_at == T0 and hands.raised("standup")[0].cli == "+46708168731"
    assert hands.is_raised("standup", "c-2") and not hands.is_raised("retro", "c-2")
    assert (hands.count("standup"), hands.count("retro"), hands.count("nowhere")) == (2, 1, 0)
    assert len(hands.notes("standup")) == 2


def test_lower_by_key_and_all() -> None:
    hands = Hands()
    for call_id in ("c-1", "c-2", "c-3"):
        hands.raise_hand("standup", call_id, T0)
    note = hands.lower("standup", "c-2", T0 + timedelta(seconds=1))
    assert note is not None and not note.raised and note.by == "console" and note.detail == "hand lowered"
    assert hands.lower("standup", "c-2", T0) is None  # already down
    assert hands.lower("elsewhere", "c-1", T0) is None
    notes = hands.lower_all("standup", T0 + timedelta(seconds=2))
    assert [n.call_id for n in notes] == ["c-1", "c-3"] and hands.raised("standup") == []
    assert [(n.call_id, n.raised) for n in hands.notes("standup")][-3:] == [("c-2", False), ("c-1", False),
                                                                           ("c-3", False)]


def test_a_poll_lowers_leavers_and_the_newly_unmuted() -> None:
    watch = RoomWatch("standup")
    watch.apply_poll(None, T0)
    hands = Hands()
    hands.raise_hand("standup", "a", T0)
    hands.raise_hand("standup", "b", T0)
    hands.raise_hand("standup", "c", T0)
    def poll(*people: Participant, at: int) -> RoomDiff:
        return watch.apply_poll(Conference(participants=list(people)), T0 + timedelta(seconds=at))

    hands.apply_diff(poll(person("a", muted=True), person("b"), person("c"), at=1))
    assert [h.call_id for h in hands.raised("standup")] == ["a", "b", "c"]  # joining and muted: still up
    notes = hands.apply_diff(poll(person("a"), person("b"), at=2))  # a unmuted, c left
    assert [(n.call_id, n.why, n.by) for n in notes] == [("c", "left", "platform"), ("a", "unmuted", "platform")]
    assert [h.call_id for h in hands.raised("standup")] == ["b"]
    assert notes[1].detail == "hand lowered: unmuted"
    assert hands.apply_diff(RoomDiff("other", T0)) == []


def test_a_hand_of_a_call_no_poll_lists_comes_down_after_the_grace() -> None:
    """Its leaving was missed (gone before any poll saw it, DiCE off): the hand must not stay up for good."""
    hands = Hands()
    hands.raise_hand("standup", "ghost", T0)
    hands.raise_hand("standup", "here", T0)
    assert hands.apply_diff(RoomDiff("standup", T0 + timedelta(seconds=2)), present={"here"}) == []  # may be new
    notes = hands.apply_diff(RoomDiff("standup", T0 + timedelta(seconds=6)), present={"here"})
    assert [(n.call_id, n.why) for n in notes] == [("ghost", "left")]
    assert [h.call_id for h in hands.raised("standup")] == ["here"]


def test_call_ended_and_forget() -> None:
    hands = Hands()
    hands.raise_hand("standup", "c-1", T0)
    hands.raise_hand("retro", "c-2", T0)
    assert hands.rooms_of("c-1") == ["standup"]
    notes = hands.call_ended("c-1", T0)
    assert [(n.room, n.why) for n in notes] == [("standup", "call ended")] and hands.call_ended("c-1", T0) == []
    hands.forget("retro")
    assert hands.raised("retro") == [] and hands.notes("retro") == []


def test_notes_are_bounded_per_room() -> None:
    hands = Hands(notes_per_room=3)
    for index in range(5):
        hands.raise_hand("standup", f"c-{index}", T0)
    assert [n.call_id for n in hands.notes("standup")] == ["c-2", "c-3", "c-4"]
