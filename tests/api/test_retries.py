"""Retry rules: idempotent requests retry; callouts and manage-call only when Sinch certainly did not act."""

from __future__ import annotations

import httpx
import pytest

from api import errors
from api.retry import RetryPolicy
from tests.api.conftest import reply

CONF = {"participants": [{"cli": "+46708168731", "id": "a", "duration": 1, "muted": False}]}


async def test_get_retries_503_twice_then_succeeds(make_client, sleeps):
    client, rec = make_client(reply(503), reply(503), reply(200, CONF))
    conference = await client.conferences.get("room")
    assert len(conference.participants) == 1
    assert len(rec.sent) == 3
    assert len(sleeps.calls) == 2 and sleeps.calls[0] < sleeps.calls[1]  # exponential


async def test_each_attempt_is_signed_afresh(make_client, monkeypatch):
    stamps = iter(["2026-01-01T00:00:00.000Z", "2026-01-01T00:00:01.000Z"])
    monkeypatch.setattr("api.auth.utc_timestamp", lambda now=None: next(stamps))
    client, rec = make_client(reply(503), reply(200, CONF))
    await client.conferences.get("room")
    assert [s.headers["x-timestamp"] for s in rec.sent] == ["2026-01-01T00:00:00.000Z", "2026-01-01T00:00:01.000Z"]
    assert rec.sent[0].headers["authorization"] != rec.sent[1].headers["authorization"]


async def test_get_gives_up_after_max_retries(make_client, sleeps):
    client, rec = make_client(reply(500, {"errorCode": 50000, "message": "boom"}), max_retries=2)
    with pytest.raises(errors.ServerError):
        await client.calls.get("c1")
    assert len(rec.sent) == 3 and len(sleeps.calls) == 2


async def test_retry_after_is_honoured(make_client, sleeps):
    client, _ = make_client(reply(429, headers={"Retry-After": "3"}), reply(503, headers={"Retry-After": "30"}),
                            reply(200, CONF))
    await client.conferences.get("room")
    assert sleeps.calls == [3.0, 30.0]


async def test_retry_after_beyond_the_cap_is_not_waited_out(make_client, sleeps):
    """Retrying before the server's time is pointless; the error tells the caller when to come back."""
    client, rec = make_client(reply(429, headers={"Retry-After": "3600"}), reply(200, CONF))
    with pytest.raises(errors.RateLimitError) as caught:
        await client.conferences.get("room")
    assert caught.value.retry_after == 3600.0
    assert len(rec.sent) == 1 and sleeps.calls == []
    assert client.trace[-1].will_retry is False


async def test_transport_errors_retried_on_get(make_client):
    client, rec = make_client(httpx.ReadError("reset"), httpx.ReadTimeout("slow"), reply(200, CONF))
    await client.conferences.get("room")
    assert len(rec.sent) == 3


async def test_mute_and_kick_are_retried(make_client):
    client, rec = make_client(reply(502), reply(204), reply(503), reply(204))
    await client.conferences.mute("room", "leg")
    await client.conferences.kick("room", "leg")
    assert [s.method for s in rec.sent] == ["PATCH", "PATCH", "DELETE", "DELETE"]


async def test_callout_500_is_not_retried(make_client, sleeps):
    client, rec = make_client(reply(500, {"errorCode": 50000, "message": "boom"}), reply(200, {"callId": "x"}))
    with pytest.raises(errors.ServerError):
        await client.callouts.tts("+46708168731", text="hello")
    assert len(rec.sent) == 1 and sleeps.calls == []


@pytest.mark.parametrize("answer", [
    reply(500),  # a 500 page without Sinch's error body: a proxy's, perhaps after forwarding
    reply(502, {"errorCode": 50000, "message": "bad gateway"}),
    reply(504),
    reply(522),  # a CDN's "origin timed out"
])
async def test_callout_5xx_not_from_the_platform_leaves_the_outcome_unknown(make_client, answer):
    client, rec = make_client(answer, reply(200, {"callId": "x"}))
    with pytest.raises(errors.OutcomeUnknownError):
        await client.callouts.tts("+46708168731", text="hello")
    assert len(rec.sent) == 1


async def test_callout_503_without_retry_after_is_not_retried(make_client):
    """A gateway's 503 may come after the platform acted: the outcome is unknown, not a failure."""
    client, rec = make_client(reply(503), reply(200, {"callId": "x"}))
    with pytest.raises(errors.OutcomeUnknownError) as caught:
        await client.callouts.conference("+46708168731", conference_id="room")
    assert len(rec.sent) == 1
    assert caught.value.status == 503 and caught.value.method == "POST"


async def test_callout_read_timeout_is_not_retried(make_client):
    """The request may have reached Sinch: retrying could ring the phone twice."""
    client, rec = make_client(httpx.ReadTimeout("slow"), reply(200, {"callId": "x"}))
    with pytest.raises(errors.OutcomeUnknownError) as caught:
        await client.callouts.tts("+46708168731", text="hello")
    assert len(rec.sent) == 1
    assert caught.value.timed_out and "may have acted" in str(caught.value)


async def test_callout_connect_error_is_retried(make_client):
    client, rec = make_client(httpx.ConnectError("refused"), reply(200, {"callId": "call-1"}))
    assert await client.callouts.tts("+46708168731", text="hello") == "call-1"
    assert len(rec.sent) == 2
    assert rec.sent[0].body == rec.sent[1].body


async def test_callout_429_with_retry_after_is_retried(make_client, sleeps):
    client, rec = make_client(reply(429, headers={"Retry-After": "2"}), reply(200, {"callId": "call-2"}))
    assert await client.callouts.custom("+46708168731", ice="https://example.com/ice") == "call-2"
    assert len(rec.sent) == 2 and sleeps.calls == [2.0]


async def test_callout_503_with_retry_after_is_not_retried(make_client, sleeps):
    """A proxy may answer 503 + Retry-After after the platform placed the call: a retry would ring twice."""
    client, rec = make_client(reply(503, headers={"Retry-After": "1"}), reply(200, {"callId": "call-3"}))
    with pytest.raises(errors.OutcomeUnknownError):
        await client.callouts.tts("+46708168731", text="x")
    assert len(rec.sent) == 1 and sleeps.calls == []


@pytest.mark.parametrize("failure", [httpx.ReadError("reset after sending"), httpx.RemoteProtocolError("closed"),
                                     httpx.WriteError("broken pipe"), httpx.ReadTimeout("slow")])
async def test_callout_sent_without_an_answer_is_outcome_unknown(make_client, failure):
    client, rec = make_client(failure, reply(200, {"callId": "x"}))
    with pytest.raises(errors.OutcomeUnknownError) as caught:
        await client.callouts.tts("+46708168731", text="hello")
    assert isinstance(caught.value, errors.APIConnectionError)
    assert len(rec.sent) == 1


async def test_get_without_an_answer_is_still_a_plain_connection_error(make_client):
    client, _ = make_client(httpx.ReadError("reset"), max_retries=0)
    with pytest.raises(errors.APIConnectionError) as caught:
        await client.calls.get("c1")
    assert not isinstance(caught.value, errors.OutcomeUnknownError)


async def test_manage_call_reset_after_sending_is_outcome_unknown(make_client):
    client, rec = make_client(httpx.ReadError("reset"), reply(204))
    with pytest.raises(errors.OutcomeUnknownError):
        await client.calls.manage("c1", action={"name": "hangup"})
    assert len(rec.sent) == 1


async def test_callout_429_without_retry_after_is_not_retried(make_client):
    client, rec = make_client(reply(429), reply(200, {"callId": "x"}))
    with pytest.raises(errors.RateLimitError):
        await client.callouts.tts("+46708168731", text="hello")
    assert len(rec.sent) == 1


async def test_manage_call_follows_the_callout_rule(make_client):
    client, rec = make_client(reply(500, {"errorCode": 50000, "message": "boom"}), reply(204))
    with pytest.raises(errors.ServerError):  # the platform's own 500: it says it failed
        await client.calls.manage("c1", action={"name": "hangup"})
    assert len(rec.sent) == 1
    client, rec = make_client(httpx.ConnectError("refused"), reply(204))
    await client.calls.manage("c1", action={"name": "hangup"})
    assert len(rec.sent) == 2


async def test_aiohttp_disconnect_disguised_as_connect_timeout_is_not_retried_for_callouts(make_client):
    """httpx-aiohttp maps ServerDisconnectedError (request already sent) to httpx.ConnectTimeout."""
    import aiohttp

    disguised = httpx.ConnectTimeout("Server disconnected")
    disguised.__cause__ = aiohttp.ServerDisconnectedError()
    client, rec = make_client(disguised, reply(200, {"callId": "x"}))
    with pytest.raises(errors.OutcomeUnknownError) as caught:
        await client.callouts.tts("+46708168731", text="hello")
    assert len(rec.sent) == 1
    assert not caught.value.timed_out


def test_backoff_is_capped_and_jittered():
    policy = RetryPolicy(backoff_base=1.0, backoff_max=4.0, random=lambda: 1.0)
    assert [policy.delay(n) for n in (1, 2, 3, 4, 5)] == [1.0, 2.0, 4.0, 4.0, 4.0]
    low = RetryPolicy(backoff_base=1.0, backoff_max=4.0, random=lambda: 0.0)
    assert low.delay(3) == 2.0  # jitter keeps half the ceiling at least


async def test_zero_retries_means_one_attempt(make_client):
    client, rec = make_client(reply(503), max_retries=0)
    with pytest.raises(errors.ServerError):
        await client.conferences.get("room")
    assert len(rec.sent) == 1
