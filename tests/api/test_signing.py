"""Signing checked against answers computed without our code: hand-written HMAC, Sinch's documented
examples, and the official sinch 1.1.4 SDK's signer; and against api.auth.verify_request on the exact
bytes that reached the transport."""

from __future__ import annotations

import base64
import hashlib
import hmac
from types import SimpleNamespace

import pytest

from api import auth
from tests.api.conftest import KEY, SECRET, reply


def hand_signed(secret: str, method: str, body: bytes, content_type: str, timestamp: str, path: str) -> str:
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode() if body else ""
    message = f"{method}\n{md5}\n{content_type}\nx-timestamp:{timestamp}\n{path}".encode()
    return base64.b64encode(hmac.new(base64.b64decode(secret), message, hashlib.sha256).digest()).decode()


def test_hand_written_hmac_matches():
    body = b'{"command":"mute"}'
    args = dict(method="PATCH", path="/calling/v1/conferences/id/room/leg", body=body,
                content_type="application/json; charset=UTF-8", timestamp="2026-11-23T13:00:00.000Z")
    expected = hand_signed(SECRET, "PATCH", body, args["content_type"], args["timestamp"], args["path"])
    assert auth.sign_request(SECRET, **args) == expected


def test_sinch_documented_request_example():
    """developers.sinch.com "Using REST": POST /v1/sms/+46700000000 signed with the documented pair."""
    body = b'{"message":"Hello world"}'
    assert auth.content_md5(body) == "jANzQ+rgAHyf1MWQFSwvYw=="
    signature = auth.sign_request("JViE5vDor0Sw3WllZka15Q==", method="POST", path="/v1/sms/+46700000000",
                                  body=body, content_type="application/json", timestamp="2014-06-04T13:41:58Z")
    assert signature == "qDXMwzfaxCRS849c/2R0hg0nphgdHciTo7OdM6MsdnM="
    header = auth.application_authorization("5F5C418A0F914BBC8234A9BF5EDDAD97", signature)
    assert header == "Application 5F5C418A0F914BBC8234A9BF5EDDAD97:qDXMwzfaxCRS849c/2R0hg0nphgdHciTo7OdM6MsdnM="


def test_sinch_documented_callback_example():
    body = (b'{"event":"ace","callid":"822aa4b7-05b4-4d83-87c7-1f835ee0b6f6_257",'
            b'"timestamp":"2014-09-24T10:59:41Z","version":1}')
    assert auth.content_md5(body) == "REWF+X220L4/Gw1spXOU7g=="
    signature = auth.sign_request("BeIukql3pTKJ8RGL5zo0DA==", method="POST", path="/sinch/callback/ace", body=body,
                                  content_type="application/json", timestamp="2014-09-24T10:59:41Z")
    assert signature == "Tg6fMyo8mj9pYfWQ9ssbx3Tc1BNC87IEygAfLbJqZb4="


@pytest.mark.parametrize(("method", "body", "path"), [
    ("POST", '{"method":"ttsCallout","ttsCallout":{"text":"hé"}}', "/calling/v1/callouts"),
    ("GET", None, "/calling/v1/conferences/id/room"),
    ("DELETE", "", "/calling/v1/recording/key%2Fx"),
])
def test_official_sdk_signer_agrees(method, body, path):
    signature_module = pytest.importorskip("sinch.core.signature")
    sinch = SimpleNamespace(configuration=SimpleNamespace(application_key=KEY, application_secret=SECRET))
    timestamp = "2026-11-23T13:00:00.123456+00:00"
    sdk = signature_module.Signature(sinch, method, body, path, signature_timestamp=timestamp)
    sdk.calculate()
    ours = auth.sign_request(SECRET, method=method, path=path, body=body,
                             content_type="application/json; charset=UTF-8", timestamp=timestamp)
    assert ours == sdk.authorization_signature


async def test_sent_requests_verify_against_exact_bytes(make_client):
    client, rec = make_client(reply(200, {"callId": "c"}), reply(204), reply(200, {"participants": []}),
                              reply(204))
    await client.callouts.tts("+46708168731", text="Hallå, välkommen ✓", locale="sv-SE")
    await client.conferences.mute("my room/../x", "leg?a=b#c")
    await client.conferences.get("100%")
    await client.recordings.delete("key with spaces")
    for sent in rec.sent:
        verdict = auth.verify_request(headers=dict(sent.headers), method=sent.method, path=sent.raw_path,
                                      body=sent.body, secrets={KEY: SECRET})
        assert verdict.ok, (sent.method, sent.raw_path, verdict.reason)
    callout = rec.sent[0]
    assert callout.headers["content-type"] == "application/json; charset=UTF-8"
    assert "Hallå, välkommen ✓".encode() in callout.body  # UTF-8 bytes, signed as sent
    assert rec.sent[1].raw_path == "/calling/v1/conferences/id/my%20room%2F..%2Fx/leg%3Fa=b%23c"
    assert rec.sent[2].raw_path == "/calling/v1/conferences/id/100%25"
    assert "content-type" not in rec.sent[2].headers  # no body, no Content-Type, signed with ""


async def test_basic_auth_header(make_client):
    client, rec = make_client(reply(200, {"participants": []}), auth="basic")
    await client.conferences.get("room")
    sent = rec.sent[0]
    expected = "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
    assert sent.headers["authorization"] == expected
    assert "x-timestamp" not in sent.headers
    assert auth.verify_request(headers=dict(sent.headers), method="GET", path=sent.raw_path, body=b"",
                               secrets={KEY: SECRET}).ok
