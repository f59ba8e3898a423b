"""The Calls screen driven by keys on the frozen in-process sandbox, and its snapshots."""

from __future__ import annotations

from pathlib import Path

from calls_helpers import SIZE, CallsHarness, advance
from textual.widgets import DataTable, Sparkline
from waiting import eventually

from console.backend import FROZEN_AT
from console.calls import CallsPoller
from console.gateway import read_only_text
from console.scheduling import LoopScheduler
from console.screens.call_dialogs import ManageCallDialog
from console.screens.calls import CallsScreen
from console.screens.dialogs import ConfirmScreen, PromptScreen

NUMBER = "+46701234567"
BUSY = "+46708880000"


async def open_calls(h: CallsHarness, pilot, *, live: bool = True) -> tuple[CallsScreen, list[str]]:
    await h.connected(pilot)
    tracker = h.make_tracker()
    client = h.backend.client
    ids = []
    busy = await client.callouts.tts(BUSY, text="Your order is ready.")
    tracker.track(busy, kind="tts", destination=BUSY, placed_at=FROZEN_AT, detail="Your order is ready.")
    ids.append(busy)
    if live:
        conf = await client.callouts.conference(NUMBER, conference_id="standup", cli="+46700000001")
        tracker.track(conf, kind="conference", destination=NUMBER, placed_at=FROZEN_AT.replace(second=5),
                      cli="+46700000001", conference_id="standup")
        ids.append(conf)
    await advance(h.http, 3)
    poller = CallsPoller(tracker, clock=lambda: FROZEN_AT, scheduler=LoopScheduler())  # never started: tests
    screen = CallsScreen(h.app.session, poller)  # poll by key (and on mount), not by wall time
    await h.app.push_screen(screen)
    await eventually(lambda: screen.query_one(DataTable).row_count == len(ids) and all(
        tracker.get(i).result is not None for i in ids) and not poller.polling, pilot)
    screen.refresh_rows()
    await pilot.pause()
    return screen, ids


async def test_rows_detail_and_hangup(tmp_path: Path) -> None:
    h = CallsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen, (busy, conf) = await open_calls(h, pilot)
        table = screen.query_one(DataTable)
        assert [row.key.value for row in table.ordered_rows] == [conf, busy]  # newest first
        assert str(table.get_cell(busy, "result")) == "BUSY"
        assert str(table.get_cell(conf, "status")) == "ONGOING"
        assert conf in str(screen.query_one("#call-detail").render())
        assert '"callId"' in str(screen.query_one("#call-detail").render())
        await pilot.press("h")
        await eventually(lambda: isinstance(h.app.screen, ConfirmScreen), pilot)
        await pilot.press("y")

        async def ended() -> bool:
            call = (await h.http.get("/_sandbox/state")).json()["calls"]
            found = call.get(conf) if isinstance(call, dict) else next(c for c in call if c["callId"] == conf)
            return found["status"] == "FINAL" and found["reason"] == "MANAGERHANGUP"

        await eventually(ended, pilot)
        await eventually(lambda: str(table.get_cell(conf, "reason")) == "MANAGERHANGUP", pilot)
        assert "+46 70 123 45 67" in str(screen.query_one("#status").render())  # "Hung up ..." then the result
        # a FINAL call is not managed: worded, nothing sent
        await pilot.press("h")
        await pilot.pause()
        assert "not ongoing" in str(screen.query_one("#status").render())
        assert not isinstance(h.app.screen, ConfirmScreen)


async def test_say_shows_svaml_and_sends(tmp_path: Path) -> None:
    h = CallsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen, _ = await open_calls(h, pilot)
        await pilot.press("s")
        await eventually(lambda: isinstance(h.app.screen, ManageCallDialog), pilot)
        dialog = h.app.screen
        assert dialog.svaml is None  # empty text: nothing to send yet
        await pilot.press(*"Hello")
        assert '"say"' in str(dialog.query_one("#svaml-preview").render())
        await pilot.press("enter")
        await eventually(lambda: "Said 5 characters" in str(screen.query_one("#status").render()), pilot)


async def test_filter_sort_and_add(tmp_path: Path) -> None:
    h = CallsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen, (busy, conf) = await open_calls(h, pilot)
        table = screen.query_one(DataTable)
        await pilot.press("slash", *"result:busy", "enter")
        assert [row.key.value for row in table.ordered_rows] == [busy]
        await pilot.press("slash", "escape")
        assert table.row_count == 2
        await pilot.press("o")
        assert screen.sort_key == "status"
        assert [row.key.value for row in table.ordered_rows] == [conf, busy]
        await pilot.press("a")
        await eventually(lambda: isinstance(h.app.screen, PromptScreen), pilot)
        await pilot.press(*"no-such-call", "enter")
        await eventually(lambda: screen.tracker.get("no-such-call") is not None
                    and screen.tracker.get("no-such-call").unknown, pilot)
        await eventually(lambda: str(table.get_cell("no-such-call", "status")) == "UNKNOWN", pilot)


async def test_read_only_refuses_without_a_dialog(tmp_path: Path) -> None:
    h = CallsHarness(tmp_path, read_only=True)
    async with h.app.run_test(size=SIZE) as pilot:
        screen, (_, conf) = await open_calls(h, pilot)
        offered = {b.binding.action for b in screen.active_bindings.values() if b.binding.show}
        assert not {"say", "play", "record_start", "record_stop", "hangup"} & offered  # hidden on read-only
        screen.action_hangup()  # reached anyway (the key does nothing): the gateway refuses, no dialog
        await eventually(lambda: str(screen.query_one("#status").render()) == read_only_text("call_hangup"), pilot)
        assert (await h.backend.client.calls.get(conf)).status == "ONGOING"


def test_snapshot_calls_list_with_detail(snap_compare, tmp_path: Path) -> None:
    h = CallsHarness(tmp_path)

    async def scene(pilot) -> None:
        await open_calls(h, pilot)

    assert snap_compare(h.app, terminal_size=SIZE, run_before=scene)


def test_snapshot_hangup_confirmation(snap_compare, tmp_path: Path) -> None:
    h = CallsHarness(tmp_path)

    async def scene(pilot) -> None:
        await open_calls(h, pilot)
        await pilot.press("h")
        await eventually(lambda: isinstance(h.app.screen, ConfirmScreen), pilot)

    assert snap_compare(h.app, terminal_size=SIZE, run_before=scene)


def test_snapshot_say_dialog(snap_compare, tmp_path: Path) -> None:
    h = CallsHarness(tmp_path)

    async def scene(pilot) -> None:
        await open_calls(h, pilot)
        await pilot.press("s")
        await eventually(lambda: isinstance(h.app.screen, ManageCallDialog), pilot)
        await pilot.press(*"Hello from the operator")

    assert snap_compare(h.app, terminal_size=SIZE, run_before=scene)


async def test_the_strip_counts_and_costs_the_calls_placed_per_hour(tmp_path: Path) -> None:
    h = CallsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen, ids = await open_calls(h, pilot)
        screen.poller.add("typed-in-by-hand")  # placed elsewhere: not one of the console's calls
        screen.refresh_rows()
        placed = screen.query_one("#hourly-placed", Sparkline)
        cost = screen.query_one("#hourly-cost", Sparkline)
        assert placed.data is not None and list(placed.data)[-1] == len(ids) == 2 and sum(placed.data) == 2
        debits = sum(h.tracker.get(call_id).debit for call_id in ids)
        assert cost.data is not None and list(cost.data)[-1] == round(debits, 4) and len(cost.data) == 12
        total = str(screen.query_one("#hourly-cost-total").render())
        assert total.strip() == f"{debits:.4f} USD"
        assert str(screen.query_one("#hourly-placed-total").render()) == "2 placed"


async def test_times_in_the_one_format_and_no_na(tmp_path: Path) -> None:
    """Issue 14: local times (relative in the detail), never a raw ISO string or the platform's N/A."""
    h = CallsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen, (_busy, conf) = await open_calls(h, pilot)
        table = screen.query_one(DataTable)
        assert str(table.get_cell(conf, "placed")) == "09:30:05"
        assert str(table.get_cell(conf, "result")) == "" and str(table.get_cell(conf, "reason")) == ""
        detail = str(screen.query_one("#call-detail").render())
        assert "placed 09:30:05 (" in detail and "+00:00" not in detail
        screen.query_one("#calls-filter").value = "nobody-at-all"
        await eventually(lambda: table.row_count == 0, pilot)
        assert "No call matches the filter nobody-at-all (2 tracked)." in str(screen.query_one("#call-detail").render())
