"""Reading request bodies like Sinch does: strict on values, lenient on spelling.

Values are checked with the shared request models (api.models), so the sandbox refuses what the real API
refuses (601-character TTS text, DTMF outside [0-9#w], unknown locale, a number that is not a number).
Spelling is forgiven where real clients differ from the API reference: sinch 1.1.4 sends `enabledice`,
`application_key`, extra keys such as `conference`, and `null` for everything it was not given.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from api.models.problems import first_problem
from sandbox.errors import SandboxError, illegal, invalid, missing

M = TypeVar("M", bound=BaseModel)


def parse_json(raw: bytes, *, required: bool = True) -> dict[str, Any]:
    """The body as a JSON object; 40003 when it is not JSON or not an object."""
    if not raw.strip():
        if required:
            raise invalid("Invalid request: a JSON body is required")
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise invalid("Invalid request: the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise invalid("Invalid request: the body must be a JSON object")
    return body


def drop_nulls(value: Any) -> Any:
    """Remove `null` members recursively (clients send them for 'not given')."""
    if isinstance(value, dict):
        return {k: drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_nulls(v) for v in value if v is not None]
    return value


def _spellings(model: type[BaseModel]) -> dict[str, str]:
    """Lower-cased field name or alias -> the alias the model validates by."""
    names: dict[str, str] = {}
    for name, info in model.model_fields.items():
        alias = info.alias or name
        for spelling in (name, alias, name.replace("_", "")):
            names.setdefault(spelling.lower(), alias)
    return names


def conform(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    """Map keys onto the model's own spelling, case-insensitively; drop keys it does not know."""
    spellings = _spellings(model)
    out: dict[str, Any] = {}
    for key, value in drop_nulls(data).items():
        target = spellings.get(key.lower()) or spellings.get(key.lower().replace("_", ""))
        if target is not None:
            out[target] = value
    return out


def validation_error(exc: ValidationError, prefix: str = "") -> SandboxError:
    """40002 when a field is missing, else 40001 naming the field and the reason."""
    where, reason, kind = first_problem(exc)
    where = ".".join(part for part in (prefix, where) if part) or "body"
    if kind == "missing":
        return missing(f"Missing parameter '{where}'")
    return illegal(f"Illegal parameter '{where}': {reason}")


def validate(model: type[M], data: dict[str, Any], *, prefix: str = "", lenient: bool = True) -> M:
    """Validate `data` with `model` (after conforming spelling when lenient), mapping errors to Sinch codes."""
    try:
        return model.model_validate(conform(model, data) if lenient else data)
    except ValidationError as exc:
        raise validation_error(exc, prefix) from None
