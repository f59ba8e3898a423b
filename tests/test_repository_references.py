"""Code, tests and build files cite only documents this repository holds (or a public URL): a reader who
follows "see X.md" must find X.md here. ARCHITECTURE.md is allowed ahead of time: the layers are described there."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("api", "sandbox", "relay", "console", "widgets", "tests", "bench", "examples")
SUFFIXES = {".py", ".toml", ".tcss", ".ipynb", ".cfg", ".ini"}
MARKDOWN = re.compile(r"(?<![\w/.:-])([\w./-]+\.md)\b")
"""A path ending in .md that is not part of a URL (a URL names a public page, which is fine)."""
SPEC_DIR = re.compile(r"(?<![\w/.:-])spec/[\w./-]+")
ALWAYS_ALLOWED = {"ARCHITECTURE.md"}


def _files() -> list[Path]:
    found = [ROOT / "Makefile", ROOT / "pyproject.toml"]
    for top in SCANNED:
        found += [p for p in (ROOT / top).rglob("*") if p.suffix in SUFFIXES and "__snapshots__" not in p.parts]
    return [p for p in found if p.is_file() and p != Path(__file__).resolve()]


def outside_references(text: str) -> list[str]:
    """The .md files and spec/ paths `text` cites that this repository does not hold."""
    cited = [m.group(1) for m in MARKDOWN.finditer(text)] + [m.group(0) for m in SPEC_DIR.finditer(text)]
    return [name for name in dict.fromkeys(cited) if name not in ALWAYS_ALLOWED and not (ROOT / name).exists()]


def test_the_checker_sees_a_missing_document_and_passes_a_present_one_or_a_url() -> None:
    assert outside_references("see DESIGN.md section 3 and spec/calling-api.md") == [
        "DESIGN.md", "spec/calling-api.md"]
    assert outside_references("see README.md, ARCHITECTURE.md and https://example.com/docs/spec/api.md") == []


def test_no_file_cites_a_document_outside_the_repository() -> None:
    offenders = {}
    for path in _files():
        missing = outside_references(path.read_text(encoding="utf-8", errors="replace"))
        if missing:
            offenders[str(path.relative_to(ROOT))] = missing
    assert offenders == {}
