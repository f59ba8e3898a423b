"""What `sinch-console serve` refuses to start with (a host beyond loopback, a short token, an origin that is no
origin), where the token may come from, and that its output shows the token on the URL line only."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess

import httpx
import pytest
from serve_helpers import ENTRY, Served, clean_env, handshake_status, running_serve

from console import serve
from console.serve_guard import (
    TOKEN_ENV,
    GuardConfigError,
    RedactTokens,
    allowed_origins,
    check_token,
    is_loopback,
    normalise_origin,
)

GOOD_TOKEN = "a-fixed-token-for-the-tests-0123456789"


def run_serve(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ENTRY), "--sandbox", "serve", *argv], capture_output=True, text=True, timeout=30,
                          env=clean_env(**env))


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "localhost", "LOCALHOST"])
def test_loopback_hosts_need_no_permission(host: str) -> None:
    assert is_loopback(host)
    serve.check_host(host, allow_remote=False)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "10.0.0.1", "console.example.com", ""])
def test_other_hosts_need_allow_remote(host: str) -> None:
    assert not is_loopback(host)
    with pytest.raises(GuardConfigError, match="--allow-remote"):
        serve.check_host(host, allow_remote=False)
    serve.check_host(host, allow_remote=True)


def test_non_loopback_host_is_refused_on_the_command_line() -> None:
    done = run_serve("--host", "0.0.0.0", "--port", "0")
    assert done.returncode == 2 and done.stdout == ""
    assert "--allow-remote" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(("argv", "env", "words"), [
    (["--token", "short"], {}, "at least 32 characters"),
    ([], {TOKEN_ENV: "x" * 31}, "at least 32 characters"),
    (["--token", "a token with spaces that is long enough"], {}, "only letters, digits"),
    (["--allow-origin", "https://console.example.com/path"], {}, "is not an origin"),
    (["--allow-origin", "console.example.com"], {}, "is not an origin"),
    (["--public-url", "console.example.com"], {}, "is not an http(s) URL"),
    (["--allow-frame-ancestor", "'none'; script-src *"], {}, "is not a page origin"),
])
def test_bad_token_or_origin_is_a_usage_error(argv: list[str], env: dict[str, str], words: str) -> None:
    done = run_serve("--port", "0", *argv, **env)
    assert done.returncode == 2, done.stderr
    assert words in done.stderr and done.stdout == "" and "Traceback" not in done.stderr


def test_check_token_accepts_32_url_safe_characters() -> None:
    assert check_token("A" * 32) == "A" * 32
    with pytest.raises(GuardConfigError):
        check_token("A" * 31)


def test_token_comes_from_flag_then_environment_then_chance(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TOKEN_ENV, GOOD_TOKEN)
    assert serve.take_token(None) == GOOD_TOKEN
    assert TOKEN_ENV not in os.environ  # the console sessions inherit the environment: not this
    assert serve.take_token("B" * 40) == "B" * 40
    first, second = serve.take_token(None), serve.take_token(None)
    assert first != second and len(first) >= 43


def test_origins_are_the_served_one_its_loopback_names_the_public_url_and_the_allowed() -> None:
    origins = allowed_origins("127.0.0.1", 8000, "https://Console.Example.com/sinch/", ["http://ops.example:80"])
    assert origins == {"http://127.0.0.1:8000", "http://localhost:8000", "http://[::1]:8000",
                       "https://console.example.com", "http://ops.example"}
    remote = allowed_origins("0.0.0.0", 8000, None, [])
    assert remote == {"http://0.0.0.0:8000"}  # no loopback aliases when the server is not loopback-only


@pytest.mark.parametrize("origin", ["null", "", "file://", "http://a.example/x", "http://u@a.example",
                                    "javascript:alert(1)", "http://a.example:99999", "ws://a.example"])
def test_things_that_are_no_origin(origin: str) -> None:
    assert normalise_origin(origin) is None


def test_redaction_blanks_the_token_and_anything_shaped_like_one() -> None:
    record = logging.LogRecord("aiohttp.access", logging.INFO, __file__, 1,
                               '"GET /ws/%s?width=80 HTTP/1.1" 101 "http://h/?token=%s&x=1" %s', (
                                   GOOD_TOKEN, "guess" * 9, GOOD_TOKEN), None)
    assert RedactTokens(GOOD_TOKEN).filter(record)
    message = record.getMessage()
    assert GOOD_TOKEN not in message and "guess" not in message
    assert message == '"GET /ws/[redacted]?width=80 HTTP/1.1" 101 "http://h/?token=[redacted]&x=1" [redacted]'


def test_token_appears_in_the_output_only_on_the_url_line() -> None:
    with running_serve(env=clean_env(**{TOKEN_ENV: GOOD_TOKEN})) as served:
        assert served.token == GOOD_TOKEN
        exercise_every_way_in(served)
    output = "".join(served.output)
    lines_with_token = [line for line in output.splitlines() if GOOD_TOKEN in line]
    assert lines_with_token == [f"{serve.READY_PREFIX}{served.printed_url}  (open it in a browser; Ctrl+C stops)"]
    assert "/ws/[redacted]" in output and "token=[redacted]" in output  # the requests were logged, blanked


def exercise_every_way_in(served: Served) -> None:
    """The requests whose log lines could carry the token: query, cookie, Referer, websocket path, refusals."""
    page = httpx.get(served.printed_url, headers={"Referer": served.printed_url}, timeout=10)
    assert page.status_code == 200
    assert httpx.get(f"{served.base}/static/css/xterm.css", headers={"Referer": served.printed_url},
                     timeout=10).status_code == 200
    cookies = {served.cookie_name: served.token}
    assert httpx.get(f"{served.base}/nowhere", cookies=cookies, timeout=10).status_code == 404
    assert asyncio.run(handshake_status(f"{served.ws}/{served.token}", origin="http://attacker.example")) == 403
    assert asyncio.run(handshake_status(f"{served.ws}/{served.token}", origin=served.base)) == 101
