"""Every key of the Conferences screen, pressed as an operator would, checked against the sandbox's state
and the audit log."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from console_helpers import SIZE, Harness, wait_for_roster
from waiting import eventually

from console.gateway import read_only_text
from console.screens.dialogs import ConfirmScreen, PromptScreen
from console.screens.help import HelpScreen
from widgets import Roster
from widgets.watch_list import WatchList


def audit_lines(folder: Path) -> list[dict[str, object]]:
    path = folder / "audit.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


async def test_m_mutes_the_participant_under_the_cursor_and_audits_it(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        await wait_for_roster(h.app, pilot)
        room = h.screen.room
        assert room is not None
        people = await h.participants(room)
        target = next(call_id for call_id, p in people.items() if not p["muted"])
        h.roster.move_cursor(row=h.roster.get_row_index(target))
        await pilot.press("m")

        async def muted() -> bool:
            return (await h.participants(room))[target]["muted"]

        await eventually(muted, pilot)
        await eventually(lambda: "Muted" in h.status(), pilot)
        await h.app.session.audit.drain()
        lines = [line for line in audit_lines(tmp_path) if line["call_id"] == target]
        assert [(line["action"], line["phase"], line.get("outcome")) for line in lines] == [
            ("mute", "attempt", None), ("mute", "outcome", "ok")]
        await pilot.press("m")  # the same key unmutes
        await eventually(lambda: _not(muted), pilot)


async def _not(check) -> bool:
    return not await check()


async def test_k_asks_naming_the_person_and_kicks_only_on_yes(tmp_path: Path) -> None:
    h = Harness(tmp_path, config='[profiles.default.address_book."+447700074137"]\nname = "Grace Hopper"\n', seed=7)
    async with h.app.run_test(size=SIZE) as pilot:
        await wait_for_roster(h.app, pilot)
        room = h.screen.room
        people = await h.participants(room)
        grace = next(call_id for call_id, p in people.items() if p["cli"] == "+447700074137")
        h.roster.move_cursor(row=h.roster.get_row_index(grace))
        await pilot.press("x")
        await eventually(lambda: isinstance(h.app.screen, ConfirmScreen), pilot)
        assert "Grace Hopper" in h.app.screen.question
        await pilot.press("n")
        await eventually(lambda: not isinstance(h.app.screen, ConfirmScreen), pilot)
        assert grace in await h.participants(room)
        await pilot.press("x")
        await eventually(lambda: isinstance(h.app.screen, ConfirmScreen), pilot)
        await pilot.press("y")

        async def gone() -> bool:
            return grace not in await h.participants(room)

        await eventually(gone, pilot)


async def test_kick_all_needs_the_room_id_typed(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        await wait_for_roster(h.app, pilot)
        room = h.screen.room
        await pilot.press("K")
        await eventually(lambda: isinstance(h.app.screen, PromptScreen), pilot)
        await pilot.press(*"wrong", "enter")
        assert isinstance(h.app.screen, PromptScreen)  # still asking
        assert "exactly" in str(h.app.screen.query_one("#dialog-error").render())
        for _ in "wrong":
            await pilot.press("backspace")
        await pilot.press(*room, "enter")

        async def empty() -> bool:
            return not await h.participants(room)

        await eventually(empty, pilot)
        await eventually(lambda: "no participants" in h.status() or "Kicked" in h.status(), pilot)


async def test_bulk_mute_unmute_and_mute_all_but_moderators(tmp_path: Path) -> None:
    h = Harness(tmp_path, seed=7, config='[profiles.default.address_book."+447700074137"]\n'
                                         'name = "Grace"\nmoderator = true\n')
    async with h.app.run_test(size=SIZE) as pilot:
        await wait_for_roster(h.app, pilot)
        room = h.screen.room

        async def muted_count() -> int:
            return sum(p["muted"] for p in (await h.participants(room)).values())

        total = len(await h.participants(room))
        await pilot.press("M")
        await eventually(lambda: _equals(muted_count, total), pilot)
        await pilot.press("U")
        await eventually(lambda: _equals(muted_count, 0), pilot)
        await pilot.press("E")
        await eventually(lambda: _equals(muted_count, total - 1), pilot)
        people = await h.participants(room)
        assert not next(p for p in people.values() if p["cli"] == "+447700074137")["muted"]


async def _equals(check, expected: int) -> bool:
    return await check() == expected


def offered(h: Harness) -> set[str]:
    """The actions the footer shows (the focused roster's and the screen's)."""
    return {b.binding.action for b in h.app.screen.active_bindings.values() if b.enabled and b.binding.show}


async def test_read_only_profile_refuses_and_sends_nothing(tmp_path: Path) -> None:
    h = Harness(tmp_path, read_only=True)
    async with h.app.run_test(size=SIZE) as pilot:
        await wait_for_roster(h.app, pilot)
        room = h.screen.room
        before = await h.participants(room)
        assert not {"mute_toggle", "kick", "mute_all", "kick_all"} & offered(h)  # the footer hides them
        titles = {command.title for command in h.app.get_system_commands(h.app.screen)}
        assert "conference: mute all" not in titles and "conference: refresh" in titles  # so does the palette
        await pilot.press("m", "M")  # and their keys do nothing
        await pilot.pause()
        assert "Read-only" not in h.status()
        roster = h.roster
        roster.post_message(Roster.MuteToggleRequested(roster, roster.selected_call_id or "", False))
        await eventually(lambda: h.status() == read_only_text("mute"), pilot)  # reached anyway: the gateway
        h.screen.action_mute_all()
        await eventually(lambda: h.status() == read_only_text("mute_all"), pilot)
        assert await h.participants(room) == before
        assert str(h.screen.query_one("#read-only-badge").render()) == "READ-ONLY"


async def test_filter_pause_and_interval(tmp_path: Path) -> None:
    h = Harness(tmp_path, seed=7)
    async with h.app.run_test(size=SIZE) as pilot:
        await wait_for_roster(h.app, pilot)
        shown = h.roster.row_count
        assert shown > 1
        await pilot.press("slash", *"7700", "enter")
        await eventually(lambda: h.roster.row_count == 1, pilot)
        await pilot.press("slash")
        await pilot.press("escape")
        await eventually(lambda: h.roster.row_count == shown, pilot)
        await pilot.press("p")
        assert "paused" in h.status()
        assert h.app.session.moderator.watch(h.screen.room).paused
        await pilot.press("p")
        await pilot.press("plus")
        assert "every 2 s" in h.status() or "every 1.5 s" in h.status()
        await pilot.press("minus")
        assert "every 1 s" in h.status()


async def test_add_room_save_room_and_unwatch(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        await wait_for_roster(h.app, pilot)
        await h.http.post("/_sandbox/conferences/town-hall/participants", json={"cli": "+14155550100"})
        await pilot.press("a")
        await eventually(lambda: isinstance(h.app.screen, PromptScreen), pilot)
        await pilot.press(*"town-hall", "enter")
        await eventually(lambda: h.screen.room == "town-hall" and h.roster.row_count == 1, pilot)
        await pilot.press("s")
        await eventually(lambda: "Saved town-hall" in h.status(), pilot)
        assert 'rooms = ["town-hall"]' in (tmp_path / "config.toml").read_text()
        await pilot.press("s")  # s again un-saves (issue 14: a saved room could not be un-saved)
        await eventually(lambda: "Un-saved town-hall" in h.status(), pilot)
        assert "town-hall" not in (tmp_path / "config.toml").read_text()
        await pilot.press("s")
        await eventually(lambda: "Saved town-hall" in h.status(), pilot)
        watch_list = h.screen.query_one(WatchList)
        watch_list.focus()
        await pilot.press("delete")  # a saved room: asked whether to un-save it too, else it comes back
        await eventually(lambda: isinstance(h.app.screen, ConfirmScreen), pilot)
        assert "comes back at the next start" in h.app.screen.question
        await pilot.press("y")
        await eventually(lambda: "town-hall" not in watch_list.rooms and "Un-saved town-hall" in h.status(), pilot)
        assert "town-hall" not in (tmp_path / "config.toml").read_text()


async def test_a_failing_platform_marks_the_room_stale_and_keeps_the_roster(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        await wait_for_roster(h.app, pilot)
        rows = h.roster.row_count
        await h.http.post("/_sandbox/faults", json={"kind": "status", "status": 503, "count": -1})
        await pilot.press("r")
        title = h.screen.query_one("#room-title")
        await eventually(lambda: "stale" in str(title.render()), pilot)
        assert h.roster.row_count == rows
        assert h.app.is_running
        await h.http.delete("/_sandbox/faults")
        await pilot.press("r")
        await eventually(lambda: "stale" not in str(title.render()), pilot)


async def test_auto_mute_and_soft_lock_act_on_joiners(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        await wait_for_roster(h.app, pilot)
        room = h.screen.room
        await pilot.press("A")
        await eventually(lambda: h.app.session.moderator.policy(room).auto_mute, pilot)
        joiner = (await h.http.post(f"/_sandbox/conferences/{room}/participants",
                                    json={"cli": "+14155550123"})).json()["callId"]
        await pilot.press("r")

        async def joiner_muted() -> bool:
            people = await h.participants(room)
            return joiner in people and people[joiner]["muted"]

        await eventually(joiner_muted, pilot)
        await pilot.press("L")
        await eventually(lambda: h.app.session.moderator.policy(room).soft_lock, pilot)
        stranger = (await h.http.post(f"/_sandbox/conferences/{room}/participants",
                                      json={"cli": "+14155550999"})).json()["callId"]
        await pilot.press("r")

        async def stranger_gone() -> bool:
            return stranger not in await h.participants(room)

        await eventually(stranger_gone, pilot)
        assert "auto-mute" in str(h.screen.query_one("#room-title").render())


async def test_help_detail_and_attendance_dialogs(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        await wait_for_roster(h.app, pilot)
        await pilot.press("question_mark")
        await eventually(lambda: isinstance(h.app.screen, HelpScreen), pilot)
        ids = {row[2] for row in h.app.screen.rows}
        assert {"conference.mute", "conference.kick", "conference.kick_all", "app.quit"} <= ids
        await pilot.press("escape")
        await pilot.press("enter")
        await eventually(lambda: type(h.app.screen).__name__ == "ParticipantPanel", pilot)
        assert "Call id" in str(h.app.screen.query_one("#participant-detail").render())
        await pilot.press("escape")
        await pilot.press("R")
        await eventually(lambda: type(h.app.screen).__name__ == "AttendanceScreen", pilot)
        await pilot.press("c")
        await eventually(lambda: isinstance(h.app.screen, PromptScreen), pilot)
        target = tmp_path / "out.csv"
        field = h.app.screen.query_one("#dialog-input")
        field.value = str(target)
        await pilot.press("enter")
        await eventually(target.exists, pilot)
        assert target.read_text().splitlines()[0].lower().startswith(("room", "name", "who"))
        target.write_text("an earlier report")  # exporting to the same name asks before replacing it
        await eventually(lambda: type(h.app.screen).__name__ == "AttendanceScreen", pilot)
        await pilot.press("c")
        await eventually(lambda: isinstance(h.app.screen, PromptScreen), pilot)
        h.app.screen.query_one("#dialog-input").value = str(target)
        await pilot.press("enter")
        await eventually(lambda: isinstance(h.app.screen, ConfirmScreen), pilot)
        await pilot.press("escape")
        await eventually(lambda: type(h.app.screen).__name__ == "AttendanceScreen", pilot)
        assert target.read_text() == "an earlier report"


async def test_log_mode_shows_the_audit_and_copies_curl(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        await wait_for_roster(h.app, pilot)
        await pilot.press("m")
        await eventually(lambda: "uted" in h.status(), pilot)
        await h.app.session.audit.drain()
        await pilot.press("7")
        await eventually(lambda: type(h.app.screen).__name__ == "LogScreen", pilot)
        table = h.app.screen.query_one("#audit-table")
        await eventually(lambda: table.row_count >= 2, pilot)
        trace = h.app.screen.query_one("#trace-table")
        trace.focus()
        await pilot.press("c")
        curl = str(h.app.screen.query_one("#curl").render())
        assert curl.startswith("curl") and "<signature>" in curl
        assert h.backend.client._secret.reveal() not in curl
        rows = table.row_count
        async with h.app.session.audit.action("kick", room="standup", call_id="c-late"):
            pass  # an action finishing while the Log is open (another mode's worker, a bulk action)
        h.app.screen._tick()  # the 2 s timer's body: new lines show without pressing r
        await eventually(lambda: table.row_count == rows + 2, pilot)
        await pilot.press("1")
        await eventually(lambda: type(h.app.screen).__name__ == "ConferencesScreen", pilot)


async def test_switching_profile_from_the_palette_reconnects_with_the_other_profile(tmp_path: Path) -> None:
    h = Harness(tmp_path, config='[profiles.default.keymap]\n"app.mode.callouts" = "f2"\n\n[profiles.ops]\n'
                'read_only = true\nrooms = ["ops-bridge"]\n[profiles.ops.keymap]\n"app.mode.calls" = "f3"\n')
    async with h.app.run_test(size=SIZE) as pilot:
        await wait_for_roster(h.app, pilot)
        commands = {command.title: command for command in h.app.get_system_commands(h.app.screen)}
        titles = list(commands)
        assert "app: switch profile to ops" in titles
        assert commands["mode: log"].help == "Audit log and API trace (7)"
        assert "conference: mute all" in titles
        h.app.switch_profile("ops")  # connects to a fresh sandbox child process, as `make run` does

        def reconnected() -> bool:
            session = h.app.session
            return session is not None and session.profile_name == "ops" and h.app.screen.__class__.__name__ == (
                "ConferencesScreen")

        await eventually(reconnected, pilot, seconds=60)  # a new sandbox child process: slow on a loaded machine
        assert h.app.session.read_only
        await eventually(lambda: "ops-bridge" in h.screen.query_one(WatchList).rooms, pilot)  # once mounted
        assert str(h.screen.query_one("#read-only-badge").render()) == "READ-ONLY"
        await pilot.press("f2")  # the old profile's key is gone (it stayed after a switch)...
        await pilot.press("f3")  # ...and the new one's works
        await eventually(lambda: h.app.screen.__class__.__name__ == "CallsScreen", pilot)
        await pilot.press("1")
        await pilot.press("f2")
        for _ in range(3):
            await pilot.pause()
        assert h.app.screen.__class__.__name__ == "ConferencesScreen"


async def test_a_backend_that_cannot_start_is_explained(tmp_path: Path) -> None:
    from console.app import SinchConsole
    from console.config import resolve_settings

    def broken(_resolved):
        raise OSError("address already in use")

    app = SinchConsole(broken, resolve_settings(tmp_path / "config.toml", sandbox=True, env={}), folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        splash = app.query_one("#splash")
        await eventually(lambda: "Could not connect: address already in use" in str(splash.render()), pilot)
        assert app.is_running


async def test_a_broken_config_file_ends_the_start_with_its_line(tmp_path: Path) -> None:
    """The first frame comes before the settings are read; a broken file then ends the app with code 2 and
    its line, which `console.__main__.main` prints once the screen is restored."""
    from console.__main__ import build_app

    config = tmp_path / "config.toml"
    config.write_text('[profiles.default]\npoll_interval = "fast"\n')
    app = build_app(["--config", str(config)])
    async with app.run_test(size=SIZE) as pilot:
        await eventually(lambda: app.return_code == 2, pilot)
    assert app.session is None
    assert "config.toml, line 2 (profiles.default.poll_interval)" in (app.settings_error or "")
    assert config.read_text() == '[profiles.default]\npoll_interval = "fast"\n'  # never rewritten


async def test_quick_room_switches_settle_and_m_acts_on_the_row_under_the_cursor(tmp_path: Path) -> None:
    h = Harness(tmp_path, seed=7)
    async with h.app.run_test(size=SIZE) as pilot:
        await wait_for_roster(h.app, pilot)
        await pilot.press("right_square_bracket", "right_square_bracket", "left_square_bracket")
        room = h.backend.rooms[1]
        await eventually(lambda: h.screen.room == room and h.screen.query_one(WatchList).selected_room == room, pilot)
        for _ in range(5):  # and it stays there: settled, no ping-pong between rooms
            await pilot.pause()
        assert h.screen.room == room and h.screen.query_one(WatchList).selected_room == room
        await eventually(lambda: h.roster.row_count > 1, pilot)
        h.roster.move_cursor(row=1)
        target = h.roster.selected_call_id
        before = (await h.participants(room))[target]["muted"]
        await pilot.press("m")

        async def target_toggled() -> bool:
            return (await h.participants(room))[target]["muted"] != before

        await eventually(target_toggled, pilot)
        assert h.screen.room == room and h.roster.selected_call_id == target


async def test_markup_in_room_ids_names_and_numbers_is_shown_not_parsed(tmp_path: Path) -> None:
    h = Harness(tmp_path, config='[profiles.default.address_book."+14155550100"]\nname = "Ada [/b] Lovelace"\n')
    async with h.app.run_test(size=SIZE) as pilot:
        await wait_for_roster(h.app, pilot)
        room = quote("x[/b]y", safe="")
        await h.http.post(f"/_sandbox/conferences/{room}/participants", json={"cli": "+14155550100"})
        await pilot.press("a")
        await eventually(lambda: isinstance(h.app.screen, PromptScreen), pilot)
        await pilot.press(*"x[/b]y", "enter")
        await eventually(lambda: h.screen.room == "x[/b]y" and h.roster.row_count == 1, pilot)
        assert "x[/b]y" in str(h.screen.query_one("#room-title").render())
        assert str(h.roster.get_row_at(0)[0]) == "Ada [/b] Lovelace"
        await pilot.press("m")
        await eventually(lambda: "Ada [/b] Lovelace" in h.status(), pilot)
        await pilot.press("x")
        await eventually(lambda: isinstance(h.app.screen, ConfirmScreen), pilot)
        await pilot.press("n")
        assert h.app.is_running


async def test_read_only_refuses_kick_without_a_dialog(tmp_path: Path) -> None:
    h = Harness(tmp_path, read_only=True)
    async with h.app.run_test(size=SIZE) as pilot:
        await wait_for_roster(h.app, pilot)
        roster = h.roster
        roster.post_message(Roster.KickRequested(roster, roster.selected_call_id or ""))
        await eventually(lambda: h.status() == read_only_text("kick"), pilot)
        assert not isinstance(h.app.screen, ConfirmScreen)
        h.screen.action_kick_all()
        await eventually(lambda: h.status() == read_only_text("kick_all"), pilot)
        assert not isinstance(h.app.screen, PromptScreen)
