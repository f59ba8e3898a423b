"""How the command line twin prints: aligned plain-text tables for people, JSON for scripts.

JSON when stdout is not a terminal or `--json` was given; the shapes are the api models' wire form
(`to_wire()`) or small documented dicts (see the docstring of each area's handlers: console.cli.conference,
.calls, .recordings, .configuration). Plain text is a few aligned columns, no colours, no rich: it reads the
same in a terminal, a log file and a CI transcript.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Columns left-aligned to the widest cell, two spaces apart; "" cells for None."""
    cells = [[("" if value is None else str(value)) for value in row] for row in rows]
    widths = [max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.upper().ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    return "\n".join(lines)


def pairs(rows: Sequence[tuple[str, Any]]) -> str:
    """"Label   value" lines for one object."""
    width = max((len(label) for label, _ in rows), default=0)
    return "\n".join(f"{label.ljust(width)}  {'' if value is None else value}".rstrip() for label, value in rows)


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
            self.out.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
        else:
            self.out.write(text.rstrip("\n") + "\n")
        self.out.flush()

    def problem(self, words: str) -> None:
        self.err.write(f"sinch-console: {words}\n")
        self.err.flush()
