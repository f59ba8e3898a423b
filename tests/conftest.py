"""Suite-wide isolation: no test reads or writes the real user config or data, and times read the same
everywhere (snapshots show clock times)."""

from __future__ import annotations

import os
import time

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
