"""ConfigError: a broken config file explained with its path, line and a way to fix it.

tomllib reports syntax errors as "... (at line 3, column 7)" (its lineno attribute arrives only in Python
3.14), and pydantic reports a bad value by its key path; `line_of` finds that path's line in the text, so
both kinds of error point at the line to edit. Messages never quote a value, so no secret can leak into
them.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$|\s*\(at end of document\)$")
_BARE = re.compile(r"[A-Za-z0-9_-]+")
_BASIC = re.compile(r'"((?:[^"\\]|\\.)*)"')
_LITERAL = re.compile(r"'([^']*)'")


class ConfigError(Exception):
    """The config cannot be used (or the file saved over) as it is. `line` is 1-based, None when unknown;
    `path` is None when the culprit is the environment or a flag (then `key` names it)."""

    def __init__(self, path: Path | None, reason: str, *, line: int | None = None, column: int | None = None,
                 key: str | None = None, advice: str = "") -> None:
        self.path = path
        self.reason = reason
        self.line = line
        self.column = column
        self.key = key
        self.advice = advice
        where = "" if path is None else str(path)
        if path is not None and line is not None:
            where += f", line {line}" + (f", column {column}" if column else "")
        subject = (f" ({key})" if where else key) if key else ""
        super().__init__(f"{where}{subject}: {reason}" + (f". {advice}" if advice else ""))


def from_syntax_error(path: Path, error: tomllib.TOMLDecodeError) -> ConfigError:
    text = str(error)
    match = _AT.search(text)
    reason = text[: match.start()] if match else text
    line = int(match.group(1)) if match and match.group(1) else None
    column = int(match.group(2)) if match and match.group(2) else None
    if match and line is None:
        reason += " at the end of the file"
    return ConfigError(path, f"not valid TOML: {reason}", line=line, column=column,
                       advice="Fix that line (TOML is `key = value`, strings in double quotes); "
                            "the console will not change the file until it reads again")


def from_validation_error(path: Path, text: str, error: ValidationError) -> ConfigError:
    """The first error, at its line. Pydantic's own message is kept, its "Value error, " prefix dropped."""
    first = error.errors(include_url=False, include_input=False)[0]
    loc = tuple(str(part) for part in first["loc"] if part != "[key]")
    reason = first["msg"].removeprefix("Value error, ")
    more = len(error.errors()) - 1
    advice = "Fix the value or remove the line to use the default" + (
        f" ({more} more problem{'s' if more > 1 else ''} after this one)" if more else "")
    return ConfigError(path, reason, line=line_of(text, loc), key=dotted(loc), advice=advice)


def dotted(loc: Sequence[str]) -> str:
    return ".".join(part if _BARE.fullmatch(part) else f'"{part}"' for part in loc)


def line_of(text: str, loc: Sequence[str]) -> int | None:
    """The 1-based line of the key or table header sharing the longest prefix with `loc` (first wins).

    A line scanner, not a TOML parser: it follows [table] and [[array]] headers and `a.b = ...` keys, skips
    multi-line strings, and is only ever run on text tomllib has already accepted.
    """
    best, best_depth = None, 0
    table: tuple[str, ...] = ()
    fence: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if fence is not None:  # inside a multi-line string: no keys here
            if line.count(fence) % 2 == 1:
                fence = None
            continue
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            parsed = _keys(line.lstrip("["))
            if parsed is None:
                continue
            table, path = parsed[0], parsed[0]
        else:
            parsed = _keys(line)
            if parsed is None or not parsed[1].startswith("="):
                continue
            path = table + parsed[0]
            value = parsed[1][1:].lstrip()
            for quote in ('"""', "'''"):
                if value.startswith(quote) and value.count(quote) == 1:
                    fence = quote
        depth = _common(path, loc)
        if depth > best_depth:
            best, best_depth = number, depth
    return best


def _keys(line: str) -> tuple[tuple[str, ...], str] | None:
    """Parse a dotted key at the start of `line`: (parts, rest of the line) or None."""
    parts: list[str] = []
    rest = line
    while True:
        rest = rest.lstrip()
        for pattern in (_BASIC, _LITERAL, _BARE):
            match = pattern.match(rest)
            if match:
                part = match.group(1) if pattern is not _BARE else match.group(0)
                parts.append(_unescape(part) if pattern is _BASIC else part)
                rest = rest[match.end():].lstrip()
                break
        else:
            return None
        if not rest.startswith("."):
            return tuple(parts), rest
        rest = rest[1:]


def _unescape(value: str) -> str:
    if "\\" not in value:
        return value
    try:
        return tomllib.loads(f'k = "{value}"')["k"]
    except tomllib.TOMLDecodeError:
        return value


def _common(path: Sequence[str], loc: Sequence[str]) -> int:
    depth = 0
    for mine, theirs in zip(path, loc, strict=False):
        if mine != theirs:
            break
        depth += 1
    return depth
