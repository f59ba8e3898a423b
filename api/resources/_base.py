"""What every resource class shares: a reference to the client and safe path building."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from pydantic import BaseModel, ValidationError

from api.errors import InvalidArgumentError
from api.models.common import e164_syntax
from api.models.problems import first_problem

if TYPE_CHECKING:
    from api.client import SinchVoiceClient

# RFC 3986 path characters besides the unreserved ones. Left unescaped because aiohttp's URL class would
# unescape them on the wire anyway, and the signed path must equal the path actually sent. `/ ? # %` and
# everything else are escaped, so a user-supplied id can never add a path segment or a query.
PCHAR_SAFE = "!$&'()*+,;=:@"

M = TypeVar("M", bound=BaseModel)


def build(model: type[M], data: Mapping[str, Any], *, field: str = "") -> M:
    """Validate arguments into a request model; a refusal becomes InvalidArgumentError naming the field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        where, reason, _ = first_problem(exc)
        raise InvalidArgumentError(".".join(p for p in (field, where) if p), reason) from None


def e164(number: str, field: str = "number") -> str:
    """A phone number argument in E.164, or InvalidArgumentError naming the argument."""
    if not isinstance(number, str):
        raise InvalidArgumentError(field, "a phone number (a string) is required")
    try:
        return e164_syntax(number)
    except ValueError as exc:
        raise InvalidArgumentError(field, str(exc)) from None


def path_segment(value: str, what: str) -> str:
    """Percent-escape one user-supplied path segment (a conference id, call id, recording key...)."""
    if not isinstance(value, str) or not value:
        raise InvalidArgumentError(what, "is required")
    if value in (".", ".."):
        raise InvalidArgumentError(what, f"cannot be {value!r}")
    return quote(value, safe=PCHAR_SAFE)


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; naive datetimes are taken to be UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def utc_iso(moment: datetime) -> str:
    """A UTC ISO-8601 timestamp with `Z` (milliseconds only when there are some)."""
    aware = as_utc(moment)
    text = aware.strftime("%Y-%m-%dT%H:%M:%S")
    if aware.microsecond:
        text += f".{aware.microsecond // 1000:03d}"
    return text + "Z"


class Resource:
    """One API area. Holds the client; builds paths and bodies, leaves sending to the client."""

    def __init__(self, client: SinchVoiceClient) -> None:
        self._client = client
