"""Conference moderation: who is in the room, mute/unmute, hold/resume, kick one or all."""

from __future__ import annotations

from api.models import Conference, ConferenceCommand
from api.resources._base import Resource, build, path_segment
from api.retry import Idempotency


def _conference_path(conference_id: str) -> str:
    return f"/calling/v1/conferences/id/{path_segment(conference_id, 'conference_id')}"


class Conferences(Resource):
    """Everything here is idempotent (muting twice leaves the participant muted), so all of it retries."""

    async def get(self, conference_id: str) -> Conference:
        """The participants of an ongoing conference (40400 NotFoundError when it does not exist)."""
        response = await self._client._request("GET", _conference_path(conference_id))
        return self._client._parse(response, Conference)

    async def command(self, conference_id: str, call_id: str, command: str) -> None:
        """Send a participant command: "mute", "unmute", "onhold" or "resume"."""
        body = build(ConferenceCommand, {"command": command}).to_wire()
        path = f"{_conference_path(conference_id)}/{path_segment(call_id, 'call_id')}"
        await self._client._request("PATCH", path, body=body, idempotency=Idempotency.SAFE)

    async def mute(self, conference_id: str, call_id: str) -> None:
        await self.command(conference_id, call_id, "mute")

    async def unmute(self, conference_id: str, call_id: str) -> None:
        await self.command(conference_id, call_id, "unmute")

    async def hold(self, conference_id: str, call_id: str) -> None:
        await self.command(conference_id, call_id, "onhold")

    async def resume(self, conference_id: str, call_id: str) -> None:
        await self.command(conference_id, call_id, "resume")

    async def kick(self, conference_id: str, call_id: str) -> None:
        """Remove one participant (their call leg is hung up)."""
        path = f"{_conference_path(conference_id)}/{path_segment(call_id, 'call_id')}"
        await self._client._request("DELETE", path)

    async def kick_all(self, conference_id: str) -> None:
        """Remove every participant, which ends the conference."""
        await self._client._request("DELETE", _conference_path(conference_id))
