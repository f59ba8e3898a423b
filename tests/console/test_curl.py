""""Copy as curl": a runnable command from a trace record, quoted safely, signed headers as placeholders."""

from __future__ import annotations

import base64
import json
import shlex

import httpx
import pytest

from api import SinchVoiceClient
from api.trace import BODY_LIMIT, TraceRecord
from console.curl import to_curl

KEY = "5F5C418A0F914BBC8234A9BF5EDDAD97"
SECRET = "JViE5vDor0Sw3WllZka15Q=="


def record(method="GET", path="/calling/v1/conferences/id/standup", body=None, scheme="Application", **kwargs):
    headers = {"content-type": "application/json; charset=UTF-8"} if body else {}
    headers["authorization"] = "[redacted]"
    return TraceRecord(method, path, 200, None, 3.0, 1, request_headers=headers, body=body, auth_scheme=scheme,
                       origin="https://calling-euc1.api.sinch.com", **kwargs)


def test_get_with_signed_placeholders():
    command = to_curl(record())
    assert shlex.split(command) == [
        "curl", "https://calling-euc1.api.sinch.com/calling/v1/conferences/id/standup",
        "-H", "x-timestamp: <x-timestamp>",
        "-H", "Authorization: Application <application-key>:<signature>",
    ]


def test_patch_with_body_and_content_type():
    args = shlex.split(to_curl(record("PATCH", "/calling/v1/conferences/id/standup/c-1", '{"command":"mute"}')))
    assert args[:4] == ["curl", "-X", "PATCH",
                        "https://calling-euc1.api.sinch.com/calling/v1/conferences/id/standup/c-1"]
    assert args[args.index("--data-raw") + 1] == '{"command":"mute"}'
    assert "Content-Type: application/json; charset=UTF-8" in args


def test_basic_placeholder_and_application_key():
    assert "Authorization: Basic <base64 key:secret>" in shlex.split(to_curl(record(scheme="Basic")))
    args = shlex.split(to_curl(record(), application_key=KEY))
    assert f"Authorization: Application {KEY}:<signature>" in args


def test_origin_argument_for_old_records():
    old = TraceRecord("DELETE", "/calling/v1/recording/a.wav", 204, None, 1.0, 1,
                      request_headers={"x-timestamp": "2025-01-01T00:00:00.000Z", "authorization": "[redacted]"})
    args = shlex.split(to_curl(old, "http://127.0.0.1:8700/"))
    assert args[:4] == ["curl", "-X", "DELETE", "http://127.0.0.1:8700/calling/v1/recording/a.wav"]
    assert "x-timestamp: <x-timestamp>" in args  # scheme guessed from the headers
    with pytest.raises(ValueError, match="no origin"):
        to_curl(old)


@pytest.mark.parametrize("nasty", ["it's", "$(rm -rf ~)", "`id`", "a b\nc", '"; echo pwned; "', "@/etc/passwd"])
def test_hostile_text_is_quoted(nasty):
    body = json.dumps({"method": "ttsCallout", "ttsCallout": {"text": nasty}}, ensure_ascii=False)
    args = shlex.split(to_curl(record("POST", "/calling/v1/callouts", body)))
    assert args[args.index("--data-raw") + 1] == body


def test_truncated_body_is_announced():
    command = to_curl(record("POST", "/calling/v1/callouts", "x" * BODY_LIMIT, body_truncated=True))
    note, rest = command.split("\n", 1)
    assert note.startswith("# ") and str(BODY_LIMIT) in note
    assert shlex.split(command, comments=True)[0] == "curl" and shlex.split(rest)[0] == "curl"


async def test_from_a_real_client_trace_without_secrets():
    """End to end: a signed and a basic client's records become commands holding neither secret nor signature."""
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    basic = base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
    for auth in ("signed", "basic"):
        http = httpx.AsyncClient(transport=httpx.MockTransport(answer))
        async with SinchVoiceClient(KEY, SECRET, http_client=http, base_url="http://sandbox:8700", auth=auth) as client:
            await client.conferences.mute("room one", "c/1")
            command = to_curl(client.trace[-1])
        await http.aclose()
        sent = seen[-1]
        args = shlex.split(command)
        assert args[3] == str(sent.url) and args[args.index("--data-raw") + 1] == sent.content.decode()
        for secret in (SECRET, basic, sent.headers["authorization"]):
            assert secret not in command
