"""Starvation through the other routes: a body dripped one byte at a time to a path that is not the callback.

The callback endpoint puts a deadline on its own body, but `POST /nope` (or /health, /events) with a large
Content-Length is answered at once without reading the body, and uvicorn then waits for the rest of it: each
dripped byte cancels its keep-alive timer, so the connection stayed open for as long as the client liked, and
enough of them (from 127.0.0.1, exempt from the per-client limit) filled the relay. Now the protocol closes a
connection whose response went out before its body was whole, puts a deadline on every request's body, and
counts IPv6 clients per /64.

Real uvicorn on 127.0.0.1 and raw sockets. No assertion on speed: every wait is bounded (it fails instead of
hanging); deadlines that a test waits for are short (0.5 s), the others long (60 s) so they cannot be the cause.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from relay_helpers import body_of, ice, make_settings, signed_headers
from slow_clients import answer_of, closing_all, connect
from waiting import DEADLINE, eventually, eventually_sync

from relay import RunningRelay, start_relay_thread
from relay.limits import ConnectionLimits, ConnectionStats, client_key, guarded_protocol

HANGUP = {"instructions": [], "action": {"name": "hangup"}}
DRIP_BOUND = DEADLINE
"""Seconds a dripping client keeps going before the test gives up on the server closing it (bounds a failure)."""


def drip_request(method: str, path: str, length: int = 1_000_000) -> bytes:
    return f"{method} {path} HTTP/1.1\r\nHost: relay\r\nContent-Length: {length}\r\n\r\n".encode() + b"a"


def drip_until_closed(sock: socket.socket, every: float = 0.05, bound: float = DRIP_BOUND) -> bytes:
    """Send one byte every `every` seconds until the server closes; what it answered. Fails after `bound`."""
    deadline = time.monotonic() + bound
    received = b""
    sock.settimeout(every)
    while time.monotonic() < deadline:
        try:
            sock.sendall(b"a")
        except OSError:  # reset: it closed with our bytes unread
            return received
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        except OSError:
            return received
        if not chunk:
            return received
        received += chunk
    raise AssertionError(f"still open after {bound}s of dripping; got {received[:120]!r}")


def one_response(sock: socket.socket) -> bytes:
    """One whole response (headers and Content-Length bytes of body) from a kept-alive connection."""
    sock.settimeout(10)
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(next(line.split(b":", 1)[1] for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:")))
    while len(body) < length:
        body += sock.recv(65536)
    return head + b"\r\n\r\n" + body


@pytest.fixture
def relay(request: pytest.FixtureRequest) -> Iterator[RunningRelay]:
    running = start_relay_thread(make_settings(**getattr(request, "param", {})))
    yield running
    running.stop()


def genuine_callback(url: str) -> httpx.Response:
    body = body_of(ice())
    with httpx.Client(base_url=url, trust_env=False, timeout=10) as http:
        return http.post("/callback", content=body, headers=signed_headers(body))


@pytest.mark.parametrize("relay", [{"read_timeout": 60.0}], indirect=True)
@pytest.mark.parametrize(("method", "path", "status"), [
    ("POST", "/nope", b"404"), ("POST", "/health", b"405"), ("POST", "/events", b"404"), ("GET", "/health", b"200"),
])
async def test_a_body_dripped_to_another_route_is_cut_once_answered(relay: RunningRelay, method: str, path: str,
                                                                     status: bytes) -> None:
    with closing_all([connect(relay.port, data=drip_request(method, path))]) as [sock]:
        answer = await asyncio.to_thread(drip_until_closed, sock)
    assert answer.startswith(b"HTTP/1.1 " + status + b" ")
    await eventually(lambda: relay.app.state.connections.open == 0, what="every connection closed")


@pytest.mark.parametrize("relay", [{"read_timeout": 60.0, "max_connections": 30}], indirect=True)
async def test_a_genuine_callback_is_answered_while_slow_drips_to_other_routes_hang(relay: RunningRelay) -> None:
    # the reviewer's starve3: drips from 127.0.0.1 (a local proxy: exempt from the per-client limit) until the
    # total limit is reached; they used to hold every place, so /health and callbacks got 503
    stats = relay.app.state.connections
    paths = ["/nope", "/health", "/events"]
    drippers = [connect(relay.port, data=drip_request("POST", paths[n % 3])) for n in range(30)]
    stop = threading.Event()

    def keep_dripping() -> None:
        while not stop.wait(0.05):
            for sock in drippers:
                with contextlib.suppress(OSError):
                    sock.send(b"a")

    dripping = threading.Thread(target=keep_dripping, daemon=True)
    dripping.start()
    try:
        await eventually(lambda: stats.open == 0, what="the drippers closed")  # answered, closed, dripping or not
        response = await asyncio.to_thread(genuine_callback, relay.url)
        assert response.status_code == 200 and response.json() == HANGUP
    finally:
        stop.set()
        dripping.join(5)
        for sock in drippers:
            sock.close()
    assert stats.refused == 0 and relay.hub.relayed == 1


@pytest.mark.parametrize("relay", [{"read_timeout": 0.5}], indirect=True)
async def test_line_breaks_dripped_between_requests_do_not_hold_a_connection(relay: RunningRelay) -> None:
    # a bare CRLF between requests starts none, yet it cancelled uvicorn's keep-alive timer: open for ever
    with closing_all([connect(relay.port, data=b"GET /health HTTP/1.1\r\nHost: relay\r\n\r\n")]) as [sock]:
        assert one_response(sock).startswith(b"HTTP/1.1 200 ")

        def drip_line_breaks() -> bytes:
            deadline = time.monotonic() + DRIP_BOUND
            sock.settimeout(0.05)
            while time.monotonic() < deadline:
                try:
                    sock.sendall(b"\r\n")
                    if not (chunk := sock.recv(65536)):
                        return b""
                    return chunk + answer_of(sock)
                except TimeoutError:
                    continue
                except OSError:
                    return b""
            raise AssertionError(f"still open after {DRIP_BOUND}s of line breaks")

        answer = await asyncio.to_thread(drip_line_breaks)
    assert answer == b"" or answer.startswith(b"HTTP/1.1 408 ")
    await eventually(lambda: relay.app.state.connections.open == 0, what="every connection closed")


async def reads_its_body_slowly(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
    """An app with no deadline of its own: reads the whole body, then answers (as any handler reading one)."""
    if scope["type"] != "http":
        return
    while (message := await receive())["type"] == "http.request" and message.get("more_body"):
        pass
    if message["type"] == "http.disconnect":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})


@contextlib.contextmanager
def guarded_server(limits: ConnectionLimits, stats: ConnectionStats) -> Iterator[int]:
    """uvicorn with the relay's protocol around `reads_its_body_slowly`, on a free loopback port."""
    config = uvicorn.Config(reads_its_body_slowly, host="127.0.0.1", port=0, lifespan="off", log_level="warning",
                            http=guarded_protocol(limits, stats), timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    eventually_sync(lambda: server.started or not thread.is_alive(), step=0.01, what="the test server's start")
    assert thread.is_alive(), "the test server did not start"
    try:
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(10)


async def test_every_request_body_has_a_deadline_in_the_protocol() -> None:
    limits = ConnectionLimits(max_connections=10, max_per_client=0, header_timeout=60.0, body_timeout=0.5)
    stats = ConnectionStats()
    with guarded_server(limits, stats) as port:
        with closing_all([connect(port, data=drip_request("POST", "/anything", length=60_000))]) as [sock]:
            answer = await asyncio.to_thread(drip_until_closed, sock, 0.1)
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 408 ") and b"connection: close" in head
        assert b"the body did not arrive in time" in body
        assert stats.bodies_cut == 1
        # a body that does arrive is read and answered as usual, on the same kind of connection
        whole = b"POST /anything HTTP/1.1\r\nHost: relay\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc"
        with closing_all([connect(port, data=whole)]) as [sock]:
            assert (await asyncio.to_thread(answer_of, sock)).startswith(b"HTTP/1.1 200 ")
        assert stats.bodies_cut == 1


@pytest.mark.parametrize(("host", "key"), [
    ("2001:db8:1:2::a", "2001:db8:1:2::/64"),
    ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
    ("2001:db8:1:3::a", "2001:db8:1:3::/64"),
    ("::ffff:192.0.2.7", "192.0.2.7"),
    ("192.0.2.7", "192.0.2.7"),
    ("fe80::1%eth0", "fe80::/64"),
    ("not an address", "not an address"),
])
def test_ipv6_clients_are_counted_per_64(host: str, key: str) -> None:
    # a single IPv6 customer is usually given a /64: counting per address would give one attacker 2**64 shares
    assert client_key(host) == key


class FakeSocket:
    def __init__(self, host: str) -> None:
        self.host = host

    def getpeername(self) -> tuple[str, int, int, int]:
        return (self.host, 40000, 0, 0)  # what an AF_INET6 socket gives

    def getsockname(self) -> tuple[str, int, int, int]:
        return ("::1", 8000, 0, 0)


class FakeTransport:
    """Enough of an asyncio transport for the protocol's connection_made: a peer address, writes, close."""

    def __init__(self, host: str) -> None:
        self.socket = FakeSocket(host)
        self.written = b""
        self.closing = False

    def get_extra_info(self, name: str, default: object = None) -> object:
        return self.socket if name == "socket" else default

    def write(self, data: bytes) -> None:
        self.written += data

    def close(self) -> None:
        self.closing = True

    def is_closing(self) -> bool:
        return self.closing

    def pause_reading(self) -> None: ...

    def resume_reading(self) -> None: ...


async def test_the_per_client_limit_holds_one_ipv6_64_to_its_share() -> None:
    limits = ConnectionLimits(max_connections=100, max_per_client=2, header_timeout=60.0, body_timeout=60.0)
    stats = ConnectionStats()
    protocol = guarded_protocol(limits, stats)
    config = uvicorn.Config(reads_its_body_slowly, lifespan="off")
    config.load()
    state = uvicorn.server.ServerState()
    opened = []
    for host in ("2001:db8:1:2::a", "2001:db8:1:2::b", "2001:db8:1:2::c", "2001:db8:1:3::a"):
        connection = protocol(config=config, server_state=state, app_state={})
        transport = FakeTransport(host)
        connection.connection_made(transport)  # type: ignore[arg-type]
        opened.append((connection, transport))
    try:
        assert [t.written[:12] for _, t in opened] == [b"", b"", b"HTTP/1.1 503", b""]
        assert stats.refused == 1 and stats.open == 3
    finally:
        for connection, _ in opened:
            connection.connection_lost(None)
    assert stats.open == 0
