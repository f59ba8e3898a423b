"""`sinch-console serve` as a browser meets it: the entry point on 127.0.0.1, the page textual-serve renders,
and its websocket answering with the running console's first screen (the sandbox's demo rooms).

No headless browser here (no chromium on this machine): the websocket stands in for the page's JavaScript,
which opens the same URL with the same query parameters."""

from __future__ import annotations

import asyncio
import os
import re
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets

from console.serve import READY_PREFIX, console_command, free_port

ENTRY = Path(sys.executable).with_name("sinch-console")


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("SINCH_")}


def wait_for_line(process: subprocess.Popen[str], prefix: str, timeout: float) -> str:
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
                break
            line = process.stdout.readline()
            if not line:
                break
            if line.startswith(prefix):
                return line
    raise AssertionError(f"no {prefix!r} within {timeout}s (exit code {process.poll()})")


@pytest.fixture
def served() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [str(ENTRY), "--sandbox", "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=clean_env(), start_new_session=True,
    )
    try:
        line = wait_for_line(process, READY_PREFIX, timeout=30)
        url = line[len(READY_PREFIX):].split()[0]
        assert url == f"http://127.0.0.1:{port}"
        yield url
    finally:  # the server and every session it spawned (sessions and their sandboxes share its group)
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


async def first_screen(ws_url: str, needle: bytes, timeout: float) -> bytes:
    received = b""
    async with websockets.connect(f"{ws_url}?width=120&height=36") as websocket:
        deadline = time.monotonic() + timeout
        while needle not in received:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            message = await asyncio.wait_for(websocket.recv(), timeout=left)
            received += message if isinstance(message, bytes) else message.encode()
    return received


def test_serve_page_and_websocket_show_the_console(served: str) -> None:
    page = httpx.get(f"{served}/", timeout=10)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "<div>sinch-console</div>" in page.text  # the app's title on the start dialog
    match = re.search(r'data-session-websocket-url="([^"]+)"', page.text)
    assert match and match.group(1) == served.replace("http://", "ws://") + "/ws"
    assert httpx.get(f"{served}/static/js/textual.js", timeout=10).status_code == 200

    screen = asyncio.run(first_screen(match.group(1), b"standup", timeout=30))
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
