"""The one backoff policy (api.backoff): growth, cap, floor, Retry-After, jitter bounds."""

from __future__ import annotations

import random

import pytest

from api.backoff import Backoff


def test_doubles_from_base_after_the_first_failure_up_to_the_cap():
    backoff = Backoff(base=1.0, cap=30.0)
    assert [backoff.delay(n) for n in range(1, 9)] == [1, 2, 4, 8, 16, 30, 30, 30]


def test_no_failure_waits_only_the_floor():
    backoff = Backoff(base=1.0, cap=30.0, jitter=0.5)
    assert backoff.delay(0) == 0.0
    assert backoff.delay(0, floor=2.5) == 2.5


def test_endless_failures_stay_at_the_cap_without_overflowing():
    assert Backoff(base=0.5, cap=30.0).delay(100_000) == 30.0
    assert Backoff(base=1e300, cap=float("inf")).delay(5000) == float("inf")


def test_never_below_the_floor():
    backoff = Backoff(base=1.0, cap=30.0)
    assert backoff.delay(1, floor=45.0) == 45.0
    assert backoff.delay(6, floor=0.5) == 30.0


def test_a_retry_after_is_never_undercut_and_does_not_shorten_the_backoff():
    backoff = Backoff(base=1.0, cap=30.0)
    assert backoff.delay(1, retry_after=7.0) == 7.0
    assert backoff.delay(5, retry_after=7.0) == 16.0
    assert backoff.delay(1, floor=10.0, retry_after=7.0) == 10.0
    assert backoff.delay(1, retry_after=None) == 1.0


def test_jitter_only_takes_off_up_to_its_fraction_of_the_step():
    equal = Backoff(base=1.0, cap=8.0, jitter=0.5)
    rng = random.Random(13)
    for failures in range(1, 10):
        step = min(8.0, 2.0 ** (failures - 1))
        waits = [equal.delay(failures, rng=rng) for _ in range(200)]
        assert all(step / 2 < wait <= step for wait in waits)
        assert len(set(waits)) > 100  # spread out, so consoles that failed together do not retry in step


def test_full_jitter_may_reach_down_to_zero_but_never_below_the_floor():
    full = Backoff(base=1.0, cap=8.0, jitter=1.0)
    rng = random.Random(7)
    waits = [full.delay(4, rng=rng) for _ in range(500)]
    assert all(0.0 < wait <= 8.0 for wait in waits) and min(waits) < 1.0
    assert all(full.delay(4, floor=3.0, rng=rng) >= 3.0 for _ in range(100))


def test_a_seeded_rng_repeats_and_a_draw_function_is_accepted():
    jittered = Backoff(base=0.5, cap=30.0, jitter=0.5)
    first = [jittered.delay(n, rng=random.Random(42)) for n in range(1, 8)]
    again = [jittered.delay(n, rng=random.Random(42)) for n in range(1, 8)]
    assert first == again
    assert jittered.delay(4, rng=lambda: 0.0) == 4.0  # a draw of 0 takes nothing off
    assert jittered.delay(4, rng=lambda: 1.0) == 2.0  # a draw of 1 takes off the whole jitter fraction


@pytest.mark.parametrize("jitter", [0.0, 0.5, 1.0])
def test_jitter_never_exceeds_the_cap(jitter: float):
    backoff = Backoff(base=3.0, cap=10.0, jitter=jitter)
    rng = random.Random(jitter)
    assert all(backoff.delay(n, rng=rng) <= 10.0 for n in range(1, 40))
