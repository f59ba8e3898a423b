"""The entry point stays light: `sinch-console --help`, a bad flag and the choice between TUI and CLI are made
before Textual or the API client (httpx) is imported, and serve reads the console's flags without importing
`console.__main__` back (the cycle import-linter also forbids)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HEAVY = ("textual", "api.client", "httpx", "console.app", "console.backend")


def _loaded_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    return set(done.stdout.split())


def test_importing_the_entry_point_loads_neither_textual_nor_the_api_client() -> None:
    loaded = _loaded_after("import console.__main__")
    assert "console.flags" in loaded  # the probe sees the modules the entry point does import
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_serve_reads_the_console_flags_without_importing_the_entry_point(tmp_path: Path) -> None:
    flags = ["--sandbox", "--read-only", "--config", str(tmp_path / "config.toml")]
    loaded = _loaded_after(f"from console.serve import parse\nparse({flags!r})")
    assert "console.flags" in loaded
    assert "console.__main__" not in loaded
