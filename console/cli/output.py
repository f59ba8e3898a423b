"""How the command line twin prints: aligned plain-text tables for people, JSON for scripts.

JSON when stdout is not a terminal or `--json` was given; the shapes are the api models' wire form
(`to_wire()`) or small documented dicts (see the docstring of each area's handlers: console.cli.conference,
.calls, .recordings, .configuration). Plain text is a few aligned columns, no colours, no rich: it reads the
same in a terminal, a log file and a CI transcript.

Keys, numbers, names and messages come from the platform, so no text reaches the terminal raw: every cell
and line goes through `api.models.display.printable` (escape sequences and control characters removed), and
JSON, which json.dumps already escapes below U+0020, also escapes DEL, C1 controls and bidi overrides as
\\uXXXX (the same data for a parser, nothing a terminal acts on).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from api.models.display import printable

# What json.dumps(ensure_ascii=False) leaves raw but a terminal may act on (it escapes everything below U+0020).
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Columns left-aligned to the widest cell, two spaces apart; "" cells for None; every cell printable."""
    cells = [[printable(value) for value in row] for row in rows]
    widths = [max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.upper().ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    return "\n".join(lines)


def pairs(rows: Sequence[tuple[str, Any]]) -> str:
    """"Label   value" lines for one object; values printable."""
    width = max((len(label) for label, _ in rows), default=0)
    return "\n".join(f"{label.ljust(width)}  {printable(value)}".rstrip() for label, value in rows)


def to_json(data: Any) -> str:
    """Indented JSON with every character a terminal would act on escaped (see the module docstring)."""
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return _RAW_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


@dataclass
class Printer:
    """Where results go. `as_json` is decided once from `--json` and whether stdout is a terminal."""

    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    force_json: bool = False

    @property
    def as_json(self) -> bool:
        if self.force_json:
            return True
        isatty = getattr(self.out, "isatty", None)
        return not (isatty is not None and isatty())

    def result(self, data: Any, text: str) -> None:
        """Print `data` as JSON or `text` for people."""
        if self.as_json:
            self.out.write(to_json(data) + "\n")
        else:  # cells are printable already; headings and outcome texts may quote platform text too
            self.out.write(printable(text, lines=True).rstrip("\n") + "\n")
        self.out.flush()

    def problem(self, words: str) -> None:
        self.err.write(f"sinch-console: {printable(words, lines=True)}\n")
        self.err.flush()
