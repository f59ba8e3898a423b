"""A callout's correlation tag: `sc-` and 12 hex digits at the start of its `custom` field.

Sinch echoes `custom` in the callbacks of the call (ICE, ACE, DiCE) and in its call result, so a tag put there
finds the call afterwards even when the callout's answer (and with it the callId) never arrived. The console
tags every callout it places:

    custom = "sc-0123456789ab"                      when the operator typed no custom text
    custom = "sc-0123456789ab|what they typed"      when they did: their text follows the "|" unchanged

A backend that reads its own custom data takes what follows the first "|" (`split_custom` does that). Tag
and separator take 16 characters of the field's 1,024, so typed custom text may hold 1,008.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

PREFIX = "sc-"
SEPARATOR = "|"
MAX_CUSTOM_CHARACTERS = 1024
"""Sinch's documented limit for the `custom` field."""
TAG_LENGTH = len(PREFIX) + 12
MAX_TAGGED_TEXT = MAX_CUSTOM_CHARACTERS - TAG_LENGTH - len(SEPARATOR)
"""How much custom text of their own a tagged callout leaves the operator."""
_TAGGED = re.compile(r"(sc-[0-9a-f]{12})(?:\|(.*))?", re.ASCII | re.DOTALL)


def new_tag() -> str:
    """A fresh tag, e.g. "sc-0123456789ab" (48 random bits: unique among any one application's calls)."""
    return PREFIX + uuid.uuid4().hex[:12]


def is_tag(value: object) -> bool:
    return isinstance(value, str) and len(value) == TAG_LENGTH and _TAGGED.fullmatch(value) is not None


def tag_custom(tag: str, custom: str | None) -> str:
    """The `custom` value to send: the tag, then the operator's own text (if any) after a "|".

    ValueError when the result would pass the field's limit (the form keeps typed text within MAX_TAGGED_TEXT)."""
    if not is_tag(tag):
        raise ValueError(f"not a correlation tag: {tag!r}")
    value = tag if not custom else f"{tag}{SEPARATOR}{custom}"
    if len(value) > MAX_CUSTOM_CHARACTERS:
        raise ValueError(f"custom text of {len(custom or '')} characters leaves no room for the correlation tag "
                         f"(at most {MAX_TAGGED_TEXT})")
    return value


def split_custom(custom: Any) -> tuple[str | None, Any]:
    """(tag, the rest) of a `custom` value as a callback or call result carries it; (None, custom) untagged.

    The rest is the operator's own text (None when there was none). Anything not a string is untagged."""
    if not isinstance(custom, str):
        return None, custom
    match = _TAGGED.fullmatch(custom)
    if match is None:
        return None, custom
    return match.group(1), match.group(2)


def tag_of(custom: Any) -> str | None:
    """The correlation tag in a `custom` value, or None."""
    return split_custom(custom)[0]
