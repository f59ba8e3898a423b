"""Fixtures of the serve tests; the helpers live in serve_helpers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from serve_helpers import Served, clean_env, running_serve


@pytest.fixture
def served() -> Iterator[Served]:
    with running_serve() as served:
        yield served


@pytest.fixture(scope="module")
def served_once(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One server for a module's read-only checks (its own home: no test reads the real user config)."""
    home = tmp_path_factory.mktemp("serve-home")
    env = clean_env(HOME=str(home), XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"))
    with running_serve(env=env) as served:
        yield served
