"""Issue 14 on the Conferences screen: what got in a moderator's way, pressed as they would.

The live participant panel, the vim keys, a filter by country code, the status line and timeline after a
hand or a person is gone, what an outage says it does next.
"""

from __future__ import annotations

from pathlib import Path

from console_helpers import SIZE, Harness, wait_for_roster
from waiting import eventually

from console.screens.dialogs import ConfirmScreen
from console.screens.participant_panel import ParticipantPanel
from widgets import Roster


def panel_text(h: Harness) -> str:
    return str(h.app.screen.query_one("#participant-detail").render())


async def test_the_participant_panel_stays_live_and_takes_m_h_x_in_place(tmp_path: Path) -> None:
    h = Harness(tmp_path, seed=7)
    async with h.app.run_test(size=SIZE) as pilot:
        await wait_for_roster(h.app, pilot)
        room = h.screen.room
        assert room is not None
        people = await h.participants(room)
        target = next(call_id for call_id, p in people.items() if not p["muted"])
        h.roster.move_cursor(row=h.roster.get_row_index(target))
        await pilot.press("enter")
        await eventually(lambda: isinstance(h.app.screen, ParticipantPanel), pilot)
        assert "Muted       no" in panel_text(h) and "Hand        down" in panel_text(h)
        h.app.session.rooms.raise_hand(room, target)  # a relayed PIE 1, while the panel is open
        await eventually(lambda: "Hand        raised" in panel_text(h), pilot)
        await pilot.press("m")  # muted in place, shown by the next poll without closing the panel

        async def muted() -> bool:
            return (await h.participants(room))[target]["muted"]

        await eventually(muted, pilot)
        await eventually(lambda: "Muted       yes" in panel_text(h), pilot)
        await pilot.press("h")
        await eventually(lambda: "Hand        down" in panel_text(h), pilot)
        history = h.app.screen.query_one("#participant-history")
        kinds = [entry.kind for entry in history.entries]
        assert "muted" in kinds and kinds.count("hand") == 2
        await pilot.press("x")
        await eventually(lambda: isinstance(h.app.screen, ConfirmScreen), pilot)
        await pilot.press("y")
        await eventually(lambda: isinstance(h.app.screen, ParticipantPanel), pilot)
        await eventually(lambda: "Not in the conference any more" in panel_text(h), pilot)
        assert target not in await h.participants(room)


async def test_k_moves_up_like_j_moves_down_and_never_kicks(tmp_path: Path) -> None:
    h = Harness(tmp_path, seed=7)
    async with h.app.run_test(size=SIZE) as pilot:
        await wait_for_roster(h.app, pilot)
        room = h.screen.room
        before = set(await h.participants(room))
        await pilot.press("j", "j", "k")
        assert h.roster.cursor_row == 1 and not isinstance(h.app.screen, ConfirmScreen)
        assert set(await h.participants(room)) == before


async def test_a_filter_with_a_country_code_matches_the_start_of_numbers(tmp_path: Path) -> None:
    h = Harness(tmp_path, seed=7)
    async with h.app.run_test(size=SIZE) as pilot:
        await wait_for_roster(h.app, pilot)
        room = h.screen.room
        await h.http.post(f"/_sandbox/conferences/{room}/participants", json={"cli": "+16465550123"})
        await pilot.press("r")
        await eventually(lambda: any((p := h.roster.participant(k)) and p.participant.cli == "+16465550123"
                                     for k in h.roster.rows), pilot)
        await pilot.press("slash", *"+46")
        await eventually(lambda: h.roster.filter_text == "+46", pilot)
        shown = [h.roster.participant(key.value) for key in h.roster.rows]
        assert all(row.participant.cli.startswith("+46") for row in shown if row)  # not +1 646...
        await pilot.press("escape")
        await pilot.press("slash", *"646")  # without a country code: anywhere in the number
        await eventually(lambda: h.roster.row_count == 1, pilot)


async def test_the_status_line_and_timeline_after_a_hand_goes_down_and_its_owner_leaves(tmp_path: Path) -> None:
    h = Harness(tmp_path, seed=7)
    async with h.app.run_test(size=SIZE) as pilot:
        await wait_for_roster(h.app, pilot)
        room = h.screen.room
        rooms = h.app.session.rooms
        call_id = h.roster.selected_call_id
        assert call_id is not None
        name = rooms.person_name(room, call_id)
        rooms.raise_hand(room, call_id)  # a PIE without the caller's number
        await eventually(lambda: "raised a hand" in h.status(), pilot)
        await pilot.press("h")
        await eventually(lambda: "raised a hand" not in h.status(), pilot)
        rooms.raise_hand(room, call_id)
        await eventually(lambda: "raised a hand" in h.status(), pilot)
        rooms.lower_hand(room, call_id, why="unmuted", by="platform")  # lowered by something else than a key
        await eventually(lambda: h.status() == f"{name}: hand lowered: unmuted.", pilot)
        await h.http.delete(f"/_sandbox/conferences/{room}/participants/{call_id}")
        await pilot.press("r")
        await eventually(lambda: call_id not in rooms.moderator.watch(room).participants, pilot)
        await pilot.press("R", "escape")  # anything that redraws the timeline whole
        whos = {entry.who for entry in rooms.timeline(room, call_id)}
        assert whos == {name}  # never "call 519ed3a1" once they left


async def test_an_outage_says_when_it_retries_and_r_retries_now(tmp_path: Path) -> None:
    h = Harness(tmp_path, seed=7)
    async with h.app.run_test(size=SIZE) as pilot:
        await wait_for_roster(h.app, pilot)
        await h.http.post("/_sandbox/faults", json={"kind": "status", "status": 503, "count": -1})
        await pilot.press("r")
        title = h.screen.query_one("#room-title")
        await eventually(lambda: "retrying in" in str(title.render()), pilot)
        assert "stale" in str(title.render()) and "r retries now" in str(title.render())
        await h.http.delete("/_sandbox/faults")
        await pilot.press("r")
        await eventually(lambda: "stale" not in str(title.render()) and "retrying" not in str(title.render()), pilot)
        assert isinstance(h.screen.query_one(Roster), Roster)


async def test_an_empty_room_and_a_filter_matching_nobody_say_so(tmp_path: Path) -> None:
    h = Harness(tmp_path, seed=7)
    async with h.app.run_test(size=SIZE) as pilot:
        await wait_for_roster(h.app, pilot)
        note = h.screen.query_one("#roster-empty")
        assert not note.display
        await pilot.press("slash", *"zzz-nobody")
        await eventually(lambda: note.display and "Nobody matches" in str(note.render()), pilot)
        await pilot.press("escape")
        await eventually(lambda: not note.display and h.roster.row_count > 0, pilot)
        h.app.session.rooms.watch("empty-room")
        h.screen.show_room("empty-room")
        await eventually(lambda: "Nobody is in empty-room right now" in str(note.render()), pilot)
