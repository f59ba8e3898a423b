"""Query number: what a number is, where it is and what calling it costs."""

from __future__ import annotations

from typing import ClassVar

from pydantic import AliasChoices, Field

from api.models.base import WireModel
from api.models.common import Money
from api.models.display import Columns, Displayable


class NumberInfo(Displayable, WireModel):
    """The `numberItem` of a query-number answer."""

    display_columns: ClassVar[Columns] = (
        ("number", "normalized_number"), ("country", "country_id"), ("type", "number_type"),
        ("restricted", "restricted"), ("rate", "rate"),
    )

    country_id: str = ""
    number_type: str = "Unknown"
    normalized_number: str = ""
    restricted: bool = False
    rate: Money | None = None


class QueryNumberResponse(WireModel):
    """The API reference names the object `numberItem`; the official SDKs read `number`. Accept both."""

    number_item: NumberInfo = Field(validation_alias=AliasChoices("numberItem", "number"))
