"""Conference info and participant commands."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.models.base import RequestModel, WireModel


class Participant(WireModel):
    """One call leg in a conference. The wire calls the call id `id` and on-hold `onhold`."""

    cli: str = ""
    call_id: str = Field(alias="id")
    duration: int = 0
    muted: bool = False
    on_hold: bool | None = Field(default=None, alias="onhold")


class Conference(WireModel):
    """An ongoing conference as GET /conferences/id/{conferenceId} returns it."""

    participants: list[Participant] = Field(default_factory=list)


class ConferenceCommand(RequestModel):
    """Body of PATCH /conferences/id/{conferenceId}/{callId}."""

    command: Literal["mute", "unmute", "onhold", "resume"]
