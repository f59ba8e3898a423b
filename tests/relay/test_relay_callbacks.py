"""Verified callbacks: parsed with the api event models, answered with SVAML, published as they came."""

from __future__ import annotations

import json

import httpx
import pytest
from relay_helpers import Callbacks, ace, dice, ice, make_settings, notify, pie

from relay import Rules, create_app

RULES = """
[[rule]]
name = "dial-in"
event = "ice"
to = "+46 73 017 01 01"
action = "connectConf"
conference = "standup"
greeting = "Welcome"
detect_dtmf = true
"""


async def published(app) -> list[dict]:  # type: ignore[no-untyped-def]
    """Everything queued for a subscriber registered before the callbacks."""
    subscriber = app.state.subscriber
    return [json.loads(await subscriber.next()) for _ in range(subscriber.queued)]


@pytest.fixture
def app():
    app = create_app(make_settings(rules=Rules.parse(RULES)))
    app.state.subscriber = app.state.hub.subscribe()
    return app


@pytest.mark.parametrize(("document", "answer"), [
    (ice(to="46730170101"), {"instructions": [{"name": "say", "text": "Welcome", "locale": "en-US"}],
                             "action": {"name": "connectConf", "conferenceId": "standup",
                                        "conferenceDtmfOptions": {"mode": "detect"}}}),
    (ice(to="46000000001"), {"instructions": [], "action": {"name": "hangup"}}),
    (ace(), {"instructions": [], "action": {"name": "continue"}}),
    (pie("1"), {"instructions": [], "action": {"name": "continue"}}),
])
async def test_answers(callbacks: Callbacks, document: dict, answer: dict) -> None:
    response = await callbacks.post(document)
    assert response.status_code == 200, response.text
    assert response.json() == answer


@pytest.mark.parametrize("document", [dice(), notify()])
async def test_dice_and_notify_get_an_empty_200(app, callbacks: Callbacks, document: dict) -> None:
    response = await callbacks.post(document)
    assert response.status_code == 200 and response.content == b""
    [message] = await published(app)
    assert message["type"] == document["event"] and message["answer"] is None


async def test_published_message_carries_the_original_body_and_the_answer(app, callbacks: Callbacks) -> None:
    document = ice(to="46730170101", someFieldSinchAddsLater={"nested": [1, 2]}, callid="legacy-spelling")
    response = await callbacks.post(document)
    [message] = await published(app)
    assert set(message) == {"type", "seq", "received_at", "rule", "event", "answer"}
    assert message["type"] == "ice" and message["seq"] == 1 and message["rule"] == "dial-in"
    assert message["event"] == document  # the body as Sinch sent it, unknown fields included
    assert message["answer"] == response.json()
    assert message["received_at"].endswith("Z")


async def test_sequence_numbers_count_relayed_events(app, callbacks: Callbacks) -> None:
    for document in (ice(), ace(), pie(), dice(), notify()):
        assert (await callbacks.post(document)).status_code == 200
    messages = await published(app)
    assert [m["seq"] for m in messages] == [1, 2, 3, 4, 5]
    assert [m["type"] for m in messages] == ["ice", "ace", "pie", "dice", "notify"]


async def test_unknown_event_type_is_logged_accepted_and_relayed(app, http: httpx.AsyncClient, callbacks: Callbacks,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("WARNING", logger="relay")
    response = await callbacks.post({"event": "Transcription", "callId": "c-9", "text": "hello"})
    assert response.status_code == 200 and response.content == b""
    [message] = await published(app)
    assert message["type"] == "transcription" and message["answer"] is None
    assert "unknown event type 'transcription'" in caplog.text
    assert (await http.get("/health")).json()["unparsed"] == 1


async def test_body_without_an_event_is_relayed_as_unknown(app, callbacks: Callbacks) -> None:
    assert (await callbacks.post({"callId": "c-10"})).status_code == 200
    [message] = await published(app)
    assert message["type"] == "unknown"


async def test_known_type_the_models_cannot_read_gets_the_safe_default(app, callbacks: Callbacks,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    # `to` should be an object: the rule cannot be matched, so the ICE default (hangup) answers
    response = await callbacks.post(ice(to="46730170101") | {"to": "46730170101"})
    assert response.json() == {"instructions": [], "action": {"name": "hangup"}}
    [message] = await published(app)
    assert message["type"] == "ice" and message["rule"].startswith("default")
    assert "could not read" in caplog.text


@pytest.mark.parametrize("raw", [b"", b"not json", b"[1, 2]", b'"ace"', b"\xff\xfe"])
async def test_signed_body_that_is_not_a_json_object_is_a_400(callbacks: Callbacks, raw: bytes) -> None:
    response = await callbacks.post(raw=raw)
    assert response.status_code == 400 and response.json()["errorCode"] == 40001


async def test_health(http: httpx.AsyncClient, callbacks: Callbacks) -> None:
    await callbacks.post(ace())
    health = (await http.get("/health")).json()
    assert health == {"status": "ok", "subscribers": 1, "relayed": 1, "dropped": 0, "cut_slow": 0, "queued": 1,
                      "queue_size": 1000,
                      "refused": 0, "unparsed": 0, "replayed": 0, "previous_secret": 0, "connections_open": 0,
                      "connections_refused": 0, "connections_cut": 0, "bodies_cut": 0}
