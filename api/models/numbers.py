"""Numbers of the account and their assignment to applications (configuration host)."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import AliasChoices, Field, field_validator

from api.models.base import RequestModel, WireModel
from api.models.common import e164_field_validator, e164_syntax
from api.models.display import Columns, Displayable, DisplayList

Capability = Literal["voice", "sms"]


class NumberItem(Displayable, WireModel):
    """A number the account owns; `application_key` is set when it is assigned to an app."""

    display_columns: ClassVar[Columns] = (
        ("number", "number"), ("application", "application_key"), ("capability", "capability"),
    )

    number: str
    application_key: str | None = Field(
        default=None,
        alias="applicationkey",
        validation_alias=AliasChoices("applicationkey", "applicationKey", "application_key"),
    )
    capability: str | None = None


class NumberList(DisplayList[NumberItem]):
    """What `numbers.list()` returns: a list, shown as a table."""

    item_type = NumberItem
    noun = "number"


class NumbersList(WireModel):
    """Body of GET /configuration/numbers."""

    numbers: list[NumberItem] = Field(default_factory=list)


class AssignNumbersRequest(RequestModel):
    """Body of POST /configuration/numbers: assign numbers to an application."""

    numbers: list[str] = Field(min_length=1)
    application_key: str | None = Field(default=None, alias="applicationkey")
    capability: Capability | None = None

    @field_validator("numbers")
    @classmethod
    def _all_e164(cls, numbers: list[str]) -> list[str]:
        return [e164_syntax(n) for n in numbers]


class UnassignNumberRequest(RequestModel):
    """Body of DELETE /configuration/numbers: the API reference spells this one `applicationKey`."""

    number: str
    application_key: str | None = Field(default=None, alias="applicationKey")
    capability: Capability | None = None

    _e164 = e164_field_validator("number")
