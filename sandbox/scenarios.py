"""Scenarios: what the sandbox holds when it starts, and what keeps happening.

`empty`: the demo application, its numbers and nothing else: tests build what they need.
`demo`:  three named rooms that stay alive. Every few seconds of (virtual) time somebody joins, leaves,
         mutes or unmutes, or is put on hold, driven by a seeded RNG, so the same seed and the same clock
         moves give the same story. Rooms are refilled quickly if a moderator empties them. Plus numbers
         in several countries and a month of recordings (a few expiring within the day); now and then a
         participant who leaves leaves a recording too.
         Once a callback URL is set, the demo rooms detect keys (DTMF) for everyone, and every 30-60 s
         somebody presses 1 (a PIE callback: a raised hand), preferably someone muted, who is sometimes
         unmuted a few seconds later. Those presses have a generator of their own, so a seed tells the same
         story of joins and leaves with or without a callback URL.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import phonenumbers

from sandbox.engine import Sandbox
from sandbox.errors import SandboxError
from sandbox.rates import BUSY_SUFFIX, NO_ANSWER_SUFFIX, RESTRICTED_SUFFIX

SCENARIOS = ("demo", "empty")
DEMO_ROOMS = ("standup", "board-room", "support-bridge")
ROOM_SIZE = {"standup": (3, 7), "board-room": (2, 5), "support-bridge": (2, 4)}  # (min kept, max)
EVENT_GAP_SECONDS = (2.0, 6.0)
# Recordings already in the Drive at start: (days ago, seconds of audio). Retention is 30 days, so the
# oldest ones expire within hours: the console's expiry highlight has something to show.
DEMO_RECORDINGS = (
    (0.05, 9.0), (0.1, 7.0), (0.4, 21.0), (0.8, 3.5), (1.2, 14.0), (2.3, 12.0), (3.1, 5.0), (5.5, 4.0),
    (6.8, 18.0), (9.0, 6.5), (12.5, 25.0), (16.0, 8.0), (21.0, 11.0), (27.0, 4.5), (29.4, 16.0), (29.85, 6.0),
)
RECORDING_CHANCE = 0.25
"""How often a participant who leaves in the demo leaves a recording of their call."""
FIRST_KEY_PRESS_SECONDS = (8.0, 20.0)
"""After a callback URL is set, the first raised hand comes soon (someone trying it out sees one)..."""
KEY_PRESS_GAP_SECONDS = (30.0, 60.0)
"""...then one every 30-60 s of demo time."""
HAND_KEY = "1"
UNMUTE_AFTER_HAND_CHANCE = 0.4
UNMUTE_AFTER_HAND_SECONDS = (4.0, 12.0)

# Numbers the demo account owns: (number, capability, assigned to the demo app?)
DEMO_NUMBERS = (
    ("+46850512345", "voice", True),
    ("+442071838750", "voice", True),
    ("+14155550132", "voice", False),
    ("+4930901820", "voice", False),
    ("+33142685300", "sms", False),
)
# Prefixes that give valid mobile numbers once filled with random digits to the right length.
_MOBILE_PATTERNS = (
    ("+4670", 7), ("+4673", 7), ("+447700", 6), ("+4915", 9), ("+1415", 7), ("+1646", 7), ("+474", 7),
    ("+336", 8), ("+5511", 9), ("+9198", 8), ("+614", 8), ("+3584", 8),
)


def believable_number(rng: random.Random) -> str:
    """A valid E.164 mobile number from one of a dozen countries (never a busy/no-answer/restricted one)."""
    while True:
        prefix, digits = rng.choice(_MOBILE_PATTERNS)
        candidate = prefix + "".join(rng.choice("0123456789") for _ in range(digits))
        if candidate.endswith((BUSY_SUFFIX, NO_ANSWER_SUFFIX, RESTRICTED_SUFFIX)):
            continue
        if phonenumbers.is_valid_number(phonenumbers.parse(candidate, None)):
            return candidate


def apply(sb: Sandbox, name: str) -> None:
    if name not in SCENARIOS:
        raise ValueError(f"unknown scenario {name!r}; use one of {', '.join(SCENARIOS)}")
    for number, capability, assigned in DEMO_NUMBERS:
        sb.numbers.own(number, capability, sb.application_key if assigned else None)
    if name == "demo":
        DemoScenario(sb).start()


class DemoScenario:
    """Keeps DEMO_ROOMS busy at a human pace. All randomness comes from one seeded generator."""

    def __init__(self, sb: Sandbox) -> None:
        self.sb = sb
        self.rng = random.Random(f"{sb.seed}-demo") if sb.seed is not None else random.Random()
        # a stream of its own, so recordings do not change who joins and leaves for a given seed
        self.recording_rng = random.Random(f"{sb.seed}-demo-recordings") if sb.seed is not None else random.Random()
        # and one for key presses, which only happen once a callback URL is set
        self.keys_rng = random.Random(f"{sb.seed}-demo-keys") if sb.seed is not None else random.Random()
        self._pressing = False

    def start(self) -> None:
        sb, now = self.sb, self.sb.now()
        sb.rooms = list(DEMO_ROOMS)
        for room in DEMO_ROOMS:
            low, high = ROOM_SIZE[room]
            for _ in range(self.rng.randint(low, high - 1)):
                # people joined at different times in the last quarter hour
                joined = now - timedelta(seconds=self.rng.randint(20, 900))
                sb.dial_in(room, believable_number(self.rng), muted=self.rng.random() < 0.3, at=joined)
        for days_ago, seconds in DEMO_RECORDINGS:
            sb.add_recording(sb.ids.call_id(), now - timedelta(days=days_ago), seconds=seconds)
        self._schedule(now)
        sb.callback_listeners.append(self._callbacks_changed)

    def _schedule(self, after: datetime) -> None:
        self.sb.schedule(after + timedelta(seconds=self.rng.uniform(*EVENT_GAP_SECONDS)), self._step)

    def _step(self, at: datetime) -> None:
        """One thing happens in one room, then the next step is scheduled."""
        sb = self.sb
        empty = [room for room in DEMO_ROOMS if room not in sb.conferences]
        room = empty[0] if empty else self.rng.choice(DEMO_ROOMS)
        low, high = ROOM_SIZE[room]
        conf = sb.conferences.get(room)
        people = list(conf.participants.values()) if conf else []
        roll = self.rng.random()
        if len(people) < low or (roll < 0.3 and len(people) < high):
            sb.dial_in(room, believable_number(self.rng), muted=self.rng.random() < 0.2, at=at)
        elif roll < 0.55 and len(people) > low:
            leaver = self.rng.choice(people)
            call = sb.calls[leaver.call_id]
            if self.recording_rng.random() < RECORDING_CHANCE:
                sb.start_recording(call, min(call.answered_at or at, at))  # the whole call was recorded
            sb.end_call(call, at, reason="CALLERHANGUP")
        elif roll < 0.9 and people:
            person = self.rng.choice(people)
            person.muted = not person.muted
        elif people:
            person = self.rng.choice(people)
            person.onhold = not person.onhold
        self._schedule(at)

    # ---- key presses (only with a callback URL: a PIE needs somewhere to go) ------------------------------

    def _callbacks_changed(self) -> None:
        """A callback URL was set (under the sandbox lock): start pressing keys, once."""
        sb = self.sb
        if self._pressing or not sb.callbacks.items.get(sb.application_key):
            return
        self._pressing = True
        # Who joined before there was a URL got no ICE, so no answer turned detection on for them: the demo
        # rooms detect keys for everyone (newcomers get it from their ICE answer, connectConf mode detect).
        for room in DEMO_ROOMS:
            conf = sb.conferences.get(room)
            for call_id in list(conf.participants) if conf else ():
                call = sb.calls.get(call_id)
                if call is not None and call.kind == "inbound" and not call.is_final:
                    sb.dtmf_detect.setdefault(call_id, room)
        sb.schedule(sb.now() + timedelta(seconds=self.keys_rng.uniform(*FIRST_KEY_PRESS_SECONDS)), self._press)

    def _press(self, at: datetime) -> None:
        """Somebody in a demo room presses 1 (preferably someone muted), then the next press is scheduled."""
        sb = self.sb
        if not sb.callbacks.items.get(sb.application_key):
            self._pressing = False  # the URL was removed: start again when one is set
            return
        candidates = [(room, person) for room in DEMO_ROOMS if (conf := sb.conferences.get(room)) is not None
                      for person in conf.participants.values()
                      if sb.dtmf_detect.get(person.call_id) == room and not person.onhold]
        if candidates:
            muted = [(room, person) for room, person in candidates if person.muted]
            room, person = self.keys_rng.choice(muted or candidates)
            try:
                sb.press_dtmf(person.call_id, HAND_KEY)
            except SandboxError:  # cannot happen for a detecting participant; never stop the demo over it
                pass
            else:
                if person.muted and self.keys_rng.random() < UNMUTE_AFTER_HAND_CHANCE:
                    later = at + timedelta(seconds=self.keys_rng.uniform(*UNMUTE_AFTER_HAND_SECONDS))
                    sb.schedule(later, self._unmute, room, person.call_id)
        sb.schedule(at + timedelta(seconds=self.keys_rng.uniform(*KEY_PRESS_GAP_SECONDS)), self._press)

    def _unmute(self, at: datetime, room: str, call_id: str) -> None:
        """The one who raised a hand gets the floor (as a moderator would give it)."""
        conf = self.sb.conferences.get(room)
        person = conf.participants.get(call_id) if conf else None
        if person is not None:
            person.muted = False
