"""Suite-wide isolation: no test reads or writes the real user config or data, and times read the same
everywhere (snapshots show clock times). Which tests are slow is decided here, by folder and fixture."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

os.environ["TZ"] = "UTC"
time.tzset()


@pytest.fixture(autouse=True)
def _private_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("HOME", str(home))  # ~/Downloads and any other ~ path stay inside the test
    for name in ("SINCH_APPLICATION_KEY", "SINCH_APPLICATION_SECRET", "SINCH_REGION", "SINCH_PROFILE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _steady_cursors(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cursors that never blink in snapshot tests: a focused field's cursor blinks off every half second of wall
    time, so a screenshot taken later on a loaded machine missed it (test_kick_all_confirmation under load).
    Focusing or typing still shows it, as in the first half second; a renamed Textual method fails loudly here."""
    if "snap_compare" not in request.fixturenames:
        return
    from textual.widgets import Input, TextArea

    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)


# Whole programs (make run in tmux, a Jupyter kernel, textual-serve) and screenshot comparisons: `make test` runs
# them, `make test-fast` (-m "not slow") leaves them out. Marked here so a new test in these folders, or a new
# snapshot anywhere, is slow without anyone remembering to say so.
SLOW_FOLDERS = frozenset({"e2e", "notebook", "serve"})
TESTS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        folder = item.path.relative_to(TESTS).parts[0] if item.path.is_relative_to(TESTS) else ""
        if folder in SLOW_FOLDERS or "snap_compare" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
