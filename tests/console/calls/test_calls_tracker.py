"""CallTracker against the in-process sandbox: polling until FINAL, 40400 wording, the file, sorting, filtering."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from calls_helpers import START, advance

from console.calls import CallTracker, filter_calls, sort_calls
from console.calls.tracker import next_sort_key

NUMBER = "+46701234567"
BUSY = "+46708880000"
RESTRICTED = "+46708886666"


async def place(client, tracker: CallTracker, number: str = NUMBER, text: str = "Hello there, this is a test.") -> str:
    call_id = await client.callouts.tts(number, text=text, cli="+46700000001")
    tracker.track(call_id, kind="tts", destination=number, placed_at=START, cli="+46700000001", detail=text[:20])
    return call_id


async def test_tts_callout_tracked_until_final_with_debit(client, http, tracker: CallTracker) -> None:
    call_id = await place(client, tracker)
    changes = await tracker.poll_due(START)
    assert [c.call.call_id for c in changes] == [call_id]
    assert tracker.get(call_id).status in ("INITIATED", "RINGING")
    await advance(http, 2.5)
    await tracker.poll_due(START)
    assert tracker.get(call_id).status == "ONGOING"
    await advance(http, 60)
    changes = await tracker.poll_due(START)
    call = tracker.get(call_id)
    assert call.is_final and call.result.result == "ANSWERED" and call.result.reason == "CALLERHANGUP"
    assert changes[0].became_final and changes[0].previous_status == "ONGOING"
    assert call.debit > 0 and call.debit_text().endswith(call.result.debit.currency_id)
    assert call.result.debit.currency_id
    assert call.duration_text() == f"0:{call.duration:02d}"
    # FINAL: never asked again
    assert tracker.due() == []
    assert await tracker.poll_due(START) == []


async def test_final_calls_are_not_polled(client, http, tracker: CallTracker) -> None:
    call_id = await place(client, tracker, BUSY)
    await advance(http, 3)
    await tracker.poll_due(START)
    assert tracker.get(call_id).is_final
    calls = []
    original = client.calls.get

    async def counting(cid: str):
        calls.append(cid)
        return await original(cid)

    client.calls.get = counting
    for _ in range(3):
        await tracker.poll_due(START)
    assert calls == []


async def test_busy_number_ends_busy(client, http, tracker: CallTracker) -> None:
    call_id = await place(client, tracker, BUSY)
    await advance(http, 3)
    await tracker.poll_due(START)
    call = tracker.get(call_id)
    assert (call.status, call.result.result) == ("FINAL", "BUSY")
    assert call.debit == 0


async def test_restricted_number_fails_blocked(client, tracker: CallTracker) -> None:
    call_id = await place(client, tracker, RESTRICTED)
    await tracker.poll_due(START)
    call = tracker.get(call_id)
    assert (call.result.result, call.result.reason) == ("FAILED", "BLOCKED")


async def test_not_known_yet_then_unknown(client, tmp_path: Path) -> None:
    now = [START]
    tracker = CallTracker(client, tmp_path, lambda: now[0])
    tracker.track("no-such-call", kind="tts", destination=NUMBER, placed_at=START)
    await tracker.poll_due(START + timedelta(seconds=5))
    call = tracker.get("no-such-call")
    assert call.error.startswith("Not known yet (40400)") and not call.unknown
    assert tracker.due() == [call]
    await tracker.poll_due(START + timedelta(minutes=5))
    assert call.unknown and call.error.startswith("Unknown call (40400)") and call.status == "UNKNOWN"
    assert tracker.due() == []
    tracker.wake("no-such-call")
    assert tracker.due() == [call]


async def test_added_call_id(client, http, tracker: CallTracker) -> None:
    call_id = await client.callouts.tts(NUMBER, text="hi")
    tracker.add(call_id)
    tracker.add("typo-id")
    await tracker.poll_due(START)
    assert tracker.get(call_id).result.to.endpoint == NUMBER.lstrip("+") or tracker.get(call_id).result.to
    assert tracker.get(call_id).number.startswith("+46")
    assert tracker.get("typo-id").unknown  # typed in: no grace period


async def test_errors_are_worded_and_back_off(client, http, tracker: CallTracker) -> None:
    call_id = await place(client, tracker)
    await http.post("/_sandbox/faults", json={"kind": "status", "status": 503, "count": 1})
    changes = await tracker.poll_due(START)
    assert changes and "Traceback" not in tracker.get(call_id).error
    assert tracker.get(call_id).error
    await tracker.poll_due(START)  # sits out one tick after a failure (backoff 0 for the first)
    await tracker.poll_due(START)
    assert tracker.get(call_id).error is None and tracker.get(call_id).result is not None


async def test_persisted_across_a_reload(client, http, tracker: CallTracker, tmp_path: Path) -> None:
    call_id = await place(client, tracker)
    await advance(http, 60)
    await tracker.poll_due(START)
    assert (tmp_path / "calls" / "calls.json").exists()
    again = CallTracker(client, tmp_path / "calls", lambda: START)
    call = again.get(call_id)
    assert call is not None and call.is_final and call.detail == "Hello there, this is"
    assert call.result == tracker.get(call_id).result
    assert call.placed_at == START and call.cli == "+46700000001"
    assert again.load_warning is None


async def test_track_then_flush_writes(client, tracker: CallTracker, tmp_path: Path) -> None:
    tracker.track("c-1", kind="conference", destination=NUMBER, placed_at=START, conference_id="standup")
    await tracker.flush()
    data = json.loads((tmp_path / "calls" / "calls.json").read_text())
    assert data["calls"][0]["callId"] == "c-1" and data["calls"][0]["conferenceId"] == "standup"


async def test_corrupt_file_moved_aside(client, tmp_path: Path) -> None:
    folder = tmp_path / "calls"
    folder.mkdir()
    (folder / "calls.json").write_text("{not json")
    problems: list[str] = []
    tracker = CallTracker(client, folder, lambda: START, on_problem=problems.append)
    assert len(tracker) == 0
    assert tracker.load_warning and "damaged" in tracker.load_warning and problems
    assert list(folder.glob("calls.json.corrupt-*"))
    assert not (folder / "calls.json").exists()


async def test_damaged_record_skipped(client, tmp_path: Path) -> None:
    folder = tmp_path / "calls"
    folder.mkdir()
    good = {"callId": "c-1", "kind": "tts", "destination": NUMBER, "placedAt": START.isoformat()}
    (folder / "calls.json").write_text(json.dumps({"version": 1, "calls": [good, {"kind": 3}, "x"]}))
    tracker = CallTracker(client, folder, lambda: START)
    assert [c.call_id for c in tracker.calls] == ["c-1"]
    assert "2 damaged" in tracker.load_warning


async def test_bounded(client, tmp_path: Path) -> None:
    tracker = CallTracker(client, tmp_path, lambda: START, limit=5)
    for i in range(8):
        tracker.track(f"c-{i}", kind="tts", destination=NUMBER, placed_at=START + timedelta(seconds=i))
    assert [c.call_id for c in tracker.calls] == ["c-7", "c-6", "c-5", "c-4", "c-3"]


async def test_sort_and_filter(client, http, tracker: CallTracker) -> None:
    answered = await place(client, tracker, NUMBER, text="x" * 90)
    busy_id = await client.callouts.tts(BUSY, text="hello")
    tracker.track(busy_id, kind="tts", destination=BUSY, placed_at=START + timedelta(seconds=1), detail="second")
    live = await client.callouts.conference("+46701112233", conference_id="standup")
    tracker.track(live, kind="conference", destination="+46701112233", placed_at=START + timedelta(seconds=2),
                  conference_id="standup")
    await advance(http, 3)
    await tracker.poll_due(START)
    await advance(http, 70)
    await tracker.poll_due(START)
    calls = tracker.calls
    assert [c.call_id for c in sort_calls(calls, "time")] == [live, busy_id, answered]
    assert sort_calls(calls, "status")[0].call_id == live
    assert sort_calls(calls, "debit")[0].debit >= sort_calls(calls, "debit")[-1].debit
    assert sort_calls(calls, "duration")[0].duration >= sort_calls(calls, "duration")[1].duration
    assert [c.call_id for c in filter_calls(calls, "result:busy")] == [busy_id]
    assert [c.call_id for c in filter_calls(calls, "status:ongoing")] == [live]
    assert [c.call_id for c in filter_calls(calls, "standup")] == [live]
    assert [c.call_id for c in filter_calls(calls, "8880000")] == [busy_id]
    assert [c.call_id for c in filter_calls(calls, "+4670888")] == [busy_id]
    assert [c.call_id for c in filter_calls(calls, "kind:tts second")] == [busy_id]
    assert filter_calls(calls, "") == calls
    assert next_sort_key("time") == "status" and next_sort_key("debit") == "time"


async def test_poll_never_overlaps(client, tracker: CallTracker) -> None:
    import asyncio

    await place(client, tracker)
    first = asyncio.ensure_future(tracker.poll_due(START))
    await asyncio.sleep(0)
    assert await tracker.poll_due(START) == []
    assert len(await first) == 1
