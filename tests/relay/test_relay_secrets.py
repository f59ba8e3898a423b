"""Where the relay's secrets come from (file, environment, flag with a warning), two secrets during a rotation,
and no token or Authorization value in any log line, at debug level included."""

from __future__ import annotations

import base64
import logging
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from relay_helpers import KEY, SECRET, TOKEN, Callbacks, ace, assert_refused, body_of, make_settings, signed_headers
from websockets.sync.client import connect

from relay import create_app
from relay.__main__ import build_settings, parse_args
from relay.redact import RedactTokens, redact

ROOT = Path(__file__).resolve().parents[2]
NEW_SECRET = base64.b64encode(b"the-secret-after-rotation").decode()
STRANGER = base64.b64encode(b"a-secret-nobody-configured").decode()


def settings_from(argv: list[str], environ: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    warnings: list[str] = []
    settings = build_settings(parse_args(["--application-key", KEY, *argv]), environ=environ or {},
                              warn=warnings.append)
    return settings, warnings


def secret_file(tmp_path: Path, name: str, text: str, mode: int = 0o600) -> str:
    path = tmp_path / name
    path.write_text(text + "\n")
    path.chmod(mode)
    return str(path)


async def test_during_a_rotation_both_secrets_verify() -> None:
    app = create_app(make_settings(application_secret=NEW_SECRET, previous_application_secret=SECRET))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://relay") as http:
        callbacks = Callbacks(http)
        assert (await callbacks.post(ace(call_id="new"), secret=NEW_SECRET)).status_code == 200
        assert (await callbacks.post(ace(call_id="old"), secret=SECRET)).status_code == 200
        assert_refused(await callbacks.post(ace(call_id="stranger"), secret=STRANGER))
        health = (await http.get("/health")).json()
        assert health["relayed"] == 2 and health["previous_secret"] == 1


async def test_without_a_previous_secret_the_old_one_is_refused() -> None:
    app = create_app(make_settings(application_secret=NEW_SECRET))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://relay") as http:
        assert_refused(await Callbacks(http).post(ace(), secret=SECRET))


def test_secrets_come_from_the_environment_without_a_warning() -> None:
    settings, warnings = settings_from([], {"SINCH_APPLICATION_SECRET": NEW_SECRET, "SINCH_RELAY_TOKEN": TOKEN,
                                            "SINCH_APPLICATION_SECRET_PREVIOUS": SECRET})
    assert settings.secrets == (NEW_SECRET, SECRET) and settings.token == TOKEN and warnings == []


def test_secrets_come_from_files(tmp_path: Path) -> None:
    settings, warnings = settings_from([
        "--application-secret-file", secret_file(tmp_path, "secret", NEW_SECRET),
        "--previous-application-secret-file", secret_file(tmp_path, "previous", SECRET),
        "--token-file", secret_file(tmp_path, "token", TOKEN, 0o400),
    ], {"SINCH_APPLICATION_SECRET": STRANGER})  # a file wins over the environment
    assert settings.secrets == (NEW_SECRET, SECRET) and settings.token == TOKEN and warnings == []


def test_a_file_others_may_read_is_used_with_a_warning(tmp_path: Path) -> None:
    path = secret_file(tmp_path, "secret", NEW_SECRET, 0o644)
    settings, warnings = settings_from(["--application-secret-file", path], {"SINCH_RELAY_TOKEN": TOKEN})
    assert settings.application_secret == NEW_SECRET
    assert warnings == [f"{path} may be read by other users (mode 644): chmod 600 {path}"]


def test_a_secret_flag_works_but_warns_that_ps_shows_it() -> None:
    settings, warnings = settings_from(["--application-secret", NEW_SECRET, "--token", TOKEN])
    assert settings.application_secret == NEW_SECRET
    assert len(warnings) == 2 and all("visible to other users" in w for w in warnings)
    assert "$SINCH_APPLICATION_SECRET or --application-secret-file" in warnings[0]
    assert NEW_SECRET not in " ".join(warnings) and TOKEN not in " ".join(warnings)


@pytest.mark.parametrize(("argv", "words"), [
    (["--application-secret-file", "/nonexistent/secret"], "cannot read --application-secret-file "
                                                           "/nonexistent/secret: No such file or directory"),
    (["--application-secret-file", "{empty}"], "is empty"),
    (["--application-secret-file", "{file}", "--application-secret", SECRET], "not both"),
    (["--previous-application-secret-file", "{garbage}"], "the previous application secret is not valid base64"),
])
def test_unreadable_or_doubled_secrets_are_worded(tmp_path: Path, argv: list[str], words: str) -> None:
    files = {"{empty}": secret_file(tmp_path, "empty", ""), "{file}": secret_file(tmp_path, "secret", SECRET),
             "{garbage}": secret_file(tmp_path, "garbage", "not base64!")}
    argv = [files.get(arg, arg) for arg in argv]
    with pytest.raises(ValueError) as refused:
        settings_from(argv, {"SINCH_APPLICATION_SECRET": SECRET, "SINCH_RELAY_TOKEN": TOKEN})
    assert words in str(refused.value) and "not base64!" not in str(refused.value)


def test_the_command_line_warns_on_stderr() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SINCH_")}
    done = subprocess.run([sys.executable, "-m", "relay", "--application-key", KEY, "--application-secret", SECRET,
                           "--token", "short"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "--application-secret on the command line is visible to other users" in done.stderr
    assert "the subscriber token is 5 characters: use at least 32" in done.stderr
    assert SECRET not in done.stderr + done.stdout


def test_no_token_in_the_debug_log() -> None:
    # the websockets library logs every handshake header at debug level through uvicorn's logger
    env = {k: v for k, v in os.environ.items() if not k.startswith("SINCH_")}
    env |= {"SINCH_APPLICATION_SECRET": SECRET, "SINCH_RELAY_TOKEN": TOKEN, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "relay", "--port", "0", "--application-key", KEY, "--log-level",
                             "debug"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().split(" on ", 1)[1].strip()  # type: ignore[union-attr]
        events = url.replace("http", "ws") + "/events"
        with connect(events, additional_headers={"Authorization": f"Bearer {TOKEN}"}, proxy=None, open_timeout=10), \
                connect(f"{events}?token={TOKEN}", proxy=None, open_timeout=10), \
                httpx.Client(base_url=url, trust_env=False) as http:
            body = body_of(ace())
            headers = signed_headers(body)
            assert http.post("/callback", content=body, headers=headers).status_code == 200
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert "authorization: [redacted]" in err.lower()  # the line is there, its value is not
    assert TOKEN not in err and SECRET not in err and headers["Authorization"].split(":")[-1] not in err


@pytest.mark.parametrize(("line", "kept"), [
    ("< authorization: Bearer abc.def-123", "< authorization: [redacted]"),
    ("< Authorization: Application key:c2lnbmF0dXJl", "< Authorization: [redacted]"),
    ("> Proxy-Authorization: Basic dXNlcjpwYXNz", "> Proxy-Authorization: [redacted]"),
    ('"WebSocket /events?token=abc&x=1" [accepted]', '"WebSocket /events?token=[redacted]&x=1" [accepted]'),
    ("sent Bearer abc.def in a message", "sent Bearer [redacted] in a message"),
    ("this relay accepts Basic authorization only", "this relay accepts Basic authorization only"),
])
def test_redaction(line: str, kept: str) -> None:
    assert redact(line) == kept
    record = logging.LogRecord("uvicorn.error", logging.DEBUG, __file__, 1, "%s", (line,), None)
    RedactTokens().filter(record)
    assert record.getMessage() == kept
