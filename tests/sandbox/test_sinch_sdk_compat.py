"""The official sinch==1.1.4 SDK, unchanged, against the sandbox on loopback: every voice method it has.

The SDK is synchronous (requests); it runs in the test thread while uvicorn serves from its own thread.
Known SDK quirks the sandbox accommodates: it signs GETs with a Content-Type, uses `+00:00` timestamps,
unpacks participants with exactly five keys, reads `message` from errors and `number` from query number,
and crashes on any non-empty `from` in a call result (so calls placed without a cli carry no `from`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest

sinch = pytest.importorskip("sinch")

from sinch import SinchClient  # noqa: E402
from sinch.domains.voice.exceptions import VoiceException  # noqa: E402
from sinch.domains.voice.models.svaml.actions.actions import ConnectConfAction, HangupAction  # noqa: E402
from sinch.domains.voice.models.svaml.instructions.instructions import (  # noqa: E402
    SayInstruction,
    StartRecordingInstruction,
    StopRecordingInstruction,
)

from sandbox import RunningSandbox, start_sandbox_thread  # noqa: E402

CALL_ID = re.compile(r"^[0-9a-f]{32}$")
CALLEE = {"type": "number", "endpoint": "+46730170101"}


@pytest.fixture(scope="module")
def running() -> Iterator[RunningSandbox]:
    with start_sandbox_thread(scenario="empty", seed=7, ring_seconds=0) as running:
        yield running


@pytest.fixture(scope="module")
def client(running: RunningSandbox) -> SinchClient:
    return _client(running, running.application_secret)


def _client(running: RunningSandbox, secret: str) -> SinchClient:
    client = SinchClient(application_key=running.application_key, application_secret=secret)
    client.configuration.disable_https = True
    client.configuration.voice_origin = f"127.0.0.1:{running.port}"
    client.configuration.voice_applications_origin = f"127.0.0.1:{running.port}"
    client.configuration.transport.http_session.trust_env = False  # never a proxy: loopback only
    return client


def test_tts_callout_and_call_result(client: SinchClient, running: RunningSandbox) -> None:
    out = client.voice.callouts.text_to_speech(destination=CALLEE, text="Hello from the sandbox. " * 6, locale="en-US",
                                               enable_dice=True, custom="order-42")
    assert CALL_ID.match(out.call_id)
    call = running.sandbox.calls[out.call_id]
    assert call.kind == "tts" and call.to == CALLEE

    result = client.voice.calls.get(out.call_id)
    assert result.call_id == out.call_id
    assert result.status == "ONGOING"  # answered at once (ring_seconds=0), speaking for ~9 s
    assert result.to == CALLEE and result.domain == "pstn" and result.custom == "order-42"
    assert result.user_rate.currency_id == "USD" and result.user_rate.amount == pytest.approx(0.0368)
    assert result.timestamp.tzinfo is not None


def test_conference_callout_and_conference_moderation(client: SinchClient, running: RunningSandbox) -> None:
    first = client.voice.callouts.conference(destination=CALLEE, conference_id="sdk-room", enable_ace=False)
    second = client.voice.conferences.call(destination={"type": "number", "endpoint": "+447700900123"},
                                           conference_id="sdk-room", greeting="Welcome", locale="en-GB")
    room = running.sandbox.conferences["sdk-room"]
    assert set(room.participants) == {first.call_id, second.call_id}

    info = client.voice.conferences.get("sdk-room")
    assert {p.id for p in info.participants} == {first.call_id, second.call_id}
    assert {p.cli for p in info.participants} == {"+46730170101", "+447700900123"}
    assert all(p.muted is False and p.onhold is False for p in info.participants)

    client.voice.conferences.manage_participant(call_id=first.call_id, conference_id="sdk-room", command="mute")
    assert room.participants[first.call_id].muted is True
    assert next(p for p in client.voice.conferences.get("sdk-room").participants if p.id == first.call_id).muted
    client.voice.conferences.manage_participant(call_id=first.call_id, conference_id="sdk-room", command="unmute")
    assert room.participants[first.call_id].muted is False

    client.voice.conferences.kick_participant(call_id=first.call_id, conference_id="sdk-room")
    assert first.call_id not in room.participants
    kicked = running.sandbox.calls[first.call_id]
    assert (kicked.status, kicked.result, kicked.reason) == ("FINAL", "ANSWERED", "MANAGERHANGUP")

    client.voice.conferences.kick_all("sdk-room")
    assert "sdk-room" not in running.sandbox.conferences
    with pytest.raises(VoiceException) as caught:
        client.voice.conferences.get("sdk-room")
    assert caught.value.response_status_code == 404
    assert "Conference not found" in str(caught.value)


def test_custom_callout_with_inline_svaml(client: SinchClient, running: RunningSandbox) -> None:
    ice = json.dumps({"action": {"name": "connectPstn", "number": "+46730170102", "cli": "+46850512345"}})
    ace = json.dumps({"instructions": [{"name": "say", "text": "Joining you now", "locale": "en-US"}],
                      "action": {"name": "connectConf", "conferenceId": "custom-room"}})
    out = client.voice.callouts.custom(ice=ice, ace=ace, custom="c-1", max_duration=600)
    call = running.sandbox.calls[out.call_id]
    assert call.to["endpoint"] == "+46730170102" and call.cli == "+46850512345"
    assert out.call_id in running.sandbox.conferences["custom-room"].participants
    client.voice.conferences.kick_all("custom-room")


def test_update_call_records_and_hangs_up(client: SinchClient, running: RunningSandbox) -> None:
    call_id = client.voice.callouts.conference(destination=CALLEE, conference_id="rec-room").call_id
    before = len(running.sandbox.recordings.items)
    client.voice.calls.update(call_id, instructions=[StartRecordingInstruction()], action=ConnectConfAction(
        conference_id="rec-room"))
    assert running.sandbox.calls[call_id].recording_since is not None
    client.voice.calls.update(call_id, instructions=[SayInstruction(text="This call was recorded"),
                                                     StopRecordingInstruction()], action=None)
    assert len(running.sandbox.recordings.items) == before + 1
    client.voice.calls.update(call_id, instructions=[], action=HangupAction())
    call = running.sandbox.calls[call_id]
    assert (call.status, call.reason) == ("FINAL", "MANAGERHANGUP")
    assert client.voice.calls.get(call_id).status == "FINAL"


def test_manage_with_call_leg(client: SinchClient, running: RunningSandbox) -> None:
    call_id = client.voice.callouts.conference(destination=CALLEE, conference_id="leg-room").call_id
    client.voice.calls.manage_with_call_leg(call_id, "callee", instructions=[], action=HangupAction())
    assert running.sandbox.calls[call_id].reason == "MANAGERHANGUP"
    with pytest.raises(VoiceException) as caught:
        client.voice.calls.manage_with_call_leg("0" * 32, "callee", instructions=[], action=HangupAction())
    assert caught.value.response_status_code == 404 and "Call not found" in str(caught.value)


def test_numbers(client: SinchClient, running: RunningSandbox) -> None:
    numbers = client.voice.applications.get_numbers().numbers
    assert {n.number for n in numbers} >= {"+46850512345", "+14155550132"}
    us = next(n for n in numbers if n.number == "+14155550132")
    assert us.applicationkey is None and us.capability == "voice"

    client.voice.applications.assign_numbers(["+14155550132"])  # no key: the signer's application
    assert running.sandbox.numbers.items["+14155550132"].application_key == running.application_key
    client.voice.applications.unassign_number("+14155550132", application_key=running.application_key,
                                              capability="voice")
    assert running.sandbox.numbers.items["+14155550132"].application_key is None
    client.voice.applications.assign_numbers(["+4930901820"], application_key=running.application_key,
                                             capability="voice")
    assert running.sandbox.numbers.items["+4930901820"].application_key == running.application_key
    with pytest.raises(VoiceException) as caught:
        client.voice.applications.assign_numbers(["+15005550006"])
    assert caught.value.response_status_code == 400


def test_callback_urls(client: SinchClient, running: RunningSandbox) -> None:
    key = running.application_key
    client.voice.applications.update_callback_urls(key, primary="https://example.com/sinch",
                                                   fallback="https://backup.example.com/sinch")
    assert running.sandbox.callbacks.get(key) == {"primary": "https://example.com/sinch",
                                                  "fallback": "https://backup.example.com/sinch"}
    urls = client.voice.applications.get_callback_urls(key)
    assert (urls.primary, urls.fallback) == ("https://example.com/sinch", "https://backup.example.com/sinch")
    with pytest.raises(VoiceException) as caught:
        client.voice.applications.get_callback_urls("another-application")
    assert caught.value.response_status_code == 403


def test_query_number(client: SinchClient) -> None:
    info = client.voice.applications.query_number("+46730170101")
    assert (info.country_id, info.number_type, info.normalized_number, info.restricted) == (
        "SE", "Mobile", "+46730170101", False)
    assert info.rate == {"currencyId": "USD", "amount": 0.0368}
    assert client.voice.applications.query_number("+19005550123").restricted is True
    assert client.voice.applications.query_number("+46(0)73-017-0101").normalized_number == "+46730170101"
    with pytest.raises(VoiceException) as caught:
        client.voice.applications.query_number("not-a-number")
    assert caught.value.response_status_code == 400 and "Invalid number" in str(caught.value)


def test_wrong_secret_is_refused_with_sinch_error(running: RunningSandbox) -> None:
    intruder = _client(running, "d3Jvbmctc2VjcmV0LTE2Yg==")
    with pytest.raises(VoiceException) as caught:
        intruder.voice.applications.get_numbers()
    assert caught.value.response_status_code == 401 and "Invalid credentials" in str(caught.value)


def test_validation_errors_reach_the_sdk(client: SinchClient) -> None:
    with pytest.raises(VoiceException) as caught:
        client.voice.callouts.text_to_speech(destination=CALLEE, text="x" * 601)
    assert caught.value.response_status_code == 400 and "text" in str(caught.value)
