"""Base classes for wire models: snake_case in Python, camelCase on the wire.

Responses tolerate unknown fields (Sinch adds fields without notice); requests forbid them so a typo in our
own code fails before anything is sent.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class WireModel(BaseModel):
    """A JSON object as Sinch sends it. Unknown fields are kept, not rejected."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
        str_strip_whitespace=False,
        # Build each validator on first use: the console needs a handful of the ~50 models at start-up,
        # and building all of them eagerly cost ~150 ms of every launch.
        defer_build=True,
    )

    def to_wire(self) -> dict[str, Any]:
        """The JSON-ready dict Sinch expects: aliases, no unset optional fields."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class RequestModel(WireModel):
    """A JSON object we send. Validated before sending; unknown fields are a programming error."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)
