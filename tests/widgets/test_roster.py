"""The roster reconciles by callId: changed cells update, joiners are added, leavers removed, cursor kept."""

from __future__ import annotations

from textual.app import App, ComposeResult

from api.models import Participant
from widgets import Roster
from widgets.roster import format_duration, format_number


def person(call_id: str, cli: str = "+46708168731", duration: int = 5, muted: bool = False) -> Participant:
    return Participant.model_validate({"id": call_id, "cli": cli, "duration": duration, "muted": muted})


class RosterApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.changes: list[Roster.Changed] = []

    def compose(self) -> ComposeResult:
        yield Roster(names={"+14155550100": "Ada (CFO)"})

    def on_roster_changed(self, message: Roster.Changed) -> None:
        self.changes.append(message)


async def test_cursor_stays_on_the_same_call_when_rows_above_leave_and_join() -> None:
    app = RosterApp()
    async with app.run_test() as pilot:
        roster = app.query_one(Roster)
        roster.show([person("a"), person("b"), person("c")])
        roster.move_cursor(row=2)
        assert roster.selected_call_id == "c"
        roster.show([person("b"), person("c")])  # "a" left above the cursor
        await pilot.pause()
        assert roster.selected_call_id == "c"
        roster.show([person("z"), person("b"), person("c")])  # a joiner is appended
        assert roster.selected_call_id == "c"
        assert roster.row_count == 3
        await pilot.pause()
        assert [(m.joined, m.left) for m in app.changes] == [(["a", "b", "c"], []), ([], ["a"]), (["z"], [])]


async def test_changed_cells_update_and_names_come_from_the_address_book() -> None:
    app = RosterApp()
    async with app.run_test():
        roster = app.query_one(Roster)
        roster.show([person("a", cli="+14155550100", duration=59)])
        roster.show([person("a", cli="+14155550100", duration=61, muted=True)])
        row = roster.get_row("a")
        assert str(row[0]) == "Ada (CFO)"
        assert str(row[2]) == "01:01"
        assert str(row[3]) == "muted"


def test_formatting() -> None:
    assert format_number("+46708168731") == "+46 70 816 87 31"
    assert format_number("alice") == "alice"
    assert format_duration(3725) == "1:02:05"
    assert format_duration(-3) == "00:00"
