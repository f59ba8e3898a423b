"""Platform text reaches the terminal without escape sequences or control characters, in tables and in JSON.

A recording key that once set the window title and cleared the screen, and a participant whose cli carries
C1 and bidi controls, are served by a MockTransport standing in for the platform.
"""

from __future__ import annotations

import io
import json
import re
from typing import Any

import httpx
import pytest

from api import SinchVoiceClient
from console.backend import Backend
from console.cli import main
from console.cli.output import pairs, table, to_json

HOSTILE_KEY = "call-1\x1b]0;pwned\x07\x1b[2J-rec.wav"
HOSTILE_CLI = "+4670\x9b2J\u202e81\x7f68731"
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # newline is how lines end


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def platform(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path.startswith("/calling/v1/recording"):
        return httpx.Response(200, json=[{
            "key": HOSTILE_KEY, "url": "https://example.test/r",
            "createdOn": "2026-11-20T10:00:00Z", "expiresOn": "2026-12-20T10:00:00Z",
            "headers": {"Content-Type": "audio/wav", "Content-Length": "1536", "callId": "id\x1b[31m-1"},
        }])
    if path.startswith("/calling/v1/conferences/id/"):
        return httpx.Response(200, json={"participants": [
            {"cli": HOSTILE_CLI, "id": "call\x1b[2J-9", "duration": 5, "muted": True, "onhold": False}]})
    return httpx.Response(404, json={"errorCode": 40400, "message": "Not found \x1b[2J here", "reference": "r"})


def backend(resolved: Any) -> Backend:
    http = httpx.AsyncClient(transport=httpx.MockTransport(platform), base_url="http://platform")
    client = SinchVoiceClient(application_key="key", application_secret="c2VjcmV0", base_url="http://platform",
                              http_client=http)
    return Backend(client, "test", True, [], after_close=http.aclose)


def run(tmp_path, *argv: str, tty: bool = True) -> tuple[int, str, str]:
    out, err = (Tty() if tty else io.StringIO()), io.StringIO()
    code = main(["--sandbox", *argv], backend_factory=backend, folder=tmp_path, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_recordings_table_shows_a_hostile_key_without_its_escape_sequences(tmp_path):
    code, out, err = run(tmp_path, "recordings", "list")
    assert code == 0, err
    assert not UNSAFE.search(out), repr(out)
    assert "call-1-rec.wav" in out and "pwned" not in out  # the sequence, payload and all, is gone
    assert "id-1" in out


def test_conference_table_shows_a_hostile_cli_without_controls(tmp_path):
    code, out, err = run(tmp_path, "conference", "show", "standup")
    assert code == 0, err
    assert not UNSAFE.search(out), repr(out)
    assert "call-9" in out


def test_json_keeps_the_data_but_escapes_what_a_terminal_acts_on(tmp_path):
    code, out, err = run(tmp_path, "recordings", "list", "--json")
    assert code == 0, err
    assert not UNSAFE.search(out), repr(out)
    assert json.loads(out)["recordings"][0]["key"] == HOSTILE_KEY  # scripts get the key exactly
    code, out, _ = run(tmp_path, "conference", "show", "standup", "--json")
    assert not UNSAFE.search(out) and "\\u009b" in out and "\\u202e" in out
    assert json.loads(out)["participants"][0]["cli"] == HOSTILE_CLI


def test_problems_on_stderr_are_printable_too(tmp_path):
    code, _, err = run(tmp_path, "call", "show", "call\x1b]0;x\x07-1")
    assert code != 0 and err
    assert not UNSAFE.search(err), repr(err)


@pytest.mark.parametrize("cell", [HOSTILE_KEY, HOSTILE_CLI, "a\tb\nc", "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\"])
def test_table_and_pairs_cells_are_one_printable_line(cell):
    for text in (table(("key",), [(cell,)]), pairs([("key", cell)])):
        assert not UNSAFE.search(text) and len(text.splitlines()) == (2 if text.startswith("KEY") else 1)
    assert json.loads(to_json({"k": cell}))["k"] == cell
