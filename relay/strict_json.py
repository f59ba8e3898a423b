"""Read a callback body as strict JSON (RFC 8259), or say in words why not.

Python's `json` accepts `NaN`, `Infinity` and `-Infinity`, turns `1e400` into infinity, and recurses once per
nesting level (100,000 `[` raise RecursionError). A relayed event is serialised again for the consoles, so
whatever we accept here we would hand on as non-standard JSON. Sinch's callbacks are a few levels deep; a
depth limit of MAX_DEPTH refuses anything else before it can cost us.
"""

from __future__ import annotations

import json
import math
from typing import Any

MAX_DEPTH = 64


class NotStrictJson(ValueError):
    """The body is not one strict JSON object; the message says what is wrong (for the log, not the caller)."""


def load_object(body: bytes) -> dict[str, Any]:
    """The body as a dict; NotStrictJson when it is not UTF-8 JSON, not an object, too deep or not finite."""
    # Fewer brackets than the limit cannot nest past it: the byte-by-byte scan runs only for bodies that might.
    if body.count(b"[") + body.count(b"{") > MAX_DEPTH and _nesting(body) > MAX_DEPTH:
        raise NotStrictJson(f"nested deeper than {MAX_DEPTH} levels")
    try:
        document = json.loads(body, parse_constant=_refuse_constant, parse_float=_finite_float)
    except NotStrictJson:
        raise
    except RecursionError:  # unreachable after the depth check, kept so no input can become a 500
        raise NotStrictJson("nested too deep") from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, an integer of more than 4,300 digits
        raise NotStrictJson(f"not JSON ({type(exc).__name__})") from None
    if not isinstance(document, dict):
        raise NotStrictJson(f"a {type(document).__name__}, not one JSON object")
    return document


def _refuse_constant(name: str) -> Any:
    raise NotStrictJson(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise NotStrictJson(f"the number {text[:20]} is out of range")
    return value


def _nesting(body: bytes) -> int:
    """The deepest nesting of `[`/`{` outside strings (a linear scan: no recursion, stops early when too deep)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    return deepest
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest
