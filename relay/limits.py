"""Connection limits uvicorn leaves out, so strangers who can reach the callback URL cannot starve it.

uvicorn with httptools puts no deadline on a request's headers and no bound on their size, and its
`limit_concurrency` answers 503 only once a request's headers are complete: a client that sends its headers a
byte at a time holds a connection, and a file descriptor, for as long as it likes. When the descriptors run
out, the server stops accepting, and Sinch's genuine callbacks time out. `guarded_protocol()` makes the HTTP
protocol class uvicorn runs, with:

- at most `max_connections` open connections (websocket subscribers included); one more is answered 503 and
  closed at once, so its descriptor comes back now rather than when it gives up;
- at most `max_per_client` open HTTP connections per IP address (0: no limit). 127.0.0.1 and ::1 are not held
  to it: a reverse proxy on the same host (the usual way to put the relay behind TLS) is one address for all
  of its clients, Sinch included, and a stranger filling its share would lock Sinch out. A proxy elsewhere
  needs `--max-connections-per-client 0` (and limits of its own);
- a deadline on the headers: complete within `header_timeout` of the connection opening (or, on a kept-alive
  connection, of the next request's first byte), and within `max_header_bytes`; else 408 / 431 and closed;
- a deadline on every request's body, whatever its route: complete within `body_timeout` of the headers, else
  408 (or, once an answer has started, just closed). The callback endpoint has its own, as a backstop;
- a connection whose response went out before its body was whole is closed: uvicorn would otherwise go on
  reading the rest, and each byte dripped to `POST /nope` with a large Content-Length cancels its keep-alive
  timer, so 2,400 such from 127.0.0.1 held every place. Line breaks dripped between requests (they start
  none) cancel it too: they get the header deadline;
- IPv6 clients counted per /64 (what one customer is usually given), IPv4-mapped ones as their IPv4 address.

The body's size limit is the callback endpoint's (relay.callback). `fit_open_file_limit()` raises the
process's soft limit on open files so `max_connections` can really be open at once.

All of it runs on the server's event loop thread; the per-client counts need no lock.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle

from relay.errors import new_reference

try:
    import resource
except ImportError:  # Windows: no rlimits to raise
    resource = None  # type: ignore[assignment]  # the module's name stays bound; callers check for None

log = logging.getLogger("relay.limits")
MAX_HEADER_BYTES = 32 * 1024
"""Bytes of request line and headers; Sinch's are well under 2 KiB (uvicorn's h11 default is 16 KiB)."""
LOCAL_PROXY_ADDRESSES = frozenset({"127.0.0.1", "::1", "::ffff:127.0.0.1"})
"""Where a reverse proxy on this host connects from: not held to the per-client limit."""
RESERVED_FILES = 64
"""Descriptors kept for what is not a connection: the listening socket, logs, the console running us."""
NOTICE_EVERY = 10.0
"""Seconds between two log lines about the same kind of refusal (an attack must not flood the log)."""


@dataclass
class ConnectionStats:
    """For `/health`: HTTP connections open now (websockets not included), connections refused over a limit, cut
    off for slow or oversized headers, and requests cut off for a body that did not arrive in time."""

    open: int = 0
    refused: int = 0
    cut: int = 0
    bodies_cut: int = 0


@dataclass(frozen=True)
class ConnectionLimits:
    max_connections: int
    max_per_client: int
    header_timeout: float
    body_timeout: float
    max_header_bytes: int = MAX_HEADER_BYTES
    exempt: frozenset[str] = LOCAL_PROXY_ADDRESSES
    """Addresses not held to `max_per_client` (still counted in `max_connections`)."""


@dataclass
class Notices:
    """One warning per kind of refusal every NOTICE_EVERY seconds, saying how many happened since the last."""

    clock: Callable[[], float] = time.monotonic
    _last: dict[str, float] = field(default_factory=dict)
    _counts: Counter[str] = field(default_factory=Counter)

    def warn(self, kind: str, message: str) -> None:
        self._counts[kind] += 1
        now = self.clock()
        if now - self._last.get(kind, -math.inf) >= NOTICE_EVERY:
            log.warning("%s (%d since the last such notice)", message, self._counts.pop(kind))
            self._last[kind] = now


def guarded_protocol(limits: ConnectionLimits, stats: ConnectionStats) -> type[HttpToolsProtocol]:
    """An HttpToolsProtocol subclass enforcing `limits` (pass it to uvicorn.Config(http=...)), counting in `stats`."""
    per_client: Counter[str] = Counter()
    notices = Notices()

    class GuardedHttpToolsProtocol(HttpToolsProtocol):
        _client_key: str | None = None
        _header_deadline: asyncio.TimerHandle | None = None
        _header_bytes = 0
        _body_deadline: asyncio.TimerHandle | None = None
        _body_cycle: RequestResponseCycle | None = None
        """The request whose body is still coming (None once it is whole)."""

        # uvicorn narrows asyncio.Protocol's BaseTransport to Transport and ignores the override itself
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            host = self.client[0] if self.client else "?"
            key = client_key(host)
            if len(self.connections) > limits.max_connections:
                self._answer_and_close(503, "refused", f"refused connections: {limits.max_connections} "
                                       "are open (--max-connections)")
            elif limits.max_per_client and host not in limits.exempt and per_client[key] >= limits.max_per_client:
                self._answer_and_close(503, "refused", f"refused connections from {key}: it has "
                                       f"{limits.max_per_client} open (--max-connections-per-client)")
            else:
                per_client[key] += 1
                stats.open += 1
                self._client_key = key
                self._arm_header_deadline()

        def data_received(self, data: bytes) -> None:
            if self.transport.is_closing():
                return
            idle = self.timeout_keep_alive_task is not None  # between two requests
            super().data_received(data)
            if idle and self._header_deadline is None and self._body_deadline is None \
                    and not self.transport.is_closing() and (self.cycle is None or self.cycle.response_complete):
                # bytes that start no request (a bare CRLF) still cancelled uvicorn's keep-alive timer
                self._arm_header_deadline()
            if self._header_deadline is not None and not self.transport.is_closing():
                # still in the headers after this chunk: all of it was headers (or a pipelined request's body)
                self._header_bytes += len(data)
                if self._header_bytes > limits.max_header_bytes:
                    self._answer_and_close(431, "cut", f"cut off connections whose headers passed "
                                           f"{limits.max_header_bytes} bytes")

        def on_message_begin(self) -> None:
            super().on_message_begin()
            if self._header_deadline is None:
                self._arm_header_deadline()

        def on_headers_complete(self) -> None:
            self._disarm_header_deadline()
            super().on_headers_complete()
            upgrade = self.parser.should_upgrade() and self._should_upgrade()
            if not upgrade and not self.transport.is_closing():
                self._disarm_body_deadline()
                self._body_cycle = self.cycle
                self._body_deadline = self.loop.call_later(limits.body_timeout, self._body_too_slow)

        def on_message_complete(self) -> None:
            self._disarm_body_deadline()
            super().on_message_complete()

        def on_response_complete(self) -> None:
            if self._body_cycle is not None and self._body_cycle.response_complete:
                # answered before its body was whole: reading the rest is all a slow client would have us do
                self._disarm_body_deadline()
                self.transport.close()
            super().on_response_complete()

        def handle_websocket_upgrade(self) -> None:
            self._release()  # a subscriber now: --max-subscribers counts it, not the per-client limit
            self._disarm_body_deadline()
            super().handle_websocket_upgrade()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm_header_deadline()
            self._disarm_body_deadline()
            self._release()
            super().connection_lost(exc)

        def _disarm_body_deadline(self) -> None:
            if self._body_deadline is not None:
                self._body_deadline.cancel()
                self._body_deadline = None
            self._body_cycle = None

        def _body_too_slow(self) -> None:
            cycle = self._body_cycle
            self._body_deadline, self._body_cycle = None, None
            if self.transport.is_closing():
                return
            stats.bodies_cut += 1
            notices.warn("body408", f"cut off requests whose body did not arrive within {limits.body_timeout:g}s "
                                    "(--read-timeout)")
            if cycle is not None and cycle is self.cycle and not cycle.response_started and not self.pipeline:
                self.transport.write(raw_error(408, BODY_TOO_SLOW))
                cycle.disconnected = True  # whatever the app still sends goes nowhere; its receive() says so
                cycle.message_event.set()
            self.transport.close()

        def _arm_header_deadline(self) -> None:
            self._header_bytes = 0
            self._header_deadline = self.loop.call_later(limits.header_timeout, self._headers_too_slow)

        def _disarm_header_deadline(self) -> None:
            if self._header_deadline is not None:
                self._header_deadline.cancel()
                self._header_deadline = None

        def _headers_too_slow(self) -> None:
            self._header_deadline = None
            if not self.transport.is_closing():
                self._answer_and_close(408, "cut", f"cut off connections that sent no complete headers "
                                       f"within {limits.header_timeout:g}s (--read-timeout)")

        def _release(self) -> None:
            if self._client_key is not None:
                per_client[self._client_key] -= 1
                stats.open -= 1
                if per_client[self._client_key] <= 0:
                    del per_client[self._client_key]
                self._client_key = None

        def _answer_and_close(self, status: int, counter: str, notice: str) -> None:
            setattr(stats, counter, getattr(stats, counter) + 1)
            notices.warn(counter + str(status), notice)
            self._disarm_header_deadline()
            self.transport.write(raw_error(status))
            self.transport.close()

    return GuardedHttpToolsProtocol


def client_key(host: str) -> str:
    """What the per-client limit counts by: an IPv4 address, or an IPv6 address's /64 (one customer's usual
    share: counting single IPv6 addresses would give one attacker 2**64 places)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:  # not an address (a unix socket's "?"): counted as it is
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((int(address) >> 64 << 64, 64)))
    return str(address)


_REASONS = {408: ("Request Timeout", 40001, "Invalid request: the headers did not arrive in time"),
            431: ("Request Header Fields Too Large", 40001, "Invalid request: the headers are too large"),
            503: ("Service Unavailable", 50300, "Service unavailable: too many connections, try again later")}
BODY_TOO_SLOW = "Invalid request: the body did not arrive in time"


def raw_error(status: int, message: str = "") -> bytes:
    """A whole HTTP/1.1 answer in the Sinch error shape, written before (or instead of) reading a request."""
    phrase, code, default = _REASONS[status]
    message = message or default
    body = json.dumps({"errorCode": code, "message": message, "reference": new_reference()}).encode()
    retry = b"retry-after: 5\r\n" if status == 503 else b""
    return (f"HTTP/1.1 {status} {phrase}\r\ncontent-type: application/json\r\n".encode() + retry
            + f"content-length: {len(body)}\r\nconnection: close\r\n\r\n".encode() + body)


def fit_open_file_limit(max_connections: int) -> int:
    """Raise the soft limit on open files so `max_connections` fit; return how many really do (worded warning)."""
    if resource is None:
        return max_connections
    wanted = max_connections + RESERVED_FILES
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return max_connections
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    except (ValueError, OSError):
        pass
    if soft >= wanted:
        return max_connections
    fitted = max(1, soft - RESERVED_FILES)
    log.warning("the open-file limit (%d, hard %d) leaves room for %d connections, not %d: raise `ulimit -n` "
                "or lower --max-connections", soft, hard, fitted, max_connections)
    return fitted
