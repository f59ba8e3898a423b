"""The cost and restriction preview: query number for a settled destination, in words."""

from __future__ import annotations

from dataclasses import dataclass

from api import SinchVoiceClient
from api.models import NumberInfo
from console.gateway.wording import restricted_reason
from console.rooms.wording import ROOM, describe_error

DEBOUNCE_SECONDS = 0.4
"""How long the destination must stay unchanged before it is looked up (one query per settled number)."""


@dataclass(frozen=True)
class NumberPreview:
    """What query number said about `number` (or why it could not say)."""

    number: str
    country: str = ""
    number_type: str = ""
    normalized: str = ""
    rate: str = ""
    """"0.0368 USD/min", or "" when unknown."""
    restricted: bool = False
    error: str | None = None

    @property
    def block_reason(self) -> str | None:
        if self.restricted:
            return restricted_reason(self.normalized or self.number)
        return None

    def lines(self) -> list[tuple[str, str]]:
        """(label, value) rows for the preview panel."""
        if self.error:
            return [("Number", self.number), ("Preview", self.error)]
        return [
            ("Country", self.country or "unknown"),
            ("Type", self.number_type or "Unknown"),
            ("E.164", self.normalized or self.number),
            ("Rate", self.rate or "unknown"),
            ("Restricted", "YES: sending is blocked" if self.restricted else "no"),
        ]


def from_info(number: str, info: NumberInfo) -> NumberPreview:
    rate = f"{info.rate.amount:.4f} {info.rate.currency_id}/min".replace(" /", "/") if info.rate else ""
    return NumberPreview(number, info.country_id, info.number_type, info.normalized_number, rate, info.restricted)


async def preview_number(client: SinchVoiceClient, number: str) -> NumberPreview:
    """Ask query number about an E.164 `number`; a failure becomes a worded preview, never an exception."""
    try:
        info = await client.query_number(number)
    except Exception as error:
        return NumberPreview(number, error=f"Could not look the number up: {describe_error(error, subject=ROOM)}")
    return from_info(number, info)
