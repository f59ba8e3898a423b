"""Helpers of the rooms tests: the sandbox admin routes, a hand-moved clock, participant models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from api.models import Conference, Participant

ROOM = "standup"
START = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


@dataclass
class ManualClock:
    """The console's clock in tests: it moves only when told."""

    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


class Admin:
    """The sandbox's admin routes: people dial in and hang up, faults are injected, state is read."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def join(self, cli: str, room: str = ROOM, *, muted: bool = False) -> str:
        response = await self.http.post(f"/_sandbox/conferences/{room}/participants", json={"cli": cli, "muted": muted})
        assert response.status_code == 201, response.text
        return response.json()["callId"]

    async def hang_up(self, call_id: str, room: str = ROOM) -> None:
        response = await self.http.delete(f"/_sandbox/conferences/{room}/participants/{call_id}")
        assert response.status_code == 204, response.text

    async def fault(self, **spec: Any) -> None:
        response = await self.http.post("/_sandbox/faults", json=spec)
        assert response.status_code == 201, response.text

    async def clear_faults(self) -> None:
        await self.http.delete("/_sandbox/faults")

    async def state(self) -> dict[str, Any]:
        return (await self.http.get("/_sandbox/state")).json()

    async def roster(self, room: str = ROOM) -> dict[str, dict[str, Any]]:
        """callId -> participant as the platform holds it (empty when the room is gone)."""
        return {p["id"]: p for p in (await self.state())["conferences"].get(room, [])}




def person(call_id: str, cli: str = "", *, muted: bool = False, on_hold: bool | None = None) -> Participant:
    return Participant(id=call_id, cli=cli or f"+4670000{sum(map(ord, call_id)):04d}", muted=muted, onhold=on_hold)


def conference(*people: Participant) -> Conference:
    return Conference(participants=list(people))
