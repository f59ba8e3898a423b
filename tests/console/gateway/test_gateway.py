"""The gateway alone: refusal before sending, pre-flight restricted check, audit lines, outcome words."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from api.errors import NotFoundError, OutcomeUnknownError
from console.audit import AuditLog
from console.gateway import Gateway, read_only_text, restricted_text
from console.gateway.wording import MAY_HAVE_HAPPENED


class FakeClient:
    """Counts what is sent; query number answers from `restricted`."""

    def __init__(self, restricted: set[str] | None = None) -> None:
        self.restricted = restricted or set()
        self.queries: list[str] = []

    async def query_number(self, number: str) -> Any:
        self.queries.append(number)
        return SimpleNamespace(restricted=number in self.restricted, normalized_number=number)


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


async def test_read_only_refuses_every_change_before_sending_and_audits_it(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    sent: list[str] = []

    async def send() -> None:
        sent.append("mute")

    change = await Gateway(FakeClient(), audit, read_only=True).change("mute", send, done=lambda _: "Muted",
                                                                        room="standup", call_id="c-1")
    assert change.refused and not sent
    assert change.text == read_only_text("mute") == "Read-only profile: mute refused; nothing was sent"
    (line,) = lines(tmp_path / "audit.jsonl")
    assert (line["action"], line["outcome"], line["message"]) == ("mute", "refused", change.text)


async def test_a_change_is_audited_before_and_after_and_worded(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")

    async def send() -> str:
        assert [line["phase"] for line in lines(tmp_path / "audit.jsonl")] == ["attempt"]
        return "c-9"

    change = await Gateway(FakeClient(), audit).change("callout", send, done=lambda call_id: f"Placed: {call_id}",
                                                       describe=lambda call_id: f"callId {call_id}")
    assert (change.status, change.text, change.value) == ("done", "Placed: c-9", "c-9")
    attempt, outcome = lines(tmp_path / "audit.jsonl")
    assert (outcome["phase"], outcome["outcome"], outcome["message"], outcome["id"]) == (
        "outcome", "ok", "callId c-9", attempt["id"])


async def test_failed_and_unknown_are_told_apart(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    gateway = Gateway(FakeClient(), audit)

    async def missing() -> None:
        raise NotFoundError("Participant not found", status=404, error_code=40400)

    async def unanswered() -> None:
        raise OutcomeUnknownError("no answer", method="POST", path="/calling/v1/callouts", timed_out=True)

    failed = await gateway.change("kick", missing, done=lambda _: "Kicked")
    unknown = await gateway.change("callout", unanswered, done=lambda _: "Placed")
    assert failed.status == "failed" and failed.error_code == 40400 and "40400" in failed.text
    assert unknown.status == "unknown" and unknown.text == f"Callout: {MAY_HAVE_HAPPENED}"  # never "failed"
    outcomes = [line["outcome"] for line in lines(tmp_path / "audit.jsonl") if line["phase"] == "outcome"]
    assert outcomes == ["failed", "unknown"]


async def test_a_restricted_destination_is_refused_once_looked_up() -> None:
    client = FakeClient(restricted={"+46708886666"})
    gateway = Gateway(client)
    assert await gateway.callout_refusal("+46708886666") == restricted_text("+46708886666")
    assert await gateway.callout_refusal("+46708886666") == restricted_text("+46708886666")
    assert await gateway.callout_refusal("+46708168731") is None
    assert client.queries == ["+46708886666", "+46708168731"]  # one query per destination
    assert await gateway.callout_refusal("+46700000000", restricted=True) == restricted_text("+46700000000")


async def test_a_failed_lookup_refuses_nothing() -> None:
    class Down(FakeClient):
        async def query_number(self, number: str) -> Any:
            raise ConnectionError("down")

    assert await Gateway(Down()).callout_refusal("+33142685300") is None


async def test_read_only_refuses_a_callout_before_any_lookup() -> None:
    client = FakeClient()
    assert await Gateway(client, read_only=True).callout_refusal("+46708168731") == read_only_text("callout")
    assert client.queries == []


@pytest.mark.parametrize("action", ["mute", "kick_all", "callout", "call_hangup", "delete_recording",
                                    "assign_number", "unassign_number", "update_callbacks"])
def test_read_only_refuses_each_kind_of_change(action: str) -> None:
    assert Gateway(None, read_only=True).refuses(action)
    assert not Gateway(None).refuses(action)
    assert not Gateway(None, read_only=True).refuses("download_recording")  # a read


def test_the_gateway_is_headless() -> None:
    import subprocess
    import sys

    code = "import sys, console.gateway; sys.exit('textual' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
