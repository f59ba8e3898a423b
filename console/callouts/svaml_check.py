"""The custom callout's ice/ace/pie/dice fields: a callback URL, or inline SVAML checked before sending.

Inline SVAML is parsed as JSON and then by api.models.Svaml; a misspelt instruction or action is named with the
list of known ones, since that is the mistake people make most ("playFile", "connectConference").
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from api.models.svaml import ACTION_NAMES, INSTRUCTION_NAMES, Svaml
from console.callouts.fields import FieldProblem, _json_object, is_url

EVENT_FIELDS = {"ice": "ICE", "ace": "ACE", "pie": "PIE", "dice": "DiCE"}


def _check_names(data: dict[str, Any], field: str) -> None:
    unknown_keys = sorted(set(data) - {"instructions", "action"})
    if unknown_keys:
        raise FieldProblem(field, f"unknown key {unknown_keys[0]!r}; SVAML has instructions and action")
    instructions = data.get("instructions", [])
    if not isinstance(instructions, list):
        raise FieldProblem(field, "instructions must be a list ([...])")
    for position, instruction in enumerate(instructions, 1):
        if not isinstance(instruction, dict):
            raise FieldProblem(field, f"instruction {position} must be an object with a name")
        name = instruction.get("name")
        if name not in INSTRUCTION_NAMES:
            raise FieldProblem(field, f"unknown instruction {str(name)[:40]!r}; known: {', '.join(INSTRUCTION_NAMES)}")
    action = data.get("action")
    if action is None:
        return
    if not isinstance(action, dict):
        raise FieldProblem(field, "action must be an object with a name")
    name = action.get("name")
    if name not in ACTION_NAMES:
        raise FieldProblem(field, f"unknown action {str(name)[:40]!r}; known: {', '.join(ACTION_NAMES)}")


def _worded(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ()))
    return f"{where}: {first.get('msg', 'invalid')}" if where else str(first.get("msg", "invalid"))


def check_event(text: str, event: str) -> str | None:
    """`event` is ice, ace, pie or dice. Empty -> None (the application's callback URL is used); a URL passes;
    inline SVAML comes back as compact JSON, exactly what the API expects."""
    field = EVENT_FIELDS.get(event, event)
    value = text.strip()
    if not value:
        return None
    if not value.startswith("{"):
        if is_url(value):
            return value
        raise FieldProblem(field, "an http(s) URL or inline SVAML ({\"instructions\": [...], \"action\": {...}})")
    data = _json_object(value, field)
    _check_names(data, field)
    try:
        svaml = Svaml.model_validate(data)
    except ValidationError as error:
        raise FieldProblem(field, _worded(error)) from None
    except (ValueError, TypeError, RecursionError) as error:
        raise FieldProblem(field, f"not valid SVAML: {error}") from None
    return json.dumps(svaml.to_wire(), separators=(",", ":"), ensure_ascii=False)
