"""Callouts and calls: the lifecycle over virtual time, outcomes by destination, debit, manage call."""

from __future__ import annotations

import json

import pytest
from sandbox_helpers import Api, assert_error, conference_callout, make_app, tts

from sandbox import Sandbox


async def call(api: Api, call_id: str) -> dict:
    response = await api.get(f"/calling/v1/calls/id/{call_id}")
    assert response.status_code == 200, response.text
    return response.json()


async def test_tts_call_lifecycle(api: Api) -> None:
    call_id = await tts(api, text="x" * 150)  # 150 characters: ten seconds of speech
    first = await call(api, call_id)
    assert (first["status"], first["result"], first["reason"]) == ("INITIATED", "N/A", "N/A")
    assert first["to"] == {"type": "number", "endpoint": "+46730170101"}
    assert first["timestamp"] == "2026-01-05T09:00:00.000Z" and "from" not in first
    await api.advance(1)
    assert (await call(api, call_id))["status"] == "RINGING"
    await api.advance(1)
    ongoing = await call(api, call_id)
    assert (ongoing["status"], ongoing["duration"]) == ("ONGOING", 0)
    await api.advance(6)
    assert (await call(api, call_id))["duration"] == 6
    await api.advance(10)
    final = await call(api, call_id)
    assert (final["status"], final["result"], final["reason"], final["duration"]) == (
        "FINAL", "ANSWERED", "CALLERHANGUP", 10)
    assert final["userRate"] == {"currencyId": "USD", "amount": 0.0368}
    assert final["debit"] == {"currencyId": "USD", "amount": 0.0368}  # one started minute


async def test_debit_is_per_started_minute(api: Api) -> None:
    call_id = await conference_callout(api, "long", endpoint="+14155552671", cli="+46850512345")
    await api.advance(2 + 125)
    await api.delete(f"/calling/v1/conferences/id/long/{call_id}")
    final = await call(api, call_id)
    assert final["duration"] == 125 and final["debit"]["amount"] == pytest.approx(0.0085 * 3)
    assert final["from"] == {"type": "number", "endpoint": "+46850512345"}


@pytest.mark.parametrize(("endpoint", "wait", "result", "reason"), [
    ("+442079460000", 2, "BUSY", "N/A"),
    ("+46730179999", 30, "NOANSWER", "TIMEOUT"),
    ("+46730176666", 0, "FAILED", "BLOCKED"),
])
async def test_demo_destinations(api: Api, endpoint: str, wait: int, result: str, reason: str) -> None:
    call_id = await tts(api, endpoint=endpoint)
    if wait:
        await api.advance(wait - 0.5)
        assert (await call(api, call_id))["status"] != "FINAL"
        await api.advance(0.5)
    final = await call(api, call_id)
    assert (final["status"], final["result"], final["reason"], final["duration"]) == ("FINAL", result, reason, 0)
    assert final["debit"]["amount"] == 0


async def test_ring_seconds_zero_answers_at_once() -> None:
    import httpx

    app = make_app(ring_seconds=0)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox") as http:
        api = Api(http)
        call_id = await conference_callout(api, "now")
        assert (await call(api, call_id))["status"] == "ONGOING"
        assert (await api.get("/calling/v1/conferences/id/now")).json()["participants"][0]["id"] == call_id


async def test_v1_prefix_serves_traffic_too(api: Api) -> None:
    call_id = await tts(api)
    assert (await api.get(f"/v1/calls/id/{call_id}")).status_code == 200


async def test_unknown_call(api: Api) -> None:
    assert_error(await api.get("/calling/v1/calls/id/" + "0" * 32), 404, 40400, "Call not found")


@pytest.mark.parametrize(("body", "status", "code", "words"), [
    ({"method": "ttsCallout", "ttsCallout": {"destination": {"type": "number", "endpoint": "+46730170101"},
                                             "text": "x" * 601}}, 400, 40001, "ttsCallout.text"),
    ({"method": "ttsCallout", "ttsCallout": {"destination": {"type": "number", "endpoint": "+46730170101"},
                                             "text": "hi", "dtmf": "12a"}}, 400, 40001, "ttsCallout.dtmf"),
    ({"method": "ttsCallout", "ttsCallout": {"destination": {"type": "number", "endpoint": "+46730170101"},
                                             "text": "hi", "locale": "xx-XX"}}, 400, 40001, "locale"),
    ({"method": "ttsCallout", "ttsCallout": {"destination": {"type": "number", "endpoint": "12"},
                                             "text": "hi"}}, 400, 40001, "destination"),
    ({"method": "ttsCallout", "ttsCallout": {"text": "hi"}}, 400, 40002, "ttsCallout.destination"),
    ({"method": "conferenceCallout", "conferenceCallout": {
        "destination": {"type": "number", "endpoint": "+46730170101"}}}, 400, 40002, "conferenceId"),
    ({"ttsCallout": {}}, 400, 40002, "method"),
    ({"method": "smsCallout"}, 400, 40001, "method"),
    ({"method": "ttsCallout"}, 400, 40002, "ttsCallout"),
])
async def test_callout_validation(api: Api, body: dict, status: int, code: int, words: str) -> None:
    assert_error(await api.post("/calling/v1/callouts", body), status, code, words)


async def test_malformed_json_is_40003(api: Api) -> None:
    assert_error(await api.post("/calling/v1/callouts", raw=b"{not json"), 400, 40003)
    assert_error(await api.post("/calling/v1/callouts", raw=b"[1, 2]"), 400, 40003)


async def test_lenient_spelling_like_the_sdk(api: Api, sandbox: Sandbox) -> None:
    body = {"method": "conferenceCallout", "conferenceCallout": {
        "destination": {"type": "number", "endpoint": "46730170101"}, "conferenceId": "lenient",
        "conference": None, "enabledice": True, "cli": None, "conferenceDtmfOptions": None}}
    response = await api.post("/calling/v1/callouts", body)
    assert response.status_code == 200, response.text
    assert sandbox.calls[response.json()["callId"]].to["endpoint"] == "+46730170101"


async def test_custom_callout_inline_svaml_hangup(api: Api) -> None:
    ace = json.dumps({"instructions": [{"name": "say", "text": "y" * 45}], "action": {"name": "hangup"}})
    body = {"method": "customCallout", "customCallout": {
        "destination": {"type": "number", "endpoint": "+46730170101"}, "ace": ace}}
    call_id = (await api.post("/calling/v1/callouts", body)).json()["callId"]
    await api.advance(2 + 3)
    final = await call(api, call_id)
    assert (final["status"], final["duration"]) == ("FINAL", 3)


async def test_custom_callout_needs_a_destination(api: Api) -> None:
    body = {"method": "customCallout", "customCallout": {"ice": "https://example.com/ice"}}
    assert_error(await api.post("/calling/v1/callouts", body), 400, 40002, "destination")


async def test_manage_call_say_extends_and_hangup_ends(api: Api) -> None:
    call_id = await tts(api, text="z" * 30)  # two seconds of speech after answer at t=2
    await api.advance(2)
    patch = {"instructions": [{"name": "say", "text": "w" * 60, "locale": "en-US"}], "action": {"name": "continue"}}
    assert (await api.patch(f"/calling/v1/calls/id/{call_id}", patch)).status_code == 204
    await api.advance(5)
    assert (await call(api, call_id))["status"] == "ONGOING"  # 2 s + 4 s of extra speech
    assert (await api.patch(f"/calling/v1/calls/id/{call_id}", {"action": {"name": "hangup"}})).status_code == 204
    final = await call(api, call_id)
    assert (final["status"], final["reason"], final["duration"]) == ("FINAL", "MANAGERHANGUP", 5)
    assert_error(await api.patch(f"/calling/v1/calls/id/{call_id}", {"action": {"name": "hangup"}}), 400, 40003)


async def test_manage_call_recording_action_and_instruction(api: Api, sandbox: Sandbox) -> None:
    call_id = await conference_callout(api, "rec")
    await api.advance(2)
    start = {"action": {"name": "startRecording", "recordingOptions": {"format": "wav"}}}
    assert (await api.patch(f"/calling/v1/calls/id/{call_id}", start)).status_code == 204
    await api.advance(4)
    assert (await api.patch(f"/calling/v1/calls/id/{call_id}", {"action": {"name": "stopRecording"}})).status_code \
        == 204
    assert [r.n_frames for r in sandbox.recordings.items.values()] == [4 * 8000]
    await api.patch(f"/calling/v1/calls/id/{call_id}", {"instructions": [{"name": "startRecording"}]})
    await api.advance(3)
    await api.delete(f"/calling/v1/conferences/id/rec/{call_id}")  # the call ends: the recording is stored
    assert sorted(r.n_frames for r in sandbox.recordings.items.values()) == [3 * 8000, 4 * 8000]


@pytest.mark.parametrize(("body", "code", "words"), [
    ({"instructions": [{"name": "say", "text": "x" * 601}]}, 40001, "instructions.0.text"),
    ({"instructions": [{"name": "dance"}]}, 40001, "instructions.0"),
    ({"action": {"name": "connectConf"}}, 40002, "action.conferenceId"),
])
async def test_manage_call_validation(api: Api, body: dict, code: int, words: str) -> None:
    call_id = await tts(api, text="x" * 150)
    await api.advance(2)
    assert_error(await api.patch(f"/calling/v1/calls/id/{call_id}", body), 400, code, words)


async def test_manage_call_leg(api: Api) -> None:
    call_id = await tts(api, text="x" * 150)
    await api.advance(2)
    assert_error(await api.patch(f"/calling/v1/calls/id/{call_id}/leg/sideways", {}), 400, 40001, "callLeg")
    response = await api.patch(f"/calling/v1/calls/id/{call_id}/leg/both", {"action": {"name": "hangup"}})
    assert response.status_code == 204
    assert (await call(api, call_id))["reason"] == "MANAGERHANGUP"


async def test_hangup_while_ringing_cancels(api: Api) -> None:
    call_id = await tts(api)
    assert (await api.patch(f"/calling/v1/calls/id/{call_id}", {"action": {"name": "hangup"}})).status_code == 204
    final = await call(api, call_id)
    assert (final["status"], final["result"], final["reason"]) == ("FINAL", "N/A", "MANAGERHANGUP")
    assert_error(await api.patch(f"/calling/v1/calls/id/{call_id}", {"action": {"name": "continue"}}), 400, 40003)


async def test_ids_are_deterministic_for_a_seed() -> None:
    import httpx

    ids = []
    for _ in range(2):
        app = make_app()
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox") as http:
            ids.append([await tts(Api(http)) for _ in range(3)])
    assert ids[0] == ids[1] and len(set(ids[0])) == 3
