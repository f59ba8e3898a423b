"""The websocket client of a relay's `/events`: connects with the token, yields parsed events, reconnects.

    subscriber = EventSubscriber("ws://127.0.0.1:8600/events", token, on_state=show)
    async for event in subscriber.events():      # runs until stop(), a refusal, or the task is cancelled
        ...

It never raises into the caller: a relay that is down, restarting or unreachable is retried with a capped,
jittered backoff (so a hundred consoles do not reconnect in step); a refused token (the relay closes with 1008,
or an HTTP 401/403) stops it, since trying again cannot help. Each change of connection state goes to
`on_state`: connecting, live, retrying in N s, refused: bad token.

The token goes in an `Authorization: Bearer` header, never in the URL (URLs end up in logs).

Relays that share a stream (Redis: relay/stream.py) give each event a stream id; after a reconnect the
subscriber asks for what it missed with `?since=<the last id it saw>`, and the relay sends that first (or a
"dropped N" notice for what left the stream meanwhile), so a restart of a relay, or a move to another one
behind the same proxy, loses nothing. A single relay's events carry no id: it reconnects for new events only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

from api.backoff import Backoff as BackoffPolicy
from console.events.model import RelayEvent, parse_message

log = logging.getLogger("console.events")
POLICY_VIOLATION = 1008
OPEN_TIMEOUT = 10.0
MAX_MESSAGE = 1024 * 1024
REFUSAL_GRACE = 0.25
"""The relay refuses a token by accepting the websocket and closing it at once with 1008: "live" is said only
once the connection has survived this long (or carried an event), so a bad token never flashes "live"."""
STEADY = 10.0
"""Seconds a connection must last before a failure starts the backoff again from its first step."""

StateKind = Literal["connecting", "live", "retrying", "refused", "stopped"]


@dataclass(frozen=True)
class ConnectionState:
    kind: StateKind
    retry_in: float | None = None
    """Seconds until the next attempt (retrying)."""
    reason: str = ""

    def describe(self) -> str:
        """Words for a title: "live", "retrying in 4 s (connection refused)", "refused: bad token"."""
        if self.kind == "retrying":
            seconds = f"{self.retry_in:.0f}" if self.retry_in and self.retry_in >= 1 else f"{self.retry_in or 0:.1f}"
            return f"retrying in {seconds} s" + (f" ({self.reason})" if self.reason else "")
        if self.kind == "refused":
            return f"refused: {self.reason}" if self.reason else "refused"
        return self.kind


CONNECTING = ConnectionState("connecting")
LIVE = ConnectionState("live")
STOPPED = ConnectionState("stopped")


RECONNECT_BACKOFF = BackoffPolicy(base=0.5, cap=30.0, jitter=0.5)
"""Between attempts to reach the relay: jittered, so a hundred consoles do not reconnect in step."""


@dataclass(frozen=True)
class Backoff:
    """The subscriber's settings for `api.backoff.Backoff`, counted from 0 (the wait after the first failure
    is `base`): base * 2**n capped at `cap`, times a random factor in [1 - jitter, 1]."""

    base: float = RECONNECT_BACKOFF.base
    cap: float = RECONNECT_BACKOFF.cap
    jitter: float = RECONNECT_BACKOFF.jitter

    def delay(self, failures: int, rng: Callable[[], float] = random.random) -> float:
        return BackoffPolicy(self.base, self.cap, self.jitter).delay(failures + 1, rng=rng)


def with_since(url: str, since: str | None) -> str:
    """`url` asking for the events after `since` (a stream id), replacing any `since` it had."""
    if not since:
        return url
    parts = urlsplit(url)
    query = [(name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True) if name != "since"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("since", since)])))


def events_url(url: str) -> str:
    """The websocket URL to open: http(s) becomes ws(s), and a bare host gets `/events`."""
    parts = urlsplit(url.strip())
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme.lower(), parts.scheme.lower())
    path = parts.path if parts.path not in ("", "/") else "/events"
    return urlunsplit((scheme, parts.netloc, path, parts.query, ""))


class EventSubscriber:
    """One subscription to one relay; `events()` may be iterated once at a time."""

    def __init__(self, url: str, token: str, *, on_state: Callable[[ConnectionState], object] | None = None,
                 backoff: Backoff | None = None, open_timeout: float = OPEN_TIMEOUT,
                 rng: Callable[[], float] = random.random,
                 sleep: Callable[[float], Awaitable[object]] | None = None) -> None:
        self.url = events_url(url)
        self._token = token
        self._on_state = on_state
        self.backoff = backoff or Backoff()
        self.open_timeout = open_timeout
        self._rng = rng
        self._sleep = sleep
        self.state: ConnectionState = CONNECTING
        self.connections = 0
        """Connections opened so far (a test sees a reconnect by this going up)."""
        self.ignored = 0
        """Messages that were not relay events (not JSON, not an object)."""
        self.last_id: str | None = None
        """The stream id of the last event received (relays sharing a stream): the next connection resumes after
        it."""
        self._stopping = asyncio.Event()
        self._websocket: ClientConnection | None = None
        self._closing: asyncio.Task[None] | None = None

    def __repr__(self) -> str:  # the token stays out of tracebacks and logs
        return f"EventSubscriber({self.url!r}, state={self.state.kind})"

    def stop(self) -> None:
        """End `events()`: a backoff wait ends at once, an open connection is closed (call it on the loop that
        iterates)."""
        self._stopping.set()
        websocket = self._websocket
        if websocket is not None:
            with contextlib.suppress(RuntimeError):  # no running loop: the next step sees `stopped`
                self._closing = asyncio.get_running_loop().create_task(websocket.close())

    @property
    def stopped(self) -> bool:
        return self._stopping.is_set()

    async def events(self) -> AsyncIterator[RelayEvent]:
        try:
            async for event in self._events():
                yield event
        finally:
            if self.state.kind != "refused":
                self._set(STOPPED)

    async def _events(self) -> AsyncIterator[RelayEvent]:
        # imported here, not with the module: the app builds its feed while it starts, before the first roster
        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed, InvalidStatus, InvalidURI

        failures = 0
        loop = asyncio.get_running_loop()
        while not self.stopped:
            self._set(CONNECTING)
            opened_at: float | None = None
            reason = ""
            try:
                async with connect(with_since(self.url, self.last_id),
                                   additional_headers={"Authorization": f"Bearer {self._token}"}, proxy=None,
                                   open_timeout=self.open_timeout, compression=None, max_size=MAX_MESSAGE,
                                   ping_interval=20, ping_timeout=20) as websocket:
                    self._websocket = websocket
                    opened_at = loop.time()
                    self.connections += 1
                    first: str | bytes | None = None
                    with contextlib.suppress(TimeoutError):
                        first = await asyncio.wait_for(websocket.recv(), REFUSAL_GRACE)
                    self._set(LIVE)
                    if first is not None:
                        event = parse_message(first)
                        if event is None:
                            self.ignored += 1
                        else:
                            self._note(event)
                            yield event
                    async for message in websocket:
                        if self.stopped:
                            break
                        event = parse_message(message)
                        if event is None:
                            self.ignored += 1
                            continue
                        self._note(event)
                        yield event
                reason = "the relay closed the connection"
            except ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd is not None else None
                if code == POLICY_VIOLATION:
                    self._set(ConnectionState("refused", reason="bad token"))
                    return
                reason = f"closed with {code}" if code else "connection lost"
            except InvalidStatus as error:
                status = error.response.status_code
                if status in (401, 403):
                    self._set(ConnectionState("refused", reason="bad token"))
                    return
                reason = f"HTTP {status}" + (" (is this the relay's /events URL?)" if status == 404 else "")
            except InvalidURI:
                self._set(ConnectionState("refused", reason=f"not a websocket URL: {self.url}"))
                return
            except TimeoutError:
                reason = "no answer"
            except OSError as error:
                reason = _os_reason(error)
            except Exception as error:  # a handshake or protocol failure: try again later, never crash the app
                log.warning("events subscriber: %r", error)
                reason = type(error).__name__
            finally:
                self._websocket = None
            if self.stopped:
                return
            if opened_at is not None and loop.time() - opened_at >= STEADY:
                failures = 0
            delay = self.backoff.delay(failures, self._rng)
            failures += 1
            self._set(ConnectionState("retrying", retry_in=delay, reason=reason))
            await self._wait(delay)

    def _note(self, event: RelayEvent) -> None:
        if event.stream_id is not None:
            self.last_id = event.stream_id

    async def _wait(self, seconds: float) -> None:
        if self._sleep is not None:
            await self._sleep(seconds)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    def _set(self, state: ConnectionState) -> None:
        self.state = state
        if self._on_state is not None:
            try:
                self._on_state(state)
            except Exception:  # a listener's bug must not end the subscription
                log.exception("events subscriber: the state listener failed")


def _os_reason(error: OSError) -> str:
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    return error.strerror or type(error).__name__
