"""The audit log: an attempt line before each action, an outcome line after, never lost, readable with a filter."""

from __future__ import annotations

import asyncio
import json
import stat
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest

from api.errors import APIConnectionError, NotFoundError
from console.audit import AuditEntry, AuditLog, AuditWriteError, read_entries

T0 = datetime(2025, 1, 31, 9, 0, 0, 123456, tzinfo=UTC)
KEYS = {"time", "id", "profile", "action", "phase", "outcome", "room", "call_id", "cli", "error_code", "message"}


def frozen_clock():
    ticks = count()
    return lambda: T0 + timedelta(seconds=next(ticks))


@pytest.fixture
def audit(tmp_path):
    return AuditLog(tmp_path / "audit.jsonl", "prod", clock=frozen_clock())


def lines(log: AuditLog) -> list[dict]:
    return [json.loads(line) for line in log.path.read_text().splitlines()]


async def test_action_writes_attempt_then_ok(audit):
    async with audit.action("mute", room="standup", call_id="c-1", cli="+46708168731") as record:
        assert [line["phase"] for line in lines(audit)] == ["attempt"]  # written before the body runs
        assert record.attempt.action == "mute"
    attempt, outcome = lines(audit)
    assert set(attempt) == KEYS
    assert attempt == {"time": "2025-01-31T09:00:00.123Z", "id": attempt["id"], "profile": "prod", "action": "mute",
                       "phase": "attempt", "outcome": None, "room": "standup", "call_id": "c-1",
                       "cli": "+46708168731", "error_code": None, "message": None}
    assert outcome["phase"] == "outcome" and outcome["outcome"] == "ok" and outcome["id"] == attempt["id"]
    assert outcome["time"] == "2025-01-31T09:00:01.123Z"
    assert stat.S_IMODE(audit.path.stat().st_mode) == 0o600


async def test_sinch_error_is_recorded_and_reraised(audit):
    with pytest.raises(NotFoundError):
        async with audit.action("kick", room="standup", call_id="gone"):
            raise NotFoundError("Participant not found", status=404, error_code=40400)
    outcome = lines(audit)[-1]
    assert (outcome["outcome"], outcome["error_code"], outcome["message"]) == (
        "failed", 40400, "Participant not found (40400)")


async def test_other_failures_are_recorded_without_code(audit):
    with pytest.raises(APIConnectionError):
        async with audit.action("mute_all", room="standup"):
            raise APIConnectionError("connection refused")
    with pytest.raises(RuntimeError):
        async with audit.action("unmute", room="standup"):
            raise RuntimeError
    assert [(line["outcome"], line["error_code"], line["message"]) for line in lines(audit)[1::2]] == [
        ("failed", None, "connection refused"), ("failed", None, "RuntimeError")]


async def test_body_can_word_a_partial_failure(audit):
    async with audit.action("mute_all", room="standup") as record:
        record.fail("2 of 14 participants could not be muted")
    assert lines(audit)[-1]["outcome"] == "failed" and lines(audit)[-1]["message"].startswith("2 of 14")


@pytest.mark.parametrize(("action", "outcome"), [
    ("kick_all", "unknown"),  # the DELETE may be out already: the room may be empty now
    ("download_recording", "failed"),  # a read: cancelled, nothing happened on the platform
])
async def test_cancelled_action_is_recorded(audit, action, outcome):
    started = asyncio.Event()

    async def act():
        async with audit.action(action, room="standup"):
            started.set()
            await asyncio.sleep(10)

    task = asyncio.create_task(act())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert lines(audit)[-1]["message"] == "cancelled before an answer came"
    assert lines(audit)[-1]["outcome"] == outcome


async def test_refused_is_one_line(audit):
    await audit.refused("kick", "read-only profile", room="standup", call_id="c-1")
    (line,) = lines(audit)
    assert (line["phase"], line["outcome"], line["message"]) == ("outcome", "refused", "read-only profile")


async def test_100_concurrent_actions_give_200_well_formed_lines(audit):
    async def one(i: int):
        async with audit.action("mute", room="standup", call_id=f"c-{i}", cli=f"+4670816{i:04d}"):
            await asyncio.sleep(0)

    await asyncio.gather(*(one(i) for i in range(100)))
    written = lines(audit)
    assert len(written) == 200 and all(set(line) == KEYS for line in written)
    by_id: dict[str, list[str]] = {}
    for line in written:
        by_id.setdefault(line["id"], []).append(line["phase"])
    assert len(by_id) == 100 and all(phases == ["attempt", "outcome"] for phases in by_id.values())


async def test_two_logs_on_one_file_do_not_interleave(tmp_path):
    """Two consoles (two AuditLog objects) appending at once: every line stays whole."""
    first, second = (AuditLog(tmp_path / "audit.jsonl", name) for name in ("a", "b"))
    long_message = "x" * 3000
    await asyncio.gather(*(log.refused("kick", long_message, room=f"r{i}") for i in range(50)
                           for log in (first, second)))
    entries = read_entries(first.path, limit=1000)
    assert len(entries) == 100 and {e.profile for e in entries} == {"a", "b"}


async def test_positional_form_fits_the_moderator_hook(audit):
    async with audit.action("kick", "standup", "c-1", "+46708168731"):
        pass
    assert [(e.room, e.call_id, e.cli) for e in await audit.read()] == [("standup", "c-1", "+46708168731")] * 2


async def test_attempt_that_cannot_be_written_raises_before_the_body(tmp_path):
    (tmp_path / "audit.jsonl").mkdir()  # unwritable even for root
    log = AuditLog(tmp_path / "audit.jsonl", "prod")
    sent = []
    with pytest.raises(AuditWriteError, match="cannot write the audit log"):
        async with log.action("kick", room="r"):
            sent.append(True)
    assert sent == []


async def test_outcome_write_failure_is_reported_not_raised(tmp_path, monkeypatch):
    errors: list[OSError] = []
    log = AuditLog(tmp_path / "audit.jsonl", "prod", on_write_error=errors.append)
    async with log.action("mute", room="r"):
        monkeypatch.setattr(log, "_write", lambda text: (_ for _ in ()).throw(OSError(28, "disk full")))
    assert len(errors) == 1 and "disk full" in str(errors[0])


async def test_read_newest_last_with_limit_and_filter(audit):
    for i in range(30):
        await audit.refused("kick" if i % 2 else "mute", f"reason {i}", room="standup" if i < 20 else "retro")
    newest = await audit.read(limit=5)
    assert [e.message for e in newest] == [f"reason {i}" for i in range(25, 30)]
    retro_kicks = await audit.read(limit=100, text_filter="  RETRO ")
    assert [e.message for e in retro_kicks] == [f"reason {i}" for i in range(20, 30)]
    assert [e.message for e in await audit.read(limit=2, text_filter="kick")] == ["reason 27", "reason 29"]
    assert await audit.read(text_filter="2025") == []  # the time is not searched


async def test_corrupt_and_torn_lines_are_skipped(audit):
    await audit.refused("kick", "first")
    with audit.path.open("a") as file:
        file.write("not json\n{\"time\": \"yesterday\"}\n[1, 2]\n\n{\"phase\": \"attempt\"}\n")
    await audit.refused("kick", "second")
    with audit.path.open("a") as file:
        file.write('{"time": "2025-01-31T09:00:00.000Z", "profile": "p", "act')  # a crash mid-line
    assert [e.message for e in await audit.read()] == ["first", "second"]


async def test_read_spans_blocks(tmp_path):
    log = AuditLog(tmp_path / "audit.jsonl", "p")
    big = "é" * 40_000  # lines longer than a read block, with multi-byte characters across block edges
    for i in range(5):
        await log.refused("kick", f"{i}{big}")
    assert [e.message[0] for e in await log.read(limit=3)] == ["2", "3", "4"]


async def test_missing_file_reads_empty(tmp_path):
    assert await AuditLog(tmp_path / "none.jsonl").read() == []


def test_entry_round_trip_and_str():
    entry = AuditEntry(time=T0, profile="prod", action="kick", phase="outcome", outcome="failed", room="standup",
                       call_id="c-1", cli="+46708168731", error_code=40400, message="Not found")
    again = AuditEntry.from_json(entry.to_json())
    assert again == replace(entry, time=T0.replace(microsecond=123000))  # milliseconds are kept
    assert str(entry) == ("2025-01-31T09:00:00.123Z prod kick room=standup call=c-1 cli=+46708168731 "
                          "failed (40400): Not found")


def test_append_sync_without_a_loop(tmp_path):
    log = AuditLog(tmp_path / "audit.jsonl", "p", clock=frozen_clock())
    log.append_sync(log.entry("callout", "attempt", cli="+46708168731"))
    assert read_entries(log.path)[0].action == "callout"


def test_default_path_is_in_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert AuditLog().path == tmp_path / "sinch-console" / "audit.jsonl"
