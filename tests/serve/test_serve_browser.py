"""`sinch-console serve` as a browser meets it: the entry point on 127.0.0.1, the page textual-serve renders,
and its websocket answering with the running console's first screen (the sandbox's demo rooms).

No headless browser here (no chromium on this machine): the websocket stands in for the page's JavaScript,
which opens the same URL with the same query parameters."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys

import httpx
from serve_helpers import ENTRY, Served, clean_env, first_screen

from console.serve import console_command


def test_serve_page_and_websocket_show_the_console(served: Served) -> None:
    assert served.printed_url == f"{served.base}/?token={served.token}"
    page = httpx.get(served.printed_url, timeout=10)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "<div>sinch-console</div>" in page.text  # the app's title on the start dialog
    match = re.search(r'data-session-websocket-url="([^"]+)"', page.text)
    # The page's JavaScript appends ?width=&height= to this URL, so the token rides in its path.
    assert match and match.group(1) == f"{served.ws}/{served.token}"
    assert httpx.get(f"{served.base}/static/js/textual.js", timeout=10).status_code == 200

    screen = asyncio.run(first_screen(match.group(1), b"standup", timeout=30, origin=served.base))
    assert screen.startswith(b"\x1b[?1049h")  # the console took the (browser's) terminal: alternate screen
    assert b"standup" in screen  # and drew the sandbox's demo rooms


def test_serve_command_is_this_environment_s_console_with_the_flags() -> None:
    command = console_command(["--sandbox", "--profile", "my team"])
    assert command.startswith(str(ENTRY) if ENTRY.exists() else sys.executable)
    assert command.endswith("--sandbox --profile 'my team'")


def test_serve_bad_flags_are_usage_errors() -> None:
    for argv in (["serve", "--port", "eighty"], ["serve", "--dance"], ["--profile", "nope", "serve"]):
        done = subprocess.run([str(ENTRY), "--config", os.devnull, *argv], capture_output=True, text=True,
                              timeout=30, env=clean_env())
        assert done.returncode == 2, (argv, done.stderr)
        assert done.stdout == "" and "Traceback" not in done.stderr


def test_serve_help_routes_through_the_cli() -> None:
    from console.cli import SUBCOMMANDS, wants_cli

    assert "serve" in SUBCOMMANDS and wants_cli(["--sandbox", "serve"])
    done = subprocess.run([str(ENTRY), "serve", "--help"], capture_output=True, text=True, timeout=30,
                          env=clean_env())
    assert done.returncode == 0 and "--public-url" in done.stdout
