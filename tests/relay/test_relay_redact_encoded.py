"""A token spelled differently still stays out of the log: `?%74oken=TOKEN` is accepted as `token` (the query
string is percent-decoded) while the log filter looked for `token=` literally, and uvicorn logs the path with
its query at info level. The filter now decodes query names and values, and replaces the configured token and
secrets themselves wherever they appear, raw or percent-encoded.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from relay_helpers import KEY, SECRET, TOKEN, make_settings, read_line
from websockets.sync.client import connect

from relay import create_app
from relay.redact import RedactTokens, protect, redact

ROOT = Path(__file__).resolve().parents[2]
READY = "Sinch relay listening on "
SPELLED_OUT = "".join(f"%{byte:02X}" for byte in TOKEN.encode())
"""The token with every character percent-encoded: what Starlette decodes back to the token."""


@pytest.fixture(autouse=True)
def protected() -> None:
    protect(TOKEN, SECRET)


@pytest.mark.parametrize("line", [
    f'127.0.0.1:5000 - "WebSocket /events?%74oken={TOKEN}" [accepted]',
    f'127.0.0.1:5000 - "WebSocket /events?%74%6F%6B%65%6E={TOKEN}&x=1" [accepted]',
    f'127.0.0.1:5000 - "WebSocket /events?x=1&to%6Ben={TOKEN}" [accepted]',
    f"> GET /events?%74oken={TOKEN} HTTP/1.1",
    f'"WebSocket /events?token={SPELLED_OUT}" [accepted]',
    f'"WebSocket /events?%74oken={SPELLED_OUT}" [accepted]',
    f'"WebSocket /events?tok={SPELLED_OUT}" [accepted]',  # a wrong name, but the real token all the same
    f'"WebSocket /events/{TOKEN}" 404',
    f"the token is {TOKEN}.",
    f"secret={SECRET} in a message",
    f"/x?s={quote(SECRET, safe='')}",
])
def test_a_token_or_secret_in_any_spelling_is_redacted(line: str) -> None:
    cleaned = redact(line)
    assert TOKEN not in cleaned and SPELLED_OUT not in cleaned and SECRET not in cleaned
    assert quote(SECRET, safe="") not in cleaned
    assert "[redacted]" in cleaned


@pytest.mark.parametrize("line", [
    '"GET /health?verbose=1&x=%41" 200',
    "refused an events subscriber from 127.0.0.1: missing or wrong token",
    "this relay accepts Basic authorization only",
])
def test_lines_without_credentials_are_kept(line: str) -> None:
    assert redact(line) == line


def test_the_apps_settings_are_protected_once_created() -> None:
    # no fixture needed: create_app registers what it was given
    token = "another-subscriber-token-3f9a-at-least-32-chars"
    create_app(make_settings(token=token))
    assert token not in redact(f'"WebSocket /events?x={token}" [accepted]')
    assert token not in redact(f"whatever {token} whatever")


def test_a_traceback_is_redacted_too() -> None:
    try:
        raise ValueError(f"bad request to /events?%74oken={TOKEN}")
    except ValueError:
        record = logging.LogRecord("uvicorn.error", logging.ERROR, __file__, 1, "Exception in ASGI application",
                                   None, sys.exc_info())
    RedactTokens().filter(record)
    formatted = logging.Formatter().format(record)
    assert "ValueError" in formatted and TOKEN not in formatted


def relay_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SINCH_")}
    return {**env, "SINCH_APPLICATION_SECRET": SECRET, "SINCH_RELAY_TOKEN": TOKEN, "PYTHONUNBUFFERED": "1"}


@pytest.mark.parametrize("level", ["info", "debug"])
def test_a_percent_encoded_token_name_stays_out_of_the_log(level: str) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "relay", "--port", "0", "--application-key", KEY, "--log-level",
                             level], cwd=ROOT, env=relay_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        line = read_line(proc.stdout)
        assert line.startswith(READY), line
        events = line.split(" on ", 1)[1].strip().replace("http", "ws") + "/events"
        for query in (f"?%74oken={TOKEN}", f"?token={SPELLED_OUT}"):
            with connect(events + query, proxy=None, open_timeout=10) as ws:
                ws.ping().wait(10)  # accepted: a wrong token would be closed with 1008 at once
                assert ws.close_code is None
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert "/events?%74oken=[redacted]" in err  # uvicorn's line is there, the token is not
    assert TOKEN not in err and SPELLED_OUT not in err and SECRET not in err
