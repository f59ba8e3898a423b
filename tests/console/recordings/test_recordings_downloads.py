"""The download manager and the deletes against the demo sandbox in process: bytes, conflicts, concurrency,
cancel, failures in words, audit lines. (The screen's keys are in test_recordings_screen.py.)"""

from __future__ import annotations

import asyncio
import errno
import json
from pathlib import Path

import httpx
import pytest
from recordings_helpers import files, no_sleep
from waiting import eventually

import sandbox
from api import SinchVoiceClient
from api.download import CHUNK_SIZE
from api.models import Recording
from api.retry import RetryPolicy
from console.backend import FROZEN_AT
from console.gateway import Gateway, read_only_text
from console.recordings import (
    Conflict,
    ConflictAnswer,
    Downloader,
    State,
    delete_recordings,
    free_name,
    name_some,
    overall,
    summarize,
)
from console.recordings import downloads as downloads_module
from console.recordings.downloads import Download, target_for
from sandbox.audio import render_wav

OLD = b"an older file that must survive"


async def listed(client, count: int | None = None) -> list[Recording]:
    from datetime import timedelta

    found = await client.recordings.list(FROZEN_AT - timedelta(days=31), FROZEN_AT + timedelta(minutes=1))
    return found if count is None else found[:count]


def expected(store, key: str) -> bytes:
    rec = store.items[key]
    return render_wav(rec.key, rec.n_frames)


def audit_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def answers(*choices: ConflictAnswer | None):
    """An `ask` that answers in turn and records what it was asked."""
    asked: list[tuple[str, str, int]] = []
    queue = list(choices)

    async def ask(recording: Recording, path: Path, left: int) -> ConflictAnswer | None:
        asked.append((recording.key, path.name, left))
        return queue.pop(0)

    return ask, asked


async def test_downloads_equal_the_platform_bytes_and_are_audited(client, store, audit, tmp_path, monkeypatch):
    monkeypatch.setattr(downloads_module, "PROGRESS_EVERY", 0.0)  # every report: in memory the body takes no time
    recordings = await listed(client, 2)
    changes: list[tuple[str, State, int]] = []
    downloader = Downloader(client, audit, on_change=lambda d: changes.append((d.key, d.state, d.done)))
    folder = tmp_path / "out"
    planned = await downloader.plan(recordings, folder, answers()[0])
    assert planned is not None and [d.state for d in planned] == [State.QUEUED, State.QUEUED]
    await downloader.run(planned)
    for recording, download in zip(recordings, planned, strict=True):
        assert download.state is State.DONE and download.landed == folder / recording.key
        assert download.landed.read_bytes() == expected(store, recording.key)
        assert download.done == download.total == len(expected(store, recording.key))
    assert files(folder) == sorted(r.key for r in recordings)  # no temporary file left over
    assert any(state is State.RUNNING and 0 < done < len(expected(store, key)) for key, state, done in changes)
    assert overall(planned) == (float(sum(d.total or 0 for d in planned)),) * 2
    lines = audit_lines(audit.path)
    assert [(line["action"], line["phase"], line["outcome"]) for line in lines].count(
        ("download_recording", "outcome", "ok")) == 2
    # the attempt names the file asked for (where it is saved): written before the request goes out
    attempt = next(line for line in lines if line["phase"] == "attempt"
                   and line["message"] == f"{recordings[0].key} to {folder / recordings[0].key}")
    assert attempt["call_id"] == recordings[0].headers["callId"]
    outcome = next(line for line in lines if line["phase"] == "outcome" and line["id"] == attempt["id"])
    assert outcome["outcome"] == "ok"


async def test_existing_files_skip_overwrite_keep_both(client, store, tmp_path):
    recordings = await listed(client, 3)
    for recording in recordings:
        (tmp_path / recording.key).write_bytes(OLD)
    ask, asked = answers(ConflictAnswer(Conflict.SKIP), ConflictAnswer(Conflict.OVERWRITE),
                         ConflictAnswer(Conflict.KEEP_BOTH))
    downloader = Downloader(client)
    planned = await downloader.plan(recordings, tmp_path, ask)
    assert planned is not None
    assert [left for _, _, left in asked] == [2, 1, 0]  # "apply to the N others" counts down
    await downloader.run(planned)
    skipped, replaced, both = (r.key for r in recordings)
    assert (tmp_path / skipped).read_bytes() == OLD and planned[0].state is State.SKIPPED
    assert "already exists" in planned[0].message
    assert (tmp_path / replaced).read_bytes() == expected(store, replaced)
    assert (tmp_path / both).read_bytes() == OLD
    second = tmp_path / both.replace(".wav", " (1).wav")
    assert second.read_bytes() == expected(store, both) and planned[2].landed == second
    assert len(files(tmp_path)) == 4


async def test_an_answer_for_all_is_asked_once(client, store, tmp_path):
    recordings = await listed(client, 3)
    for recording in recordings:
        (tmp_path / recording.key).write_bytes(OLD)
        (tmp_path / recording.key.replace(".wav", " (1).wav")).write_bytes(OLD)
    ask, asked = answers(ConflictAnswer(Conflict.KEEP_BOTH, apply_to_all=True))
    downloader = Downloader(client)
    planned = await downloader.plan(recordings, tmp_path, ask)
    assert planned is not None and len(asked) == 1
    await downloader.run(planned)
    for recording in recordings:
        assert (tmp_path / recording.key).read_bytes() == OLD
        assert (tmp_path / recording.key.replace(".wav", " (2).wav")).read_bytes() == expected(store, recording.key)


async def test_cancelling_the_question_sends_nothing(client, transport, tmp_path):
    recordings = await listed(client, 2)
    (tmp_path / recordings[1].key).write_bytes(OLD)
    ask, _ = answers(None)
    assert await Downloader(client).plan(recordings, tmp_path, ask) is None
    assert transport.downloads == 0 and files(tmp_path) == [recordings[1].key]


def test_free_name_skips_names_on_disk_and_names_reserved(tmp_path):
    path = tmp_path / "call.wav"
    assert free_name(path) == path
    path.write_bytes(b"x")
    assert free_name(path) == tmp_path / "call (1).wav"
    assert free_name(path, {tmp_path / "call (1).wav"}) == tmp_path / "call (2).wav"
    bare = tmp_path / "noext"
    bare.write_bytes(b"x")
    assert free_name(bare) == tmp_path / "noext (1)"


async def test_concurrency_is_bounded_across_the_batch(client, store, transport, tmp_path):
    recordings = await listed(client, 7)
    transport.hold = True
    downloader = Downloader(client, concurrency=3)
    planned = await downloader.plan(recordings, tmp_path, answers()[0])
    assert planned is not None
    running = asyncio.create_task(downloader.run(planned))
    await eventually(lambda: transport.open == 3)
    for _ in range(50):  # give the others every chance to start, had the bound been broken
        await asyncio.sleep(0)
    assert transport.open == 3 and downloader.in_flight == 3
    assert [d.state for d in planned].count(State.QUEUED) == 4
    transport.release()
    await asyncio.wait_for(running, 10)
    assert transport.max_open == 3 and downloader.max_in_flight == 3
    assert all(d.state is State.DONE for d in planned)
    assert all((tmp_path / r.key).read_bytes() == expected(store, r.key) for r in recordings)


async def test_progress_held_back_by_the_throttle_is_still_told(client, transport, tmp_path, monkeypatch):
    """Reports closer than PROGRESS_EVERY are held back; when the download then stalls (a slow link), the last
    one must still reach the listeners, or the panel shows "0%" for as long as it stalls (a flaky snapshot:
    the first chunk came within 20 ms of the 0 report on a quiet machine)."""
    monkeypatch.setattr(downloads_module, "PROGRESS_EVERY", 0.5)  # the first chunk surely comes within it
    (recording,) = await listed(client, 1)
    transport.hold = True  # the body stops after its first chunk
    heard: list[int] = []
    downloader = Downloader(client, on_change=lambda download: heard.append(download.done))
    planned = await downloader.plan([recording], tmp_path, answers()[0])
    assert planned is not None
    running = asyncio.create_task(downloader.run(planned))
    await eventually(lambda: planned[0].done == CHUNK_SIZE)
    await eventually(lambda: CHUNK_SIZE in heard, what="the held-back report")
    transport.release()
    await asyncio.wait_for(running, 10)
    assert planned[0].state is State.DONE and heard[-1] == planned[0].total


async def test_cancel_half_way_leaves_nothing(client, transport, audit, tmp_path):
    folder = tmp_path / "out"
    (recording,) = await listed(client, 1)
    transport.hold = True
    downloader = Downloader(client, audit)
    planned = await downloader.plan([recording], folder, answers()[0])
    assert planned is not None
    running = asyncio.create_task(downloader.run(planned))
    await eventually(lambda: planned[0].done > 0)
    assert [name for name in files(folder) if name.endswith(".part")], "the temporary file exists half-way"
    assert downloader.cancel() == 1
    await asyncio.wait_for(running, 10)
    assert planned[0].state is State.CANCELLED and "nothing was kept" in planned[0].message
    assert files(folder) == []  # neither the final name nor the hidden temporary file
    assert audit_lines(audit.path)[-1]["outcome"] == "failed"


async def test_a_name_taken_meanwhile_is_never_replaced(client, store, tmp_path):
    first, second = await listed(client, 2)
    downloader = Downloader(client)
    planned = await downloader.plan([first], tmp_path, answers()[0])
    assert planned is not None
    (tmp_path / first.key).write_bytes(OLD)  # appears between the look and the download
    await downloader.run(planned)
    assert planned[0].state is State.SKIPPED and "appeared meanwhile" in planned[0].message
    assert (tmp_path / first.key).read_bytes() == OLD
    # keep both: the free name chosen is taken meanwhile too -> the next one
    (tmp_path / second.key).write_bytes(OLD)
    planned = await downloader.plan([second], tmp_path, answers(ConflictAnswer(Conflict.KEEP_BOTH))[0])
    assert planned is not None and planned[0].target.name.endswith(" (1).wav")
    planned[0].target.write_bytes(OLD)
    await downloader.run(planned)
    assert planned[0].landed == tmp_path / second.key.replace(".wav", " (2).wav")
    assert planned[0].landed.read_bytes() == expected(store, second.key)
    assert (tmp_path / second.key.replace(".wav", " (1).wav")).read_bytes() == OLD


async def test_two_recordings_with_one_file_name_get_two_files(client, store, tmp_path):
    (recording,) = await listed(client, 1)
    twin = recording.model_copy(update={"key": recording.key.replace(".wav", "?.wav")})  # "?" becomes "_"
    other = recording.model_copy(update={"key": recording.key.replace(".wav", "_.wav")})
    assert target_for(twin, tmp_path) == target_for(other, tmp_path)
    planned = await Downloader(client).plan([twin, other], tmp_path, answers()[0])
    assert planned is not None and planned[0].target != planned[1].target


async def test_a_recording_already_downloading_is_not_fetched_twice(client, store, transport, tmp_path):
    """`d` pressed twice: the second plan skips the recording (worded), asks nothing, makes no second file."""
    first, second = await listed(client, 2)
    transport.hold = True
    downloader = Downloader(client)
    planned = await downloader.plan([first], tmp_path, answers()[0])
    assert planned is not None
    running = asyncio.create_task(downloader.run(planned))
    await eventually(lambda: planned[0].done > 0)
    again = await downloader.plan([first, second], tmp_path, answers()[0])  # asking would fail: no answers queued
    assert again is not None and again[0].state is State.SKIPPED and again[0].already
    assert again[0].message == f"skipped: {first.key} is already downloading"
    assert again[1].state is State.QUEUED and again[1].target == tmp_path / second.key and not again[1].already
    rest = asyncio.create_task(downloader.run(again))
    transport.release()
    await asyncio.wait_for(asyncio.gather(running, rest), 10)
    assert files(tmp_path) == sorted([first.key, second.key]) and transport.downloads == 2
    assert (tmp_path / first.key).read_bytes() == expected(store, first.key)
    assert downloader.downloading() == set() and downloader.reserved() == set()  # all finished: nothing held
    replanned = await downloader.plan([first], tmp_path, answers(ConflictAnswer(Conflict.SKIP))[0])
    assert replanned is not None and not replanned[0].already  # finished: asked about (the file is there) again


async def test_a_second_plan_meanwhile_skips_what_the_first_is_still_asking_about(client, transport, tmp_path):
    """Keys are reserved from the start of a plan, not once its questions are answered: two plans at once
    never fetch one recording twice."""
    (recording,) = await listed(client, 1)
    (tmp_path / recording.key).write_bytes(OLD)
    downloader = Downloader(client)
    answer = asyncio.Event()
    asked: list[str] = []

    async def ask(rec: Recording, path: Path, left: int) -> ConflictAnswer | None:
        asked.append(rec.key)
        await answer.wait()
        return ConflictAnswer(Conflict.KEEP_BOTH)

    first = asyncio.create_task(downloader.plan([recording], tmp_path, ask))
    await eventually(lambda: asked)
    second = await asyncio.wait_for(downloader.plan([recording], tmp_path, ask), 5)
    assert asked == [recording.key]  # not asked twice
    assert second is not None and second[0].already and second[0].state is State.SKIPPED
    answer.set()
    planned = await asyncio.wait_for(first, 5)
    assert planned is not None
    await downloader.run(planned)
    await downloader.run(second)
    assert files(tmp_path) == sorted([recording.key, recording.key.replace(".wav", " (1).wav")])
    assert transport.downloads == 1


async def test_a_cancelled_plan_lets_go_of_its_recordings(client, transport, tmp_path):
    (recording,) = await listed(client, 1)
    (tmp_path / recording.key).write_bytes(OLD)
    downloader = Downloader(client)
    assert await downloader.plan([recording], tmp_path, answers(None)[0]) is None
    assert downloader.downloading() == set()
    ask, asked = answers(ConflictAnswer(Conflict.OVERWRITE))
    planned = await downloader.plan([recording], tmp_path, ask)
    assert planned is not None and planned[0].state is State.QUEUED and len(asked) == 1


async def test_a_name_another_download_will_write_is_asked_about(client, tmp_path):
    """Two recordings whose keys make one file name, in two batches: the second is asked about (the name is
    taken by a download planned, not yet written), never silently renamed."""
    (recording,) = await listed(client, 1)
    twin = recording.model_copy(update={"key": recording.key.replace(".wav", "?.wav")})  # "?" becomes "_"
    other = recording.model_copy(update={"key": recording.key.replace(".wav", "_.wav")})
    downloader = Downloader(client)
    planned = await downloader.plan([other], tmp_path, answers()[0])
    assert planned is not None
    ask, asked = answers(ConflictAnswer(Conflict.SKIP))
    second = await downloader.plan([twin], tmp_path, ask)
    assert asked == [(twin.key, planned[0].target.name, 0)]
    assert second is not None and second[0].state is State.SKIPPED and not second[0].already
    assert "already exists" in second[0].message


async def test_when_the_audit_log_cannot_be_written_downloads_and_deletes_go_ahead_and_say_so(client, http,
                                                                                              store, tmp_path):
    from console.audit import AuditLog

    (tmp_path / "audit.jsonl").mkdir()  # a folder where the log file should be: every write fails
    broken = AuditLog(tmp_path / "audit.jsonl", "test")
    first, second = await listed(client, 2)
    downloader = Downloader(client, broken)
    planned = await downloader.plan([first], tmp_path / "out", answers()[0])
    assert planned is not None
    await downloader.run(planned)
    assert planned[0].state is State.DONE and planned[0].message.startswith(
        "saved (the audit log could not be written: ")
    assert (tmp_path / "out" / first.key).read_bytes() == expected(store, first.key)
    (outcome,) = await delete_recordings(Gateway(client, broken), [second])
    assert outcome.gone and outcome.text.startswith(f"Deleted {second.key} (the audit log could not be written: ")
    stored = {r["key"] for r in (await http.get("/_sandbox/state")).json()["recordings"]}
    assert second.key not in stored


async def test_full_disk_is_worded_and_leaves_nothing(client, monkeypatch, tmp_path):
    (recording,) = await listed(client, 1)

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("api.download.os.fsync", full)
    downloader = Downloader(client)
    planned = await downloader.plan([recording], tmp_path, answers()[0])
    assert planned is not None
    await downloader.run(planned)
    assert planned[0].state is State.FAILED
    assert planned[0].message == f"Disk full: no room left in {tmp_path}; nothing was kept"
    assert files(tmp_path) == []


async def test_dropped_connection_is_worded_and_leaves_nothing(client, http, tmp_path):
    (recording,) = await listed(client, 1)
    fault = {"kind": "drop", "count": -1, "path": f"/calling/v1/recording/{recording.key}"}
    assert (await http.post("/_sandbox/faults", json=fault)).status_code == 201
    downloader = Downloader(client)
    planned = await downloader.plan([recording], tmp_path, answers()[0])
    assert planned is not None
    await downloader.run(planned)
    assert planned[0].state is State.FAILED
    assert planned[0].message == "Connection lost: the download stopped and nothing was kept"
    assert files(tmp_path) == []


async def test_a_deleted_recording_is_worded(client, tmp_path):
    (recording,) = await listed(client, 1)
    await client.recordings.delete(recording.key)
    planned = await Downloader(client).plan([recording], tmp_path, answers()[0])
    assert planned is not None
    await Downloader(client).run(planned)
    assert planned[0].message == "Not found (40400): the recording was already deleted"
    assert files(tmp_path) == []


async def test_drop_in_the_middle_of_the_body_over_loopback(tmp_path):
    """On a real socket the drop fault cuts the body after its first bytes: the temporary file was started,
    and is gone again."""
    with sandbox.start_sandbox_thread(scenario="empty", seed=3) as running:
        rec = running.sandbox.add_recording("f" * 32, running.sandbox.now(), seconds=2)
        async with httpx.AsyncClient(base_url=running.url) as admin:
            fault = {"kind": "drop", "count": -1, "path": f"/calling/v1/recording/{rec.key}"}
            assert (await admin.post("/_sandbox/faults", json=fault)).status_code == 201
        async with SinchVoiceClient(running.application_key, running.application_secret, base_url=running.url,
                                    retry_policy=RetryPolicy(sleep=no_sleep)) as client:
            (recording,) = await client.recordings.list(rec.created_on.replace(year=2000), rec.expires_on)
            downloader = Downloader(client)
            planned = await downloader.plan([recording], tmp_path, answers()[0])
            assert planned is not None
            await downloader.run(planned)
    assert planned[0].state is State.FAILED and planned[0].message.startswith("Connection lost")
    assert files(tmp_path) == []


# ---- deletes ---------------------------------------------------------------------------------------------

async def test_delete_many_audited_and_a_gone_one_worded(client, http, audit):
    recordings = await listed(client, 3)
    await client.recordings.delete(recordings[2].key)  # someone else was quicker
    outcomes = await delete_recordings(Gateway(client, audit), recordings)
    assert [o.gone for o in outcomes] == [True, True, True] and [o.already for o in outcomes] == [False, False, True]
    assert outcomes[2].text == "Not found (40400): the recording was already deleted"
    stored = {r["key"] for r in (await http.get("/_sandbox/state")).json()["recordings"]}
    assert not stored & {r.key for r in recordings}
    text, ok = summarize(outcomes)
    assert text == "Deleted 2 recordings, 1 already gone (40400)" and ok
    lines = [line for line in audit_lines(audit.path) if line["action"] == "delete_recording"]
    assert len(lines) == 6 and {line["message"] for line in lines if line["phase"] == "attempt"} == {
        r.key for r in recordings}
    assert sorted(line["outcome"] for line in lines if line["phase"] == "outcome") == ["failed", "ok", "ok"]
    assert next(line for line in lines if line["outcome"] == "failed")["error_code"] == 40400


async def test_delete_failure_is_reported_and_kept(client, http, audit):
    (recording,) = await listed(client, 1)
    fault = {"kind": "status", "status": 500, "count": -1, "path": f"/calling/v1/recording/{recording.key}"}
    assert (await http.post("/_sandbox/faults", json=fault)).status_code == 201
    (outcome,) = await delete_recordings(Gateway(client, audit), [recording])
    assert not outcome.gone and "50000" in outcome.text
    await http.delete("/_sandbox/faults")
    assert recording.key in {r["key"] for r in (await http.get("/_sandbox/state")).json()["recordings"]}


async def test_read_only_deletes_nothing_and_audits_the_refusal(client, http, audit):
    recordings = await listed(client, 2)
    outcomes = await delete_recordings(Gateway(client, audit, read_only=True), recordings)
    assert not any(o.gone for o in outcomes) and all(o.text == read_only_text("delete_recording") for o in outcomes)
    stored = {r["key"] for r in (await http.get("/_sandbox/state")).json()["recordings"]}
    assert {r.key for r in recordings} <= stored
    assert [(line["outcome"], line["call_id"]) for line in audit_lines(audit.path)] == [
        ("refused", r.headers["callId"]) for r in recordings]


@pytest.mark.parametrize(("count", "shown"), [(1, ["k0"]), (5, ["k0", "k1", "k2", "k3", "k4"]),
                                              (8, ["k0", "k1", "k2", "k3", "k4", "and 3 more"])])
def test_name_some(count, shown):
    assert name_some([f"k{i}" for i in range(count)]) == shown


def test_overall_in_files_when_a_size_is_unknown():
    rec = Recording(key="a")
    items = [Download(rec, Path("a"), total=None, state=State.DONE), Download(rec, Path("b"), total=100, done=50,
                                                                              state=State.RUNNING)]
    assert overall(items) == (1.5, 2.0)


async def test_progress_reports_are_spaced_but_the_first_and_last_always_come(client, store, tmp_path, monkeypatch):
    monkeypatch.setattr(downloads_module, "PROGRESS_EVERY", 3600.0)  # nothing in between can be due
    [recording] = await listed(client, 1)
    reports: list[int] = []
    downloader = Downloader(client, on_change=lambda d: reports.append(d.done) if d.state is State.RUNNING else None)
    planned = await downloader.plan([recording], tmp_path, answers()[0])
    assert planned is not None
    await downloader.run(planned)
    size = len(expected(store, recording.key))
    assert size > 2 * 64 * 1024  # several pieces: reports in between would have been possible
    assert reports[0] == 0 and reports[-1] == size and all(r in (0, size) for r in reports)
