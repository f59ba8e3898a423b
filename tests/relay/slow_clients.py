"""Raw-socket clients for the starvation tests: connections that send part of a request and then hang.

Each slow client binds its own loopback source address (127.0.1.N; Linux routes all of 127/8 to lo), so the
per-client limit sees many clients, as it would with an attack from many hosts.
"""

from __future__ import annotations

import contextlib
import select
import socket
import time
from collections.abc import Iterator

import pytest

try:
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]

PARTIAL_HEADERS = b"POST /callback HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\nx-timesta"
PARTIAL_BODY = (b"POST /callback HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\n"
                b"Content-Length: 4000\r\n\r\n{\"event\":\"ice\",")


def ensure_open_files(wanted: int) -> None:
    """Raise this process's soft limit on open files to `wanted`, or skip the test when the hard limit is lower."""
    if resource is None:
        pytest.skip("no rlimits on this platform")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        if hard != resource.RLIM_INFINITY and hard < wanted:
            pytest.skip(f"the hard limit on open files ({hard}) is below {wanted}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def source_address(index: int) -> str:
    return f"127.0.1.{index % 250 + 1}"


def open_slow(port: int, count: int, *, per_address: int) -> list[socket.socket]:
    """`count` connections, `per_address` from each source address; half stop in the headers, half in the body."""
    sockets = []
    for index in range(count):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind((source_address(index // per_address), 0))
        sock.settimeout(10)
        sock.connect(("127.0.0.1", port))
        sock.sendall(PARTIAL_HEADERS if index % 2 else PARTIAL_BODY)
        sockets.append(sock)
    return sockets


@contextlib.contextmanager
def closing_all(sockets: list[socket.socket]) -> Iterator[list[socket.socket]]:
    try:
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


def connect(port: int, source: str = "127.0.0.1", data: bytes = b"") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0))
    if data:
        sock.sendall(data)
    return sock


def answer_of(sock: socket.socket, timeout: float = 10.0) -> bytes:
    """Everything the server sends until it closes the connection (bounded: fails instead of hanging)."""
    deadline = time.monotonic() + timeout
    chunks = []
    while time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            break
        except ConnectionResetError:  # closed with our unread request still in its buffer: a reset, not a FIN
            return b"".join(chunks)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
    raise AssertionError(f"the connection was not closed in {timeout}s; got {b''.join(chunks)[:200]!r}")


def still_waiting(sockets: list[socket.socket]) -> int:
    """How many of `sockets` have been sent nothing and not been closed (the server still waits on them)."""
    poller = select.poll()  # not select(): descriptors above 1024 are out of its range
    for sock in sockets:
        poller.register(sock, select.POLLIN | select.POLLHUP)
    return len(sockets) - len(poller.poll(0))
