"""Turning a pydantic ValidationError into words: which field (as a path in the JSON) and what is wrong.

Shared by the client (argument errors before sending, unexpected answers) and the sandbox (40001/40002
answers), so both name a field the same way.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import ValidationError


@cache
def _union_tags() -> frozenset[str]:
    """SVAML's instruction and action names; loaded with the first problem, not with every client (the wire
    models of SVAML are ~10 ms of start-up)."""
    from api.models.svaml import ACTION_NAMES, INSTRUCTION_NAMES

    return frozenset(INSTRUCTION_NAMES) | frozenset(ACTION_NAMES)


def field_path(loc: tuple[Any, ...]) -> str:
    """`instructions.0.text`: pydantic puts union member names ('say', 'function-after[...]') in the
    location; a person wants the path in the JSON they sent. "" for the whole object."""
    tags = _union_tags()
    parts = [str(p) for p in loc if not (isinstance(p, str) and ("[" in p or p in tags))]
    return ".".join(parts)


def first_problem(exc: ValidationError) -> tuple[str, str, str]:
    """(field path, reason, pydantic error type) of the first error, the reason without pydantic's prefix."""
    first = exc.errors(include_url=False)[0]
    reason = str(first.get("msg", "invalid")).removeprefix("Value error, ")
    return field_path(tuple(first.get("loc", ()))), reason, str(first.get("type", ""))
