"""The timeline: bounded, oldest first, follows the newest unless the operator scrolled up."""

from __future__ import annotations

from datetime import timedelta

from widget_hosts import FROZEN, TIMELINE, Host

from widgets import Timeline, TimelineEntry
from widgets.timeline import describe


def entry(n: int) -> TimelineEntry:
    return TimelineEntry(FROZEN + timedelta(seconds=n), "joined", f"call{n}", who=f"person {n}")


async def test_bounded_and_in_order() -> None:
    app = Host(Timeline(max_entries=50))
    async with app.run_test() as pilot:
        timeline = app.widget
        for n in range(120):
            timeline.add(entry(n))
        await pilot.pause()
        assert [e.call_id for e in timeline.entries] == [f"call{n}" for n in range(70, 120)]
        assert len(timeline.lines) == 50
        timeline.show([entry(1), entry(2)])
        await pilot.pause()
        assert [e.call_id for e in timeline.entries] == ["call1", "call2"]
        assert "person 2" in timeline.lines[-1].text


async def test_follows_the_newest_unless_scrolled_up() -> None:
    app = Host(Timeline())
    async with app.run_test(size=(100, 10)) as pilot:
        timeline = app.widget
        timeline.show(entry(n) for n in range(40))
        await pilot.pause()
        assert timeline.following and timeline.scroll_offset.y > 0
        timeline.add(entry(40))
        await pilot.pause()
        assert timeline.following
        timeline.scroll_to(y=0, animate=False)
        await pilot.pause()
        timeline.add(entry(41))
        await pilot.pause()
        assert timeline.scroll_offset.y == 0 and not timeline.following


def test_a_line_says_when_what_who_and_by_whom() -> None:
    text = describe(TIMELINE[2]).plain
    assert text.startswith("09:30:04  muted")
    assert "+46 70 816 87 31" in text and "by policy" in text and "auto-mute on join" in text
