"""console.memory: the collector settings a long-running console takes, and that a test process does not."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from console import memory


@pytest.fixture
def collector(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The interpreter's collector as it was, afterwards: thresholds, nothing left frozen, unmanaged."""
    threshold = gc.get_threshold()
    frozen = gc.get_freeze_count()
    monkeypatch.setattr(memory, "_managed", False)
    yield
    if gc.get_freeze_count() > frozen:
        gc.unfreeze()
    gc.set_threshold(*threshold)


def test_an_unmanaged_process_freezes_nothing(collector: None) -> None:
    """Tests build and drop many apps in one process: frozen, each would stay in memory for good."""
    before = gc.get_freeze_count()
    memory.freeze_long_lived()
    assert gc.get_freeze_count() == before


def test_a_managed_console_collects_young_less_often_and_freezes_what_lives_on(collector: None) -> None:
    _, middle, old = gc.get_threshold()
    memory.manage()
    assert gc.get_threshold() == (memory.YOUNG_THRESHOLD, middle, old)
    kept = [[n] for n in range(100)]  # alive now, and for as long as the test: frozen
    memory.freeze_long_lived()
    assert gc.get_freeze_count() >= len(kept)
    walked = {id(thing) for thing in gc.get_objects()}  # what a collection walks: not the frozen
    assert not walked & {id(item) for item in kept}
    assert memory.YOUNG_THRESHOLD > 700  # CPython's default
