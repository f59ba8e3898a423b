"""Hosts, paths, argument validation before sending, secrecy and tracing."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from api import SinchVoiceClient, errors
from api.resources._base import path_segment
from tests.api.conftest import KEY, SECRET, reply

CONF = {"participants": []}


@pytest.mark.parametrize(("region", "origin"), [
    ("global", "https://calling.api.sinch.com"),
    ("euc1", "https://calling-euc1.api.sinch.com"),
    ("use1", "https://calling-use1.api.sinch.com"),
    ("sae1", "https://calling-sae1.api.sinch.com"),
    ("apse1", "https://calling-apse1.api.sinch.com"),
    ("apse2", "https://calling-apse2.api.sinch.com"),
])
async def test_region_selects_traffic_host_config_stays_global(make_client, region, origin):
    client, rec = make_client(reply(200, CONF), reply(200, {"numbers": []}), region=region)
    await client.conferences.get("room")
    await client.numbers.list()
    assert str(rec.sent[0].url) == f"{origin}/calling/v1/conferences/id/room"
    assert str(rec.sent[1].url) == "https://callingapi.sinch.com/v1/configuration/numbers"


def test_unknown_region_is_refused():
    with pytest.raises(ValueError, match="region"):
        SinchVoiceClient(KEY, SECRET, region="mars1")


async def test_base_url_serves_both_when_alone(make_client):
    client, rec = make_client(reply(200, CONF), reply(200, {"numbers": []}), base_url="http://127.0.0.1:8700/")
    await client.conferences.get("room")
    await client.numbers.list()
    assert [str(s.url) for s in rec.sent] == ["http://127.0.0.1:8700/calling/v1/conferences/id/room",
                                              "http://127.0.0.1:8700/v1/configuration/numbers"]


async def test_config_base_url_overrides_config_only(make_client):
    client, rec = make_client(reply(200, CONF), reply(200, {"numbers": []}), config_base_url="http://cfg.test")
    await client.conferences.get("room")
    await client.numbers.list()
    assert rec.sent[0].url.host == "calling.api.sinch.com" and rec.sent[1].url.host == "cfg.test"


async def test_wire_paths_and_bodies(make_client):
    client, rec = make_client(
        reply(200, {"callId": "c1"}), reply(200, {"callId": "c2"}), reply(200, {"callId": "c3"}),
        reply(200, {"callId": "c1", "status": "FINAL"}), reply(204), reply(204), reply(204), reply(204), reply(204),
        reply(204), reply(200, []), reply(204), reply(200, {"numbers": []}), reply(204), reply(204),
        reply(200, {"url": {"primary": "https://a.example"}}), reply(204),
        reply(200, {"numberItem": {"countryId": "SE", "normalizedNumber": "+46730170101"}}),
    )
    await client.callouts.tts("46708168731", text="hi", cli="+46000000000")
    await client.callouts.conference("+46708168731", conference_id="room", greeting="Welcome")
    await client.callouts.custom("+46708168731", ice={"action": {"name": "connectPstn", "number": "+46708168731"}})
    await client.calls.get("c1")
    await client.calls.manage("c1", instructions=[{"name": "say", "text": "bye"}], action={"name": "hangup"})
    await client.calls.manage("c1", action={"name": "hangup"}, call_leg="callee")
    await client.conferences.mute("room", "leg")
    await client.conferences.unmute("room", "leg")
    await client.conferences.kick("room", "leg")
    await client.conferences.kick_all("room")
    await client.recordings.list(start=datetime(2026, 1, 1, tzinfo=UTC), end=datetime(2026, 1, 2, 1, tzinfo=
                                 timezone(timedelta(hours=1))), page=2, page_size=10)
    await client.recordings.delete("rec.wav")
    await client.numbers.list()
    await client.numbers.assign(["+46708168731"])
    await client.numbers.unassign("+46708168731")
    await client.callbacks.get()
    await client.callbacks.update(primary="https://a.example", fallback="https://b.example")
    info = await client.query_number("+46(0)73-017-0101")
    got = [(s.method, s.raw_path) for s in rec.sent]
    assert got == [
        ("POST", "/calling/v1/callouts"), ("POST", "/calling/v1/callouts"), ("POST", "/calling/v1/callouts"),
        ("GET", "/calling/v1/calls/id/c1"), ("PATCH", "/calling/v1/calls/id/c1"),
        ("PATCH", "/calling/v1/calls/id/c1/leg/callee"),
        ("PATCH", "/calling/v1/conferences/id/room/leg"), ("PATCH", "/calling/v1/conferences/id/room/leg"),
        ("DELETE", "/calling/v1/conferences/id/room/leg"), ("DELETE", "/calling/v1/conferences/id/room"),
        ("GET", "/calling/v1/recording"), ("DELETE", "/calling/v1/recording/rec.wav"),
        ("GET", "/v1/configuration/numbers"), ("POST", "/v1/configuration/numbers"),
        ("DELETE", "/v1/configuration/numbers"),
        ("GET", f"/v1/configuration/callbacks/applications/{KEY}"),
        ("POST", f"/v1/configuration/callbacks/applications/{KEY}"),
        ("GET", "/v1/calling/query/number/+46730170101"),
    ]
    tts = rec.sent[0].json()
    assert tts["method"] == "ttsCallout"
    assert tts["ttsCallout"]["destination"] == {"type": "number", "endpoint": "+46708168731"}
    assert tts["ttsCallout"]["locale"] == "en-US" and tts["ttsCallout"]["text"] == "hi"
    assert rec.sent[1].json()["conferenceCallout"]["conferenceId"] == "room"
    assert isinstance(rec.sent[2].json()["customCallout"]["ice"], str)  # inline SVAML is a JSON string
    assert rec.sent[4].json() == {"instructions": [{"name": "say", "text": "bye"}], "action": {"name": "hangup"}}
    assert rec.sent[6].json() == {"command": "mute"} and rec.sent[7].json() == {"command": "unmute"}
    assert rec.sent[10].url.params == httpx.QueryParams(
        {"from": "2026-01-01T00:00:00Z", "to": "2026-01-02T00:00:00Z", "page": "2", "pageSize": "10"})
    assert rec.sent[13].json() == {"numbers": ["+46708168731"], "applicationkey": KEY}
    assert rec.sent[14].json() == {"number": "+46708168731", "applicationKey": KEY}
    assert rec.sent[16].json() == {"url": {"primary": "https://a.example", "fallback": "https://b.example"}}
    assert rec.sent[17].url.raw_path == b"/v1/calling/query/number/+46730170101"  # `+` literal
    assert info.country_id == "SE"


@pytest.mark.parametrize("call", [
    lambda c: c.callouts.tts("not a number", text="x"),
    lambda c: c.callouts.tts("+46708168731", text="x" * 601),
    lambda c: c.callouts.tts("+46708168731", text="x", dtmf="12a"),
    lambda c: c.callouts.tts("+46708168731", text="x", locale="xx-XX"),
    lambda c: c.callouts.tts("+46708168731"),
    lambda c: c.callouts.conference("+46708168731", conference_id=""),
    lambda c: c.callouts.conference("+46708168731", conference_id="r", max_duration=99999),
    lambda c: c.calls.manage("c1", action={"name": "explode"}),
    lambda c: c.calls.manage("c1", action={"name": "hangup"}, call_leg="nobody"),
    lambda c: c.conferences.get(""),
    lambda c: c.conferences.kick("room", ".."),
    lambda c: c.recordings.list(start=datetime(2026, 1, 2), end=datetime(2026, 1, 1)),
    lambda c: c.recordings.list(start=datetime(2026, 1, 1), end=datetime(2026, 1, 2), page=0),
    lambda c: c.numbers.assign(["12"]),
    lambda c: c.callbacks.update(primary="ftp://x"),
    lambda c: c.query_number("hello"),
])
async def test_bad_arguments_fail_before_any_request(make_client, call):
    client, rec = make_client(reply(200, {"callId": "x"}))
    with pytest.raises(errors.InvalidArgumentError):
        await call(client)
    assert rec.sent == []


@pytest.mark.parametrize(("call", "field", "words"), [
    (lambda c: c.callouts.tts("+46708168731", text="x" * 601), "text", "at most 600 characters"),
    (lambda c: c.callouts.tts("+46708168731", text="x", locale="xx-XX"), "locale", "unknown locale"),
    (lambda c: c.callouts.tts("hello", text="x"), "destination", "not a phone number"),
    (lambda c: c.calls.manage("c1", instructions=[{"name": "say", "text": ""}], action={"name": "hangup"}),
     "instructions.0.text", "at least 1 character"),
    (lambda c: c.numbers.assign(["+46708168731", "12"]), "numbers", "'12'"),
    (lambda c: c.recordings.list(start=datetime(2026, 1, 2), end=datetime(2026, 1, 1)), "end", "after start"),
    (lambda c: c.query_number("hello"), "number", "not a phone number"),
    (lambda c: c.conferences.mute("", "leg"), "conference_id", "required"),
])
async def test_argument_errors_are_typed_and_name_the_field(make_client, call, field, words):
    """A console catches SinchError: a bad argument must not escape as a raw pydantic error."""
    client, rec = make_client()
    with pytest.raises(errors.InvalidArgumentError) as caught:
        await call(client)
    assert caught.value.field == field and words in str(caught.value)
    assert str(caught.value).startswith(f"{field}: ") and "pydantic" not in str(caught.value)
    assert isinstance(caught.value, errors.SinchError) and isinstance(caught.value, ValueError)
    assert rec.sent == []


async def test_one_number_string_is_one_number(make_client):
    client, rec = make_client(reply(204))
    await client.numbers.assign("+46708168731")
    assert rec.sent[0].json()["numbers"] == ["+46708168731"]


@pytest.mark.parametrize("base_url", ["127.0.0.1:8700", "ftp://x", "http://", "http://h?x=1"])
def test_unreachable_base_url_refused_at_once(base_url):
    with pytest.raises(ValueError, match="base_url"):
        SinchVoiceClient(KEY, SECRET, base_url=base_url)


@given(st.text(min_size=1, max_size=40).filter(lambda s: s not in (".", "..")))
def test_path_segment_cannot_escape_and_survives_aiohttp(value):
    import yarl

    escaped = path_segment(value, "id")
    assert "/" not in escaped and "?" not in escaped and "#" not in escaped
    url = f"http://h/calling/v1/conferences/id/{escaped}"
    assert httpx.URL(url).raw_path.decode() == yarl.URL(url).raw_path  # signed path == path on the wire
    assert httpx.URL(url).path == f"/calling/v1/conferences/id/{value}"


async def test_secret_never_shown(make_client):
    seen: list = []
    client, _rec = make_client(reply(503), reply(401, {"errorCode": 40108, "message": "Invalid credentials"}),
                              on_trace=seen.append, auth="basic")
    with pytest.raises(errors.AuthenticationError) as caught:
        await client.conferences.get("room")
    basic = base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
    texts = [repr(client), str(client), repr(vars(client)), str(caught.value), repr(caught.value),
             *map(repr, client.trace), *map(str, client.trace)]
    for text in texts:
        assert SECRET not in text and basic not in text
    assert repr(client) == f"SinchVoiceClient(application_key='{KEY}', region='global')"
    assert seen == client.trace and len(seen) == 2
    assert seen[0].request_headers["authorization"] == "[redacted]"


async def test_signature_not_in_errors_or_trace(make_client):
    client, rec = make_client(httpx.ConnectError("refused"), max_retries=0)
    with pytest.raises(errors.APIConnectionError) as caught:
        await client.conferences.get("room")
    signature = rec.sent[0].headers["authorization"]
    assert signature not in str(caught.value) and signature not in repr(client.trace)


async def test_trace_records(make_client):
    client, _ = make_client(reply(503), reply(404, {"errorCode": 40400, "message": "Conference not found"}))
    with pytest.raises(errors.NotFoundError):
        await client.conferences.get("room")
    first, second = client.trace
    assert (first.method, first.path, first.status, first.attempt, first.will_retry) == (
        "GET", "/calling/v1/conferences/id/room", 503, 1, True)
    assert (second.status, second.error_code, second.attempt, second.will_retry) == (404, 40400, 2, False)
    assert second.latency_ms >= 0 and "x-timestamp" in second.request_headers


async def test_broken_trace_hook_does_not_break_calls(make_client):
    def explode(record):
        raise RuntimeError("log view crashed")

    client, _ = make_client(reply(200, CONF), on_trace=explode)
    assert (await client.conferences.get("room")).participants == []


async def test_injected_http_client_is_not_closed():
    http = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(200, json=CONF)))
    async with SinchVoiceClient(KEY, SECRET, http_client=http) as client:
        await client.conferences.get("room")
    assert not http.is_closed
    await http.aclose()


async def test_owned_http_client_is_closed():
    client = SinchVoiceClient(KEY, SECRET)
    async with client:
        pass
    assert client._http.is_closed


def test_bad_secret_refused_without_echoing_it():
    with pytest.raises(ValueError) as caught:
        SinchVoiceClient(KEY, "not base64 !!")
    assert "not base64 !!" not in str(caught.value)
