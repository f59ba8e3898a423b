"""Trace records carry what "copy as curl" needs (origin, body, auth scheme) and still no secret."""

from __future__ import annotations

import json

import pytest

from api.trace import BODY_LIMIT, REDACTED, TraceRecord, body_text
from tests.api.conftest import SECRET, reply

CONF = {"participants": []}
RECORDING = {"name": "startRecording", "options": {"destinationUrl": "s3://bucket/x", "credentials": "AK:SK",
                                                   "format": "mp3"}}


def test_body_text_basics():
    assert body_text(None) == (None, False) and body_text(b"") == (None, False)
    assert body_text(b'{"command":"mute"}') == ('{"command":"mute"}', False)
    text, cut = body_text(b"x" * (BODY_LIMIT + 5))
    assert cut and len(text) == BODY_LIMIT
    assert body_text("é".encode() * 3) == ("ééé", False)


def test_credentials_are_redacted_everywhere():
    body = {"instructions": [RECORDING], "action": {"name": "continue"}}
    text, _ = body_text(json.dumps(body).encode())
    assert "AK:SK" not in text and json.loads(text)["instructions"][0]["options"]["credentials"] == REDACTED
    nested = {"method": "customCallout", "customCallout": {"ice": json.dumps({"instructions": [RECORDING]})}}
    text, _ = body_text(json.dumps(nested).encode())
    assert "AK:SK" not in text
    assert json.loads(json.loads(text)["customCallout"]["ice"])["instructions"][0]["options"]["format"] == "mp3"
    assert body_text(b'credentials=AK:SK not json') == (REDACTED, False)


async def test_client_records_origin_body_and_scheme(make_client):
    client, rec = make_client(reply(204), reply(200, CONF), base_url="http://127.0.0.1:8700/")
    await client.conferences.mute("room", "call-1")
    await client.conferences.get("room")
    patch, get = client.trace
    assert (patch.origin, patch.url) == ("http://127.0.0.1:8700", "http://127.0.0.1:8700/calling/v1/conferences/id/"
                                                                  "room/call-1")
    assert patch.body == rec.sent[0].body.decode() and json.loads(patch.body) == {"command": "mute"}
    assert not patch.body_truncated and patch.auth_scheme == "Application"
    assert get.body is None and get.url.endswith("/calling/v1/conferences/id/room")


async def test_basic_scheme_and_no_secret(make_client):
    client, _ = make_client(reply(200, CONF), auth="basic")
    await client.conferences.get("room")
    (record,) = client.trace
    assert record.auth_scheme == "Basic" and record.origin == "https://calling.api.sinch.com"
    assert SECRET not in repr(record) and record.request_headers["authorization"] == "[redacted]"


async def test_manage_call_trace_hides_recording_credentials(make_client):
    client, rec = make_client(reply(204))
    await client.calls.manage("call-1", instructions=[RECORDING], action={"name": "continue"})
    (record,) = client.trace
    assert b"AK:SK" in rec.sent[0].body  # sent as given...
    assert "AK:SK" not in repr(record) and "AK:SK" not in (record.body or "")  # ...never kept in the trace


@pytest.mark.parametrize("origin", ["", "https://calling-euc1.api.sinch.com"])
def test_records_made_without_new_fields_still_work(origin):
    record = TraceRecord("GET", "/calling/v1/conferences/id/r", 200, None, 1.0, 1, origin=origin)
    assert record.url == origin + "/calling/v1/conferences/id/r" and record.body is None
