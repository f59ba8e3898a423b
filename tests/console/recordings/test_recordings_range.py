"""The Recordings mode's pure logic: the time window (typed, presets, checks), countdowns, sizes, call ids, sorting
and paging. The suite runs with TZ=UTC (tests/conftest.py); one test moves to another zone to prove local time."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.models import Recording
from console.recordings import (
    DateRange,
    Listing,
    RangeError,
    call_id_of,
    countdown,
    default_range,
    expiring_soon,
    human_size,
    parse_moment,
    parse_range,
    preset_range,
    size_of,
    sort_recordings,
)
from console.recordings.listing import next_page_size, next_sort_key, page_keeping_first
from console.recordings.range import SHOWN, shown

NOW = datetime(2026, 11, 23, 9, 30, 20, tzinfo=UTC)


@pytest.fixture
def stockholm(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This machine in Stockholm (CET, CEST from the last Sunday of March to the last Sunday of October)."""
    monkeypatch.setenv("TZ", "Europe/Stockholm")
    time.tzset()
    try:
        yield
    finally:
        monkeypatch.undo()  # the suite's own zone back before tzset reads it
        time.tzset()


# ---- the window ---------------------------------------------------------------------------------------------

def test_presets_end_at_the_next_minute_and_reach_back():
    month = default_range(NOW)
    assert month.preset == "month" and month.label == "last 30 days"
    assert month.end == datetime(2026, 11, 23, 9, 31, tzinfo=UTC)
    assert month.start == month.end - timedelta(days=30)
    week = preset_range("week", NOW)
    assert week.start == week.end - timedelta(days=7) and week.label == "last 7 days"
    today = preset_range("today", NOW)
    assert today.start == datetime(2026, 11, 23, tzinfo=UTC) and today.label == "today"
    with pytest.raises(RangeError):
        preset_range("year", NOW)


def test_a_preset_moves_with_the_clock_and_a_typed_range_does_not():
    later = NOW + timedelta(hours=5)
    assert default_range(NOW).refreshed(later) == default_range(later)
    typed = parse_range("2026-11-01", "2026-11-02", NOW)
    assert typed.refreshed(later) == typed and typed.label == "custom range"


def test_dates_are_whole_days_and_times_are_exact():
    window = parse_range("2026-11-20", "2026-11-20", NOW)
    assert window.start == datetime(2026, 11, 20, tzinfo=UTC)
    assert window.end == datetime(2026, 11, 21, tzinfo=UTC)  # "to" a date means to the end of that day
    window = parse_range("2026-11-20 14:30", "2026-11-20T16:05:30", NOW)
    assert (window.start, window.end) == (datetime(2026, 11, 20, 14, 30, tzinfo=UTC),
                                          datetime(2026, 11, 20, 16, 5, 30, tzinfo=UTC))
    assert parse_moment("2026-11-20T14:30:00+02:00", NOW) == datetime(2026, 11, 20, 12, 30, tzinfo=UTC)
    assert parse_moment("2026-11-20T14:30Z", NOW) == datetime(2026, 11, 20, 14, 30, tzinfo=UTC)


def test_words_and_relative_times():
    assert parse_moment("now", NOW) == NOW
    assert parse_moment("  Today ", NOW) == datetime(2026, 11, 23, tzinfo=UTC)
    assert parse_moment("today", NOW, end=True) == datetime(2026, 11, 24, tzinfo=UTC)
    assert parse_moment("yesterday", NOW) == datetime(2026, 11, 22, tzinfo=UTC)
    assert parse_moment("-7d", NOW) == NOW - timedelta(days=7)
    assert parse_moment("-12h", NOW) == NOW - timedelta(hours=12)
    assert parse_moment("- 90 m", NOW) == NOW - timedelta(minutes=90)
    assert parse_moment("-2w", NOW) == NOW - timedelta(weeks=2)


def test_typed_times_are_local_and_sent_as_utc(stockholm):
    window = parse_range("2026-11-20 10:00", "2026-11-20", NOW)  # Stockholm is UTC+1 in November
    assert window.start == datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    assert window.end == datetime(2026, 11, 20, 23, 0, tzinfo=UTC)
    assert window.wire() == "2026-11-20T09:00:00Z → 2026-11-20T23:00:00Z"
    assert window.describe() == "2026-11-20 10:00 → 2026-11-21 00:00"
    assert preset_range("today", NOW).start == datetime(2026, 11, 22, 23, 0, tzinfo=UTC)


@pytest.mark.parametrize(("start", "end", "message"), [
    ("2026-11-21", "2026-11-20", "To must be after from: 2026-11-20 is not after 2026-11-21"),
    ("2026-11-20 10:00", "2026-11-20 09:00", "To must be after from: 2026-11-20 09:00 is not after 2026-11-20 10:00"),
    ("now", " now ", "To must be after from: now is not after now"),
    ("2026-13-01", "2026-11-20", "From: '2026-13-01' is not a date or time"),
    ("2026-11-01", "last tuesday", "To: 'last tuesday' is not a date or time"),
    ("", "2026-11-20", "From: type a date"),
    ("9999-12-31", "9999-12-31", "To: '9999-12-31' is not a date or time"),
])
def test_invalid_ranges_say_why(start, end, message):
    with pytest.raises(RangeError) as caught:
        parse_range(start, end, NOW)
    assert message in str(caught.value)


moments = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(9998, 1, 1)).map(
    lambda m: m.replace(second=0, microsecond=0, tzinfo=UTC))


@given(moments, moments)
def test_what_is_shown_reads_back_as_the_same_window(a, b):
    if a == b:
        with pytest.raises(RangeError):
            parse_range(shown(a), shown(b), NOW)
        return
    start, end = min(a, b), max(a, b)
    window = parse_range(shown(start), shown(end), NOW)
    assert (window.start, window.end) == (start, end)
    with pytest.raises(RangeError):  # the other way round is refused, before anything is sent
        parse_range(shown(end), shown(start), NOW)


@given(st.text(max_size=40), st.text(max_size=40))
def test_any_typing_gives_a_window_or_a_sentence(start, end):
    try:
        window = parse_range(start, end, NOW)
    except RangeError as error:
        assert str(error)
    else:
        assert window.end > window.start and window.start.tzinfo is not None


# ---- columns -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("left", "text"), [
    (timedelta(seconds=-5), "expired"), (timedelta(0), "expired"), (timedelta(seconds=30), "in < 1 min"),
    (timedelta(minutes=45, seconds=59), "in 45 min"), (timedelta(hours=3, minutes=12), "in 3 h 12 min"),
    (timedelta(hours=5), "in 5 h"), (timedelta(hours=23, minutes=59), "in 23 h 59 min"),
    (timedelta(days=1), "in 1 day"), (timedelta(days=1, hours=14, minutes=40), "in 1 day 14 h"),
    (timedelta(days=12, hours=23), "in 12 days"),
])
def test_countdown(left, text):
    assert countdown(NOW + left, NOW) == text


def read_back(text: str) -> tuple[int, int]:
    """A countdown's text as (at least this many seconds left, give or take less than this many)."""
    if text in ("expired", "in < 1 min"):
        return 0, 60
    numbers = [int(word) for word in text.split() if word.isdigit()]
    units = [word for word in text.split() if not word.isdigit() and word != "in"]
    seconds = {"min": 60, "h": 3600, "day": 86400, "days": 86400}
    total = sum(n * seconds[u] for n, u in zip(numbers, units, strict=True))
    return total, seconds[units[-1]]


@given(st.integers(min_value=1, max_value=90 * 86400), st.integers(min_value=1, max_value=86400))
def test_countdown_is_a_true_lower_bound_that_only_shrinks(seconds, later):
    expires = NOW + timedelta(seconds=seconds)
    low, step = read_back(countdown(expires, NOW))
    assert low <= seconds < low + step
    assert read_back(countdown(expires, NOW + timedelta(seconds=later)))[0] <= low


def recording(key: str = "k.wav", *, created: timedelta = timedelta(days=-1), headers: dict | None = None,
              expires: timedelta | None = None) -> Recording:
    created_on = NOW + created
    expires_on = created_on + timedelta(days=30) if expires is None else NOW + expires
    return Recording(key=key, created_on=created_on, expires_on=expires_on, headers=headers or {})


def test_expiring_soon_is_under_a_day():
    assert expiring_soon(recording(expires=timedelta(hours=23, minutes=59)), NOW)
    assert not expiring_soon(recording(expires=timedelta(hours=24)), NOW)
    assert not expiring_soon(Recording(key="k"), NOW)


def test_size_and_call_id_from_headers_or_key():
    rec = recording("4398599d1ba84ef3bde0a82dfb61abed-00ff00ff.wav", headers={"content-length": "144044"})
    assert size_of(rec) == 144044 and human_size(size_of(rec)) == "140.7 KiB"
    assert call_id_of(rec) == "4398599d1ba84ef3bde0a82dfb61abed"
    rec = recording("anything.wav", headers={"CallId": "abc", "Content-Length": "x"})
    assert call_id_of(rec) == "abc" and size_of(rec) is None and human_size(None) == ""
    assert call_id_of(recording("short-key.wav")) is None
    assert [human_size(n) for n in (0, 1023, 1024, 5 * 1024**3)] == ["0 B", "1023 B", "1.0 KiB", "5.0 GiB"]


def test_sort_within_the_page():
    old = recording("old", created=timedelta(days=-29))
    new = recording("new", created=timedelta(hours=-1))
    unknown = Recording(key="unknown")
    assert [r.key for r in sort_recordings([old, unknown, new], "created")] == ["new", "old", "unknown"]
    assert [r.key for r in sort_recordings([new, unknown, old], "expiry")] == ["old", "new", "unknown"]
    assert next_sort_key("created") == "expiry" and next_sort_key("expiry") == "created"


def test_page_sizes_and_the_page_that_keeps_the_first_row():
    assert next_page_size(50, 1) == 100 and next_page_size(100, 1) == 100
    assert next_page_size(10, -1) == 10 and next_page_size(25, -1) == 10 and next_page_size(30, 1) == 50
    assert page_keeping_first(3, 10, 25) == 1  # rows 21-30 -> page 1 of 25 (rows 1-25)
    assert page_keeping_first(4, 25, 10) == 8  # row 76 -> page 8 of 10 (rows 71-80)


@given(st.integers(1, 500), st.sampled_from([10, 25, 50, 100]), st.sampled_from([10, 25, 50, 100]))
def test_the_first_row_stays_in_view_when_the_page_size_changes(page, old, new):
    first_row = (page - 1) * old  # 0-based
    kept = page_keeping_first(page, old, new)
    assert (kept - 1) * new <= first_row < kept * new


def test_marks_survive_pages_and_target_the_action():
    a, b, c = recording("a"), recording("b"), recording("c")
    listing = Listing(DateRange(NOW - timedelta(days=1), NOW), page_size=2)
    listing.show([a, b], 1, 2, listing.range)
    assert listing.targets("b") == [b]  # nothing marked: the selected one
    assert listing.toggle_mark("a") and listing.targets("b") == [a]
    listing.show([c], 2, 2, listing.range)
    assert listing.short and listing.targets("c") == [a]  # marks are kept across pages
    listing.toggle_page_marks()
    assert set(listing.marked) == {"a", "c"}
    listing.toggle_page_marks()
    assert set(listing.marked) == {"a"}
    listing.remove({"a"})
    assert listing.marked == {} and listing.targets(None) == []


def test_shown_is_local_time(stockholm):
    assert shown(NOW, SHOWN) == "2026-11-23 10:30"


# ---- the days the clocks change (Stockholm: 2026-03-29 has 23 hours, 2026-10-25 has 25) ----------------------

def test_the_spring_day_starts_and_ends_at_its_own_midnights(stockholm):
    now = datetime(2026, 3, 29, 12, 0, tzinfo=UTC)  # 14:00 CEST (UTC+2); the day began at 00:00 CET (UTC+1)
    assert preset_range("today", now).start == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    assert parse_moment("today", now) == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    assert parse_moment("today", now, end=True) == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)
    window = parse_range("2026-03-29", "2026-03-29", now)
    assert (window.start, window.end) == (datetime(2026, 3, 28, 23, 0, tzinfo=UTC),
                                          datetime(2026, 3, 29, 22, 0, tzinfo=UTC))
    assert window.end - window.start == timedelta(hours=23)
    assert window.describe() == "2026-03-29 00:00 → 2026-03-30 00:00"
    assert parse_moment("yesterday", datetime(2026, 3, 30, 12, 0, tzinfo=UTC)) == datetime(2026, 3, 28, 23, 0,
                                                                                           tzinfo=UTC)


def test_the_autumn_day_starts_and_ends_at_its_own_midnights(stockholm):
    now = datetime(2026, 10, 25, 12, 0, tzinfo=UTC)  # 13:00 CET (UTC+1); the day began at 00:00 CEST (UTC+2)
    assert preset_range("today", now).start == datetime(2026, 10, 24, 22, 0, tzinfo=UTC)
    assert parse_moment("today", now, end=True) == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)
    window = parse_range("2026-10-25", "2026-10-25", now)
    assert (window.start, window.end) == (datetime(2026, 10, 24, 22, 0, tzinfo=UTC),
                                          datetime(2026, 10, 25, 23, 0, tzinfo=UTC))
    assert window.end - window.start == timedelta(hours=25)
    assert window.describe() == "2026-10-25 00:00 → 2026-10-26 00:00"
    week = parse_range("2026-10-20", "2026-10-26", now)  # across the change: each end at its own offset
    assert (week.start, week.end) == (datetime(2026, 10, 19, 22, 0, tzinfo=UTC), datetime(2026, 10, 26, 23, 0,
                                                                                          tzinfo=UTC))


def test_times_closer_than_the_wire_says_are_refused_before_sending():
    """The api sends milliseconds: two times under a millisecond apart would go out as one, and the platform
    answers 40001 ('to' must be greater than 'from'). The editor refuses them itself."""
    with pytest.raises(RangeError, match="To must be after from"):
        parse_range("2026-11-20T14:30:00.0001Z", "2026-11-20T14:30:00.0009Z", NOW)
    window = parse_range("2026-11-20T14:30:00.0001Z", "2026-11-20T14:30:00.0019Z", NOW)
    assert window.end - window.start == timedelta(milliseconds=1)


# ---- what the platform sends -------------------------------------------------------------------------------

def test_a_timestamp_without_a_zone_is_utc():
    """Sinch writes UTC; a time that comes without its Z must not be left naive (it cannot be compared with the
    console's aware clock)."""
    rec = Recording.model_validate({"key": "k.wav", "createdOn": "2026-11-20T10:00:00",
                                    "expiresOn": "2026-12-20T10:00:00"})
    assert rec.created_on == datetime(2026, 11, 20, 10, 0, tzinfo=UTC) and rec.created_on.tzinfo is UTC
    assert rec.expires_on == datetime(2026, 12, 20, 10, 0, tzinfo=UTC) and rec.expires_on.tzinfo is UTC
    assert not expiring_soon(rec, NOW) and countdown(rec.expires_on, NOW) == "in 27 days"
    offset = Recording.model_validate({"key": "k.wav", "expiresOn": "2026-12-20T10:00:00+02:00"})
    assert offset.expires_on == datetime(2026, 12, 20, 8, 0, tzinfo=UTC)  # an explicit offset is kept
    assert Recording.model_validate({"key": "k.wav"}).expires_on is None


# ---- marks and the window ------------------------------------------------------------------------------------

def test_marks_stay_across_pages_and_reloads_but_not_across_windows():
    a, b, c = recording("a"), recording("b"), recording("c")
    month = default_range(NOW)
    listing = Listing(month, page_size=2)
    assert listing.show([a, b], 1, 2, month) == 0
    listing.toggle_mark("a")
    listing.toggle_mark("b")
    assert listing.show([c], 2, 2, month) == 0 and set(listing.marked) == {"a", "b"}
    assert listing.off_page(["a", "b", "c"]) == 2
    later = month.refreshed(NOW + timedelta(minutes=5))  # the same preset, moved on with the clock
    assert later != month and listing.show([c], 2, 2, later) == 0 and set(listing.marked) == {"a", "b"}
    assert listing.show([a], 1, 2, preset_range("week", NOW)) == 2 and listing.marked == {}
    typed = parse_range("2026-11-01", "2026-11-02", NOW)
    listing.toggle_mark("a")
    assert listing.show([a], 1, 2, typed) == 1 and listing.marked == {}
    listing.toggle_mark("a")
    assert listing.show([a], 1, 2, parse_range("2026-11-01", "2026-11-02", NOW)) == 0  # typed again: the same
    assert set(listing.marked) == {"a"}
