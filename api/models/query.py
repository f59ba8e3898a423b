"""Query number: what a number is, where it is and what calling it costs."""

from __future__ import annotations

from pydantic import AliasChoices, Field

from api.models.base import WireModel
from api.models.common import Money


class NumberInfo(WireModel):
    """The `numberItem` of a query-number answer."""

    country_id: str = ""
    number_type: str = "Unknown"
    normalized_number: str = ""
    restricted: bool = False
    rate: Money | None = None


class QueryNumberResponse(WireModel):
    """The spec names the object `numberItem`; the official SDKs read `number`. Accept both."""

    number_item: NumberInfo = Field(validation_alias=AliasChoices("numberItem", "number"))
