"""Starting the real `sinch-console serve` on 127.0.0.1 and talking to it as a browser (or an attacker's page)
would: helpers shared by the serve tests (their fixtures are in conftest)."""

from __future__ import annotations

import asyncio
import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import websockets

from console.serve import READY_PREFIX, free_port

ENTRY = Path(sys.executable).with_name("sinch-console")
FOREIGN_ORIGIN = "http://attacker.example"


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SINCH_")}
    return {**env, **extra}


@dataclass
class Served:
    """A running `sinch-console serve`: the URL it printed and what it has said so far."""

    process: subprocess.Popen[str]
    port: int
    printed_url: str
    output: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def token(self) -> str:
        return self.printed_url.split("?token=", 1)[1]

    @property
    def cookie_name(self) -> str:
        return f"sinch-console-token-{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"


def read_until(process: subprocess.Popen[str], prefix: str, timeout: float, into: list[str]) -> str:
    """Lines of `process` into `into` until one starts with `prefix` (returned); AssertionError on timeout."""
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
            into.append(line)
            if line.startswith(prefix):
                return line
    raise AssertionError(f"no {prefix!r} within {timeout}s (exit code {process.poll()}): {''.join(into)}")


def stop(process: subprocess.Popen[str]) -> str:
    """End the server and every session it spawned (they share its process group); the rest of its output."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    rest = process.stdout.read() if process.stdout is not None else ""
    if process.stdout is not None:
        process.stdout.close()
    return rest


@contextmanager
def running_serve(*serve_args: str, env: dict[str, str] | None = None) -> Iterator[Served]:
    """`sinch-console --sandbox serve` on a free loopback port; on exit, `output` holds everything it printed."""
    port = free_port()
    process = subprocess.Popen(
        [str(ENTRY), "--sandbox", "serve", "--host", "127.0.0.1", "--port", str(port), *serve_args],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env or clean_env(), start_new_session=True,
    )
    output: list[str] = []
    try:
        line = read_until(process, READY_PREFIX, timeout=30, into=output)
        served = Served(process, port, line[len(READY_PREFIX):].split()[0], output)
        yield served
    finally:
        output.append(stop(process))


async def handshake_status(url: str, *, origin: str | None, cookie: str | None = None) -> int:
    """The HTTP status a websocket upgrade to `url` gets (101 when it is accepted)."""
    headers = {"Cookie": cookie} if cookie else {}
    try:
        async with websockets.connect(url, origin=origin, additional_headers=headers, open_timeout=20):
            return 101
    except websockets.exceptions.InvalidStatus as refused:
        return int(refused.response.status_code)


async def first_screen(url: str, needle: bytes, timeout: float, *, origin: str | None,
                       cookie: str | None = None) -> bytes:
    """What the console draws on a websocket opened as the page's JavaScript opens it, until `needle` shows."""
    received = b""
    headers = {"Cookie": cookie} if cookie else {}
    async with websockets.connect(f"{url}?width=120&height=36", origin=origin, additional_headers=headers,
                                  open_timeout=20) as websocket:
        deadline = time.monotonic() + timeout
        while needle not in received:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            message = await asyncio.wait_for(websocket.recv(), timeout=left)
            received += message if isinstance(message, bytes) else message.encode()
    return received
