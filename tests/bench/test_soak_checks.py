"""The soak's counters must be able to count: each is shown a case it has to catch and one it must let pass."""

from __future__ import annotations

import asyncio
import base64
import logging
import sys
from pathlib import Path

import httpx
import pytest
from soak_checks import (
    CalloutLedger,
    ExceptionCounter,
    Sightings,
    WorkerWatch,
    duplicate_callouts,
    secret_needles,
    secrets_in_files,
    unknown_placed,
    written_files,
)
from soak_sandbox import RandomFaults
from textual.app import App
from waiting import eventually

from api import SinchVoiceClient
from sandbox import create_app
from sandbox.faults import DroppedConnection

KEY = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
RAW = bytes(range(7, 39))  # 32 bytes: no accidental match in the text files below
SECRET = base64.b64encode(RAW).decode()
TOKEN = "relay-token-" + "x7Yq" * 8


def scan(tmp_path: Path, contents: dict[str, bytes]) -> tuple[int, list[str], int]:
    for name, data in contents.items():
        (tmp_path / name).write_bytes(data)
    return secrets_in_files(written_files([tmp_path], skip=set()), secret_needles(KEY, SECRET, TOKEN))


def test_every_kind_of_secret_is_found_and_counted_once_per_place(tmp_path: Path) -> None:
    found, evidence, searched = scan(tmp_path, {
        "secret.txt": f"secret={SECRET}\n".encode(),
        "raw.bin": b"\x00header" + RAW + b"trailer",
        "token.log": f"subscriber token {TOKEN}\n".encode(),
        "signed.jsonl": f'{{"authorization": "Application {KEY}:{"Ab+/" * 11}="}}\n'.encode(),
    })
    assert searched == 4
    labels = sorted(line.rsplit(": ", 1)[1] for line in evidence)
    assert labels == ["application secret", "application secret (decoded bytes)", "relay token",
                      "signed Authorization value, Authorization header value"]
    assert found == 4  # one place per file: the signed header line matches two needles
    assert all(SECRET not in line and TOKEN not in line for line in evidence)  # evidence never repeats them


def test_redacted_headers_and_other_files_are_not_secrets(tmp_path: Path) -> None:
    found, evidence, searched = scan(tmp_path, {
        "audit.jsonl": f'{{"authorization": "Application {KEY}:***", "key": "{KEY}"}}\n'.encode(),
        "relay.log": b"DEBUG:    < authorization: Bearer ***\n",
        "recording.wav": b"RIFF" + bytes((i * 97) % 256 for i in range(16384)),  # audio-like, no secret
    })
    assert (found, evidence, searched) == (0, [], 3)


def test_a_file_left_out_is_not_searched(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'relay_token = "{TOKEN}"\n')
    assert written_files([tmp_path], skip={config.resolve()}) == []


def test_a_second_call_for_one_form_is_a_duplicate() -> None:
    ledger = CalloutLedger()
    ledger.sent("+46707000001", "failed")
    ledger.sent("+46707000001", "placed")
    ledger.sent("+46707000002", "failed")
    ledger.sent("+46707000002", "placed")
    calls = {
        "a": {"to": {"endpoint": "+46707000001"}, "custom": None},
        "b": {"to": {"endpoint": "+46707000001"}, "custom": None},  # the failed send had in fact been placed
        "c": {"to": {"endpoint": "+46707000002"}, "custom": None},  # the failed send really was not placed
        "d": {"to": {"endpoint": "+46708168731"}, "custom": None},  # not the operator's: the demo's own
    }
    count, evidence = duplicate_callouts(calls, ledger)
    assert count == 1
    assert evidence == ["+46707000001: 2 calls placed, console said ['failed', 'placed']"]


def test_unknown_outcomes_are_checked_against_what_the_platform_placed() -> None:
    ledger = CalloutLedger()
    ledger.sent("+46707000004", "unknown")  # placed after all
    ledger.sent("+46707000005", "unknown")  # never reached the platform
    ledger.sent("+46707000006", "placed")
    calls = {"a": {"to": {"endpoint": "+46707000004"}}, "b": {"to": {"endpoint": "+46707000006"}}}
    assert unknown_placed(calls, ledger) == (2, 1)


def test_one_request_sent_twice_shows_as_a_shared_correlation_id() -> None:
    ledger = CalloutLedger()
    ledger.sent("+46707000003", "placed")
    calls = {cid: {"to": {"endpoint": "+46707000003"}, "custom": "corr-1"} for cid in ("a", "b")}
    count, evidence = duplicate_callouts(calls, ledger)
    assert count == 1
    assert "correlation 'corr-1': 2 calls" in evidence


async def test_a_drop_after_the_platform_acted_places_the_call_and_loses_the_answer() -> None:
    inner = create_app(scenario="empty", seed=3)
    faulty = RandomFaults(inner, seed=5, error_rate=0.0, drop_rate=1.0)
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=faulty), base_url="http://sandbox")
    sb = inner.state.sandbox
    client = SinchVoiceClient(application_key=sb.application_key,
                              application_secret=sb.applications[sb.application_key],
                              base_url="http://sandbox", http_client=http, max_retries=0)
    try:
        for n in range(8):
            with pytest.raises((httpx.TransportError, DroppedConnection, Exception)):
                await client.callouts.tts(f"+4670700{n:04d}", text="hello")
    finally:
        await http.aclose()
    placed = (await asyncio.to_thread(sb.snapshot))["calls"]
    assert faulty.counts["requests"] == 8
    assert 0 < faulty.counts["drops_after"] < 8  # the seed gives both kinds
    assert len(placed) == faulty.counts["drops_after"]


async def test_a_failed_worker_is_counted_with_its_error() -> None:
    async def broken() -> None:
        raise ValueError("the soak must see this")

    app: App[None] = App()
    async with app.run_test() as pilot:
        watch = WorkerWatch(app)
        app.run_worker(broken(), name="broken", exit_on_error=False)
        app.run_worker(asyncio.sleep(0), name="fine", exit_on_error=False)
        await eventually(lambda: watch.finished >= 2, pilot)
        watch.scan()
    assert len(watch) == 1
    assert "the soak must see this" in next(iter(watch.failed.values()))


async def test_exceptions_reach_the_counter_from_the_loop_and_the_log_and_the_hooks_go_back() -> None:
    counter = ExceptionCounter()
    before = sys.excepthook
    counter.install(asyncio.get_running_loop())
    try:
        asyncio.get_running_loop().call_soon(lambda: 1 / 0)
        await asyncio.sleep(0.01)
        try:
            raise KeyError("logged")
        except KeyError:
            logging.getLogger("soak-test").exception("caught and logged")
        logging.getLogger("soak-test").error("an error without a traceback is not an exception")
    finally:
        counter.uninstall()
    assert len(counter) == 2
    assert "ZeroDivisionError" in counter.found[0] and "KeyError" in counter.found[1]
    assert sys.excepthook is before


async def test_error_notifications_are_counted_with_their_wording_and_ids_masked() -> None:
    app: App[None] = App()
    async with app.run_test() as pilot:
        sightings = Sightings(app, lambda: 1)
        app.notify("Could not mute +46707000004: Not found (40400)", severity="error")
        app.notify("Could not mute +46707000005: Not found (40400)", severity="error")
        app.notify("Muted", severity="information")
        await pilot.pause()
    assert sightings.severities == {"error": 2, "information": 1}
    assert sightings.error_words == {"Could not mute …: Not found (40400)": 2}


async def test_a_drop_before_the_platform_acted_places_nothing_and_breaks_the_connection() -> None:
    inner = create_app(scenario="empty", seed=3)
    faulty = RandomFaults(inner, seed=5, error_rate=0.0, drop_rate=1.0)
    faulty._draw = lambda: ("drop", 0)  # type: ignore[method-assign]  # only the "before" kind
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=faulty), base_url="http://sandbox")
    try:
        with pytest.raises(httpx.RemoteProtocolError):  # the sandbox's own drop, not an error of ours
            await http.post("/calling/v1/callouts", json={})
    finally:
        await http.aclose()
    assert (await asyncio.to_thread(inner.state.sandbox.snapshot))["calls"] == {}
