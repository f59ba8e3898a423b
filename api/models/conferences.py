"""Conference info and participant commands."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Literal

from pydantic import Field, field_validator

from api.models.base import RequestModel, WireModel
from api.models.display import Columns, Displayable, DisplayList


class Participant(Displayable, WireModel):
    """One call leg in a conference. The wire calls the call id `id` and on-hold `onhold`."""

    display_columns: ClassVar[Columns] = (
        ("cli", "cli"), ("callId", "call_id"), ("duration", "duration", "clock"), ("muted", "muted"),
        ("on hold", "on_hold"),
    )

    cli: str = ""
    call_id: str = Field(alias="id")
    duration: int = 0
    muted: bool = False
    on_hold: bool | None = Field(default=None, alias="onhold")


class ParticipantList(DisplayList[Participant]):
    """The participants of a conference: a list, shown as a table."""

    item_type = Participant
    noun = "participant"


class Conference(Displayable, WireModel):
    """An ongoing conference as GET /conferences/id/{conferenceId} returns it. Shown as its participants."""

    participants: list[Participant] = Field(default_factory=ParticipantList)

    @field_validator("participants")
    @classmethod
    def _as_participant_list(cls, participants: list[Participant]) -> list[Participant]:
        return ParticipantList(participants)

    def _display(self) -> tuple[Sequence[str] | None, list[list[str]], str | None]:
        headers, rows, caption = ParticipantList(self.participants)._display()
        return headers, rows, f"Conference: {caption}"


class ConferenceCommand(RequestModel):
    """Body of PATCH /conferences/id/{conferenceId}/{callId}."""

    command: Literal["mute", "unmute", "onhold", "resume"]
