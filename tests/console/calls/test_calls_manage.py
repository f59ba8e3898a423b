"""Manage call against sandbox state: hang up, say, play, record start/stop; SVAML builders; refusals; audit."""

from __future__ import annotations

import json

import pytest
from calls_helpers import START, advance, state

from api.models.svaml import svaml_adapter
from console.audit import AuditLog, read_entries
from console.calls import (
    audit_action,
    hangup_svaml,
    parse_prompts,
    play_svaml,
    recording_options,
    render_svaml,
    say_svaml,
    start_recording_svaml,
    stop_recording_svaml,
)
from console.calls.manage import manage
from console.gateway import Gateway, read_only_text

NUMBER = "+46701234567"


async def live_call(client, http) -> str:
    call_id = await client.callouts.conference(NUMBER, conference_id="standup")
    await advance(http, 3)
    assert (await client.calls.get(call_id)).status == "ONGOING"
    return call_id


async def test_hangup_ends_the_call(client, http, audit: AuditLog) -> None:
    call_id = await live_call(client, http)
    outcome = await manage(Gateway(client, audit), call_id, hangup_svaml(), who="+46 70 123 45 67")
    assert outcome.ok and outcome.text == "Hung up +46 70 123 45 67"
    result = await client.calls.get(call_id)
    assert (result.status, result.reason) == ("FINAL", "MANAGERHANGUP")
    entries = read_entries(audit.path)
    assert [(e.action, e.phase, e.outcome) for e in entries] == [("call_hangup", "attempt", None),
                                                                  ("call_hangup", "outcome", "ok")]
    assert entries[0].call_id == call_id and json.loads(entries[0].message)["action"] == {"name": "hangup"}


async def test_hangup_of_an_ended_call_is_worded(client, http, audit: AuditLog) -> None:
    call_id = await live_call(client, http)
    await manage(Gateway(client, audit), call_id, hangup_svaml())
    outcome = await manage(Gateway(client, audit), call_id, hangup_svaml())
    assert not outcome.ok and outcome.text.startswith(f"Hang up {call_id}: Call is not ongoing (40003)")
    assert outcome.error_code == 40003
    assert read_entries(audit.path)[-1].outcome == "failed"


async def test_unknown_call_is_worded(client, audit: AuditLog) -> None:
    outcome = await manage(Gateway(client, audit), "nope", hangup_svaml())
    assert not outcome.ok and outcome.text.startswith("Hang up nope: Call not found (40400)")


async def test_say_extends_a_tts_call(client, http, audit: AuditLog) -> None:
    call_id = await client.callouts.tts(NUMBER, text="Hello, this is short.")  # ~1.4 s of speech
    await advance(http, 2.5)
    outcome = await manage(Gateway(client, audit), call_id, say_svaml("x" * 150, "en-US"))  # 10 s more
    assert outcome.ok and outcome.text.startswith("Said 150 characters")
    await advance(http, 5)
    assert (await client.calls.get(call_id)).status == "ONGOING"  # would have ended without the say
    await advance(http, 10)
    assert (await client.calls.get(call_id)).status == "FINAL"
    assert read_entries(audit.path)[0].action == "call_say"


async def test_play_files(client, http, audit: AuditLog) -> None:
    call_id = await live_call(client, http)
    outcome = await manage(Gateway(client, audit), call_id, play_svaml("welcome;#tts[Hi; there]"))
    assert outcome.ok and outcome.text.startswith("Played 2 prompts"), outcome.text
    assert read_entries(audit.path)[0].action == "call_play"


async def test_record_start_and_stop_create_a_recording(client, http, audit: AuditLog) -> None:
    call_id = await live_call(client, http)
    options = recording_options("s3://bucket", "key:secret:eu-central-1", "mp3", True)
    started = await manage(Gateway(client, audit), call_id, start_recording_svaml(options))
    assert started.ok and started.text.startswith("Recording started")
    await advance(http, 4)
    stopped = await manage(Gateway(client, audit), call_id, stop_recording_svaml())
    assert stopped.ok and stopped.text.startswith("Recording stopped")
    recordings = (await state(http))["recordings"]
    assert [r for r in recordings if r.get("callId") == call_id or call_id in json.dumps(r)]
    actions = [e.action for e in read_entries(audit.path)]
    assert actions == ["call_record_start", "call_record_start", "call_record_stop", "call_record_stop"]
    assert "secret" not in audit.path.read_text()  # credentials never reach the log


async def test_read_only_refuses(client, http, audit: AuditLog) -> None:
    call_id = await live_call(client, http)
    outcome = await manage(Gateway(client, audit, read_only=True), call_id, hangup_svaml(), who="+46 70")
    assert not outcome.ok and outcome.text == read_only_text("call_hangup")
    assert (await client.calls.get(call_id)).status == "ONGOING"
    [entry] = read_entries(audit.path)
    assert (entry.action, entry.outcome) == ("call_hangup", "refused")


async def test_manage_never_raises(client, audit: AuditLog) -> None:
    class Broken:
        class calls:
            @staticmethod
            async def manage(*args, **kwargs):
                raise RuntimeError("boom")

    outcome = await manage(Gateway(Broken(), audit), "c", hangup_svaml())
    assert not outcome.ok and "boom" in outcome.text


def test_builders_make_the_spec_shapes() -> None:
    # the preview is the body the client sends (it always carries the instructions list)
    assert json.loads(render_svaml(hangup_svaml())) == {"instructions": [], "action": {"name": "hangup"}}
    assert json.loads(render_svaml(stop_recording_svaml())) == {"instructions": [], "action": {"name": "stopRecording"}}
    options = recording_options("s3://my-s3-bucket", "xyz:wrt:eu-central-1", "mp3", True)
    body = start_recording_svaml(options).to_wire()
    assert body == {"action": {"name": "startRecording", "recordingOptions": {
        "destinationUrl": "s3://my-s3-bucket", "credentials": "xyz:wrt:eu-central-1", "format": "mp3",
        "notificationEvents": True}}, "instructions": []}
    assert "xyz" not in render_svaml(start_recording_svaml(options))
    say = say_svaml("Hello", "sv-SE", hang_up=True).to_wire()
    assert say["instructions"] == [{"name": "say", "text": "Hello", "locale": "sv-SE"}]
    assert say["action"] == {"name": "hangup"}
    assert say_svaml("Hi").to_wire()["action"] == {"name": "continue"}
    svaml_adapter.validate_python(say)  # round-trips through the wire model


def test_builders_refuse_in_words() -> None:
    with pytest.raises(ValueError, match="601 characters"):
        say_svaml("x" * 601)
    with pytest.raises(ValueError, match="type the text"):
        say_svaml("   ")
    with pytest.raises(ValueError, match="unknown locale"):
        say_svaml("hi", "xx-XX")
    with pytest.raises(ValueError, match="at least one prompt"):
        play_svaml(" ; ")
    with pytest.raises(ValueError, match="format"):
        recording_options(format="ogg")
    with pytest.raises(ValueError, match="scheme"):
        recording_options("bucket")
    assert recording_options() is None


def test_parse_prompts() -> None:
    assert parse_prompts("welcome;#tts[Hello; world, you], bye") == ["welcome", "#tts[Hello; world, you]", "bye"]
    assert parse_prompts("") == []


def test_audit_action_names() -> None:
    assert audit_action(hangup_svaml()) == "call_hangup"
    assert audit_action(say_svaml("hi", hang_up=True)) == "call_say"
    assert audit_action(play_svaml("a")) == "call_play"
    assert audit_action(start_recording_svaml()) == "call_record_start"
    assert audit_action(stop_recording_svaml()) == "call_record_stop"


def test_start() -> None:
    assert START.tzinfo is not None
