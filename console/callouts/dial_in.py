"""Dial-in many: several numbers called into one conference, one conference callout per leg.

Each leg has its own status; legs are placed with bounded concurrency; a failed leg is retried only by hand
(`retry`), never automatically. `follow` asks for the call result of placed legs so a busy or unanswered
leg shows as failed with the reason.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from console.callouts.fields import FieldProblem, check_number
from console.callouts.forms import CalloutPlan
from console.callouts.sender import CalloutSender, SendOutcome
from console.rooms.wording import ROOM, describe_error

LegStatus = Literal["waiting", "placing", "placed", "ringing", "joined", "failed", "unknown"]
""""unknown": sent without an answer, so it may be ringing: never retried (the Calls mode follows its tag)."""
MAX_LEGS = 200
CONCURRENCY = 4
_SEPARATORS = re.compile(r"[,;\n\r\t]+")
_RESULT_WORDS = {"BUSY": "busy", "NOANSWER": "no answer", "FAILED": "failed"}


def parse_numbers(text: str, *, limit: int = MAX_LEGS) -> tuple[list[str], list[str]]:
    """Numbers pasted as commas, semicolons, new lines or spaces -> (unique E.164 numbers, worded problems).

    Also the Numbers mode's assign form reads its numbers here (console.numbers.assign). Spaces inside a number
    ("+46 70 123 45 67") are kept when the piece between separators is one number. A piece that is not is read
    as space-separated numbers: the words that are numbers are kept and each other word is named; when no word
    is a number, the piece was one number mistyped and its own problem is told. More than `limit` numbers is a
    problem too, and only the first `limit` are kept."""
    numbers: list[str] = []
    problems: list[str] = []
    for chunk in _SEPARATORS.split(text):
        if not chunk.strip():
            continue
        try:
            candidates = [check_number(chunk, "Number").endpoint]
        except FieldProblem as whole:
            candidates, refused = [], []
            for word in chunk.split():
                try:
                    candidates.append(check_number(word, "Number").endpoint)
                except FieldProblem as problem:
                    refused.append(problem.reason)
            problems.extend(refused if candidates else [whole.reason])
        numbers.extend(n for n in candidates if n not in numbers)
    if len(numbers) > limit:
        problems.append(f"{len(numbers)} numbers; at most {limit} at a time")
        numbers = numbers[:limit]
    return numbers, problems


@dataclass(frozen=True)
class Leg:
    number: str
    status: LegStatus = "waiting"
    call_id: str | None = None
    reason: str = ""

    @property
    def retryable(self) -> bool:
        return self.status == "failed"


class DialIn:
    """The legs of one dial-in into `base.conference_id`; `base` is a checked conference plan whose destination is
    replaced per leg. `on_change(leg)` is called whenever a leg's status changes."""

    def __init__(self, sender: CalloutSender, base: CalloutPlan, numbers: Iterable[str], *,
                 concurrency: int = CONCURRENCY, on_change: Callable[[Leg], object] | None = None) -> None:
        self.sender = sender
        self.base = base
        self.legs: dict[str, Leg] = {number: Leg(number) for number in numbers}
        self.on_change = on_change
        self._limit = asyncio.Semaphore(max(1, concurrency))
        self.placed: list[SendOutcome] = []

    def _set(self, leg: Leg) -> None:
        self.legs[leg.number] = leg
        if self.on_change is not None:
            self.on_change(leg)

    def plan_for(self, number: str) -> CalloutPlan:
        arguments = {**self.base.arguments, "destination": number}
        return replace(self.base, arguments=arguments, destination=number)

    async def place_all(self) -> list[SendOutcome]:
        """Place every waiting leg, a few at a time. Returns the outcomes to track: the placed legs and those
        whose outcome is unknown."""
        waiting = [leg.number for leg in self.legs.values() if leg.status == "waiting"]
        outcomes = await asyncio.gather(*(self._place(number) for number in waiting))
        return [o for o in outcomes if o is not None and (o.ok or o.unknown)]

    async def retry(self, number: str) -> SendOutcome | None:
        """Place a failed leg again (by hand only). Does nothing for a leg that is not failed."""
        leg = self.legs.get(number)
        if leg is None or not leg.retryable:
            return None
        return await self._place(number)

    async def _place(self, number: str) -> SendOutcome | None:
        async with self._limit:
            self._set(Leg(number, "placing"))
            # Each leg its own sender state: legs run side by side, but one leg never sends twice.
            sender = CalloutSender(self.sender.gateway, clock=self.sender.clock, tags=self.sender.tags)
            outcome = await sender.send(self.plan_for(number))
        if outcome.ok:
            self._set(Leg(number, "placed", outcome.call_id))
            self.placed.append(outcome)
        elif outcome.unknown:
            self._set(Leg(number, "unknown", None, outcome.text))
        else:
            self._set(Leg(number, "failed", None, outcome.text))
        return outcome

    async def follow(self) -> None:
        """Ask the call result of every placed or ringing leg once; busy/no answer/blocked legs become failed."""
        live = [leg for leg in self.legs.values() if leg.status in ("placed", "ringing") and leg.call_id]
        await asyncio.gather(*(self._follow(leg) for leg in live))

    async def _follow(self, leg: Leg) -> None:
        assert leg.call_id is not None
        try:
            result = await self.sender.client.calls.get(leg.call_id)
        except Exception as error:
            self._set(replace(leg, reason=f"status unknown: {describe_error(error, subject=ROOM)}"))
            return
        if result.status == "FINAL":
            if result.result == "ANSWERED":
                self._set(replace(leg, status="joined", reason="answered (call ended)"))
            else:
                why = _RESULT_WORDS.get(result.result, result.result.lower())
                reason = f"{why} ({result.reason.lower()})" if result.reason not in ("N/A", "") else why
                self._set(replace(leg, status="failed", reason=reason))
        elif result.status == "ONGOING":
            self._set(replace(leg, status="joined", reason="answered"))
        elif result.status == "RINGING" and leg.status != "ringing":
            self._set(replace(leg, status="ringing", reason=""))

    @property
    def settled(self) -> bool:
        """No leg is waiting, being placed or ringing."""
        return all(leg.status in ("joined", "failed", "unknown") for leg in self.legs.values())

    def summary(self, now: datetime | None = None) -> str:
        counts: dict[str, int] = {}
        for leg in self.legs.values():
            counts[leg.status] = counts.get(leg.status, 0) + 1
        return " · ".join(f"{n} {status}" for status, n in counts.items())
