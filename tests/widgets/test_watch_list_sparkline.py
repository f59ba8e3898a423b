"""The head-count sparkline in a watch-list card: drawn from the second minute on, and a card redrawn only when
what it shows changed (fifty rooms polled every second must not repaint fifty cards a second)."""

from __future__ import annotations

from rich.console import Console, Group
from widget_hosts import Host

from widgets import RoomSummary, WatchList
from widgets.watch_list import card


def lines(summary: RoomSummary) -> list[str]:
    console = Console(width=34, color_system=None)
    with console.capture() as captured:
        console.print(card(summary))
    return captured.get().splitlines()


def test_the_card_grows_a_sparkline_from_the_second_minute() -> None:
    assert not isinstance(card(RoomSummary("r1", participants=3, muted=0, recent=(3,))), Group)
    drawn = lines(RoomSummary("r1", participants=3, muted=0, recent=(0, 1, 3, 2, 3)))
    assert len(drawn) == 3 and drawn[2].endswith("max 3")
    assert any(bar in drawn[2] for bar in "▁▂▃▄▅▆▇█") and len(drawn[2].strip()) == len("▁▂▃▄▅ max 3")


def test_thirty_minutes_fit_the_side_pane() -> None:
    drawn = lines(RoomSummary("r1", participants=120, muted=0, recent=tuple(range(90, 120))))
    assert drawn[2].endswith("max 119") and len(drawn[2]) <= 34


async def test_an_unchanged_summary_does_not_redraw_its_card() -> None:
    summary = RoomSummary("r1", participants=3, muted=0, recent=(1, 3))
    app = Host(WatchList(summary))
    async with app.run_test():
        watch = app.widget
        assert isinstance(watch, WatchList)
        redrawn: list[str] = []
        replace = watch.replace_option_prompt

        def counting(option_id: str, prompt: object) -> WatchList:
            redrawn.append(option_id)
            return replace(option_id, prompt)  # type: ignore[arg-type]

        watch.replace_option_prompt = counting  # type: ignore[method-assign]
        for _ in range(50):
            watch.update_room(RoomSummary("r1", participants=3, muted=0, recent=(1, 3)))
        assert redrawn == []
        watch.update_room(RoomSummary("r1", participants=3, muted=0, recent=(1, 3, 3)))  # a new minute
        assert redrawn == ["r1"]
