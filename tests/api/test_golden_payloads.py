"""Payloads copied from the Calling API reference's examples (https://developers.sinch.com/docs/voice/api-reference)
and from the official Java SDK's test fixtures
(sinch/sinch-sdk-java openapi-contracts/src/test/resources/domains/voice/v1), parsed into our models."""

from __future__ import annotations

import json

import pytest

from api import models
from tests.api.conftest import reply

SPEC_CONFERENCE = """{"participants": [
  {"cli": "+46708168731", "id": "abcabcabcabca", "duration": 14, "muted": false},
  {"cli": "+46708425201", "id": "cdecdecdecde", "duration": 12, "muted": false}]}"""
SDK_CONFERENCE = '{"participants":[{"cli":"a cli","id":"an id","duration":5,"muted":true,"onhold":false}]}'
SPEC_QUERY = """{"numberItem": {"countryId": "SE", "numberType": "Mobile", "normalizedNumber": "+46730170101",
  "restricted": false, "rate": {"currencyId": "USD", "amount": 0.0368}}}"""
SDK_QUERY = """{"number": {"countryId": "FR", "numberType": "Mobile", "normalizedNumber": "+331234567489",
  "restricted": true, "rate": {"currencyId": "USD", "amount": 0.1850}}}"""
SPEC_NUMBERS = """{"numbers": [{"number": "+19160001112222", "capability": "voice"},
  {"number": "+14151112223333", "applicationkey": "11983f76-12c8-1111-9515-4785c7b49ca8", "capability": "voice"}]}"""
SDK_NUMBERS = """{"numbers": [{"number": "+123456789", "applicationkey": "an application key", "capability": "voice"},
  {"number": "+134567890", "capability": "sms"}]}"""
SPEC_CALLBACKS = '{"url" : {"primary" : "http://primary.com", "fallback" : "http://fallback.com"}}'
SDK_CALLBACKS = '{"url": {"primary": "https://foo.com", "fallback": "https://fallback.foo.com"}}'
SDK_CALL_RESULT = """{"from": {"type": "Username", "endpoint": "user name endpoint validation"},
  "to": {"type": "Number", "endpoint": "+33123456789"}, "domain": "pstn", "callId": "a call UUID",
  "duration": 138, "status": "FINAL", "result": "ANSWERED", "reason": "CALLEEHANGUP",
  "timestamp": "2024-01-08T09:48:12", "custom": "{}", "userRate": {"currencyId": "EUR", "amount": 0.1758},
  "debit": {"currencyId": "EUR", "amount": 0.5274}}"""
SPEC_CALL_RESULT = """{"from": {"type": "number", "endpoint": "+46708168731"}, "to": {"type": "number",
  "endpoint": "+46708425201"}, "domain": "pstn", "callId": "4398599d1ba84ef3bde0a82dfb61abed", "duration": 0,
  "status": "ONGOING", "result": "N/A", "reason": "N/A", "timestamp": "2026-11-23T13:00:00Z"}"""


@pytest.mark.parametrize("payload", [SPEC_CONFERENCE, SDK_CONFERENCE])
def test_conference(payload):
    conference = models.Conference.model_validate_json(payload)
    first = conference.participants[0]
    assert first.call_id in ("abcabcabcabca", "an id") and isinstance(first.duration, int)
    assert [p.model_dump(by_alias=True, exclude_none=True) for p in conference.participants] == [
        {k: v for k, v in p.items()} for p in json.loads(payload)["participants"]]


@pytest.mark.parametrize(("payload", "country", "amount"), [(SPEC_QUERY, "SE", 0.0368), (SDK_QUERY, "FR", 0.185)])
def test_query_number(payload, country, amount):
    info = models.QueryNumberResponse.model_validate_json(payload).number_item
    assert info.country_id == country and info.number_type == "Mobile" and info.rate.amount == amount


@pytest.mark.parametrize("payload", [SPEC_NUMBERS, SDK_NUMBERS])
def test_numbers(payload):
    numbers = models.NumbersList.model_validate_json(payload).numbers
    assert numbers[0].number.startswith("+") and len(numbers) == 2
    assert [n.application_key for n in numbers].count(None) == 1


@pytest.mark.parametrize("payload", [SPEC_CALLBACKS, SDK_CALLBACKS])
def test_callbacks(payload):
    urls = models.CallbacksConfig.model_validate_json(payload).url
    assert urls.primary.startswith("http") and "fallback" in urls.fallback


@pytest.mark.parametrize("payload", [SDK_CALL_RESULT, SPEC_CALL_RESULT])
def test_call_result(payload):
    result = models.CallResult.model_validate_json(payload)
    assert result.call_id and result.from_ is not None and result.to is not None
    if result.is_final:
        assert result.debit.amount == 0.5274 and result.reason == "CALLEEHANGUP"


def test_spec_request_examples_round_trip():
    """The API reference's callout examples validate as requests (plus-less numbers are normalised)."""
    tts = {"method": "ttsCallout", "ttsCallout": {"cli": "46000000000", "destination": {"type": "number",
           "endpoint": "46000000001"}, "domain": "pstn", "custom": "customData", "locale": "en-US",
           "text": "Hello, this is a synthesized message."}}
    conf = {"method": "conferenceCallout", "conferenceCallout": {"cli": "46000000000", "destination": {
            "type": "number", "endpoint": "46000000001"}, "domain": "pstn", "custom": "customData",
            "locale": "en-US", "greeting": "Welcome to my conference", "conferenceId": "my_conference_room_id",
            "enableAce": False, "enableDice": False}}
    for body in (tts, conf):
        wire = models.CalloutRequest.model_validate(body).to_wire()
        inner = wire[body["method"]]
        assert inner["destination"]["endpoint"] == "+46000000001"


async def test_client_returns_models_from_golden_payloads(make_client):
    client, _ = make_client(reply(raw=SDK_CONFERENCE.encode()), reply(raw=SPEC_QUERY.encode()),
                            reply(raw=SPEC_NUMBERS.encode()), reply(raw=SDK_CALLBACKS.encode()),
                            reply(raw=SDK_CALL_RESULT.encode()))
    assert (await client.conferences.get("c")).participants[0].muted is True
    assert (await client.query_number("+46730170101")).normalized_number == "+46730170101"
    assert len(await client.numbers.list()) == 2
    assert (await client.callbacks.get()).primary == "https://foo.com"
    assert (await client.calls.get("x")).duration == 138


async def test_recordings_list_accepts_array_and_wrapper(make_client):
    rec = {"key": "k1", "url": "https://x/k1", "createdOn": "2026-01-01T00:00:00Z",
           "expiresOn": "2026-02-01T00:00:00Z", "headers": {"a": "b"}}
    client, _ = make_client(reply(200, [rec]), reply(200, {"recordings": [rec]}))
    from datetime import datetime

    for _ in range(2):
        recs = await client.recordings.list(start=datetime(2026, 1, 1), end=datetime(2026, 1, 2))
        assert recs[0].key == "k1" and recs[0].created_on.tzinfo is not None


SDK_CONFERENCE_CALLOUT = {
    "method": "conferenceCallout",
    "conferenceCallout": {
        "cli": "+14045001000", "destination": {"type": "number", "endpoint": "+14045005000"}, "locale": "en-US",
        "greeting": "Welcome to my conference", "conferenceId": "MyConfId",
        "conferenceDtmfOptions": {"mode": "detect", "maxDigits": 3, "timeoutMills": 456}, "dtmf": "w123#",
        "maxDuration": 32, "enableAce": True, "enableDice": True, "enablePie": True, "mohClass": "music2",
        "custom": "my custom value", "domain": "pstn",
    },
}


async def test_our_request_bodies_match_sdk_fixtures(make_client):
    """Bodies we send equal the Java SDK's request fixtures (CalloutRequestConferenceDto, UpdateNumbersRequestDto)."""
    client, rec = make_client(reply(200, {"callId": "c"}), reply(204))
    await client.callouts.conference(
        "+14045005000", conference_id="MyConfId", cli="+14045001000", locale="en-US",
        greeting="Welcome to my conference", conference_dtmf_options={"mode": "detect", "maxDigits": 3,
                                                                      "timeoutMills": 456},
        dtmf="w123#", max_duration=32, enable_ace=True, enable_dice=True, enable_pie=True, moh_class="music2",
        custom="my custom value", domain="pstn")
    await client.numbers.assign(["+12073091712"], application_key="an app key", capability="voice")
    assert rec.sent[0].json() == SDK_CONFERENCE_CALLOUT
    assert rec.sent[1].json() == {"numbers": ["+12073091712"], "applicationkey": "an app key", "capability": "voice"}
