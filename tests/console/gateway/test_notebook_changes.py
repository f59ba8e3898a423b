"""NotebookChanges on a SyncSinchVoiceClient against a sandbox on 127.0.0.1: changes really happen, worded as
the console words them, and the audit log (when asked for) gets its two lines per change."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from api import SyncSinchVoiceClient
from console.audit import read_entries
from console.notebook_changes import NotebookChanges
from sandbox import server


@pytest.fixture(scope="module")
def running() -> Iterator[server.RunningSandbox]:
    with server.start_sandbox_thread(seed=5) as sandbox:
        yield sandbox


@pytest.fixture
def client(running: server.RunningSandbox) -> Iterator[SyncSinchVoiceClient]:
    with SyncSinchVoiceClient(running.application_key, running.application_secret, base_url=running.url) as sync:
        yield sync


def test_mute_and_a_callout_go_through_and_are_audited(client: SyncSinchVoiceClient,
                                                       running: server.RunningSandbox, tmp_path: Path) -> None:
    room = running.rooms[0]
    changes = NotebookChanges(client, audit_path=tmp_path / "audit.jsonl")
    person = next(p for p in client.conferences.get(room).participants if not p.muted)
    muted = changes.mute(room, person.call_id)
    assert muted.ok and muted.text.startswith("Muted ")
    assert next(p for p in client.conferences.get(room).participants if p.call_id == person.call_id).muted
    placed = changes.callout_tts("+46708168731", "Hello from a notebook")
    assert placed.status == "placed" and placed.call_id and placed.call_id in placed.text
    assert [(e.action, e.phase) for e in read_entries(tmp_path / "audit.jsonl")] == [
        ("mute", "attempt"), ("mute", "outcome"), ("callout", "attempt"), ("callout", "outcome")]


def test_a_form_problem_is_raised_before_anything_is_sent(client: SyncSinchVoiceClient) -> None:
    with pytest.raises(ValueError, match="not sent"):
        NotebookChanges(client).callout_tts("not a number", "Hello")
