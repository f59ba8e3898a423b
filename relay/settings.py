"""What one relay needs to run: the application it accepts callbacks for, the subscribers' token, the rules,
and the limits that keep a stranger who can reach the callback URL from starving or flooding it.

A frozen dataclass, checked once at start-up so a typo fails with a sentence before Sinch sends anything.
The secrets and the token are left out of `repr()`: settings end up in tracebacks and debug logs.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Literal

from relay.rules import Rules

AuthMode = Literal["signed", "basic", "either"]
AUTH_MODES: tuple[AuthMode, ...] = ("signed", "basic", "either")
DEFAULT_QUEUE_SIZE = 1000
# Stripe's tolerance: long enough for clock skew and Sinch's own delays, short enough to bound the replay memory.
DEFAULT_MAX_AGE = 300.0
# Sinch callbacks are a few hundred bytes (an ICE with SIP headers a few KB). The body is read before the
# signature can be checked, so anyone who can reach the URL could otherwise make us buffer any amount.
DEFAULT_MAX_BODY = 64 * 1024
DEFAULT_READ_TIMEOUT = 5.0
DEFAULT_MAX_CONNECTIONS = 2048
DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 64
DEFAULT_MAX_SUBSCRIBERS = 100
DEFAULT_REPLAY_CAPACITY = 100_000
DEFAULT_RETENTION = "100000"
"""Events a shared stream keeps for subscribers that reconnect (`--retention`: a count, or a time like 24h)."""
DEFAULT_REDIS_BUFFER = 10_000
"""Events one relay keeps while Redis is unreachable, to append once it is back; beyond it the oldest are lost."""
MIN_TOKEN_LENGTH = 32
TOKEN_HINT = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"


@dataclass(frozen=True)
class RelaySettings:
    """One relay: accepts callbacks of one Sinch application and serves its events to token holders."""

    application_key: str
    application_secret: str = field(repr=False)
    token: str = field(repr=False)
    rules: Rules = field(default_factory=Rules.empty)
    max_age: float = DEFAULT_MAX_AGE
    """Seconds an x-timestamp may be off from our clock, and so how long a seen callback is remembered to refuse
    its replay; 0 disables the time check (only for recorded callbacks; replays are then remembered for
    DEFAULT_MAX_AGE after they arrive)."""
    path_prefix: str = ""
    """Where a reverse proxy forwards the callback, e.g. `/sinch` -> `POST /sinch/callback` (path unchanged)."""
    auth: AuthMode = "signed"
    """signed: Sinch's application signature only (what Sinch sends); basic: Basic only; either: both."""
    queue_size: int = DEFAULT_QUEUE_SIZE
    """Events kept for one subscriber that reads slower than they arrive; beyond it the oldest are dropped."""
    max_body: int = DEFAULT_MAX_BODY
    """Bytes a callback body may have; a larger one is refused with 413 before it is read."""
    previous_application_secret: str = field(default="", repr=False)
    """During a secret rotation: callbacks signed with this one verify too (empty: only the current one)."""
    read_timeout: float = DEFAULT_READ_TIMEOUT
    """Seconds a client has to send a request's headers, and then again its body (any route); slower ones are cut
    off."""
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    """Open connections in all (websocket subscribers included); more are closed at once with a 503."""
    max_connections_per_client: int = DEFAULT_MAX_CONNECTIONS_PER_CLIENT
    """Open HTTP connections from one IPv4 address or IPv6 /64; 0 = no limit. 127.0.0.1 and ::1 are exempt (a
    reverse proxy on this host carries every client); behind a proxy on another host, set 0."""
    max_subscribers: int = DEFAULT_MAX_SUBSCRIBERS
    """Websocket subscribers at once; one more is closed with 1013 (try again later)."""
    replay_capacity: int = DEFAULT_REPLAY_CAPACITY
    """Callbacks remembered at once to refuse replays; when full, new callbacks get 503 until entries expire. The
    memory is this process's: a restart forgets it (with `redis_url`, only while Redis is unreachable)."""
    redis_url: str = field(default="", repr=False)
    """Empty: this process's hub alone. Else the Redis whose stream every relay of the team appends to and reads
    (relay.stream), which also refuses replays for the team; it may hold a password, hence no repr."""
    retention: str = DEFAULT_RETENTION
    """How much of the shared stream is kept: a number of events, or a time (`90s`, `30m`, `24h`, `7d`)."""
    redis_buffer: int = DEFAULT_REDIS_BUFFER
    """Events kept while Redis is unreachable (the callbacks are still answered); the oldest go beyond it."""

    def __post_init__(self) -> None:
        if not self.application_key.strip():
            raise ValueError("an application key is required (--application-key)")
        if not self.application_secret:
            raise ValueError("an application secret is required ($SINCH_APPLICATION_SECRET, "
                             "--application-secret-file or --application-secret)")
        _check_base64(self.application_secret, "the application secret")
        if self.previous_application_secret:
            _check_base64(self.previous_application_secret, "the previous application secret")
        if not self.token:
            raise ValueError("a subscriber token is required ($SINCH_RELAY_TOKEN or --token)")
        if len(self.token) < MIN_TOKEN_LENGTH:
            raise ValueError(f"the subscriber token is {len(self.token)} characters: use at least "
                             f"{MIN_TOKEN_LENGTH}, e.g. from {TOKEN_HINT}")
        if self.auth not in AUTH_MODES:
            raise ValueError(f"auth must be one of {', '.join(AUTH_MODES)}, not {self.auth!r}")
        if self.max_age < 0:
            raise ValueError("max-age must be 0 (no check) or a number of seconds")
        if self.queue_size < 1:
            raise ValueError("queue-size must be at least 1")
        _check_at_least(1, max_body=self.max_body, max_connections=self.max_connections,
                        max_subscribers=self.max_subscribers, replay_capacity=self.replay_capacity)
        _check_at_least(0, max_connections_per_client=self.max_connections_per_client)
        _check_at_least(1, redis_buffer=self.redis_buffer)
        retention_of(self.retention)
        if self.redis_url and not self.redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("the Redis URL must look like redis://HOST:PORT/DB (or rediss://, unix://)")
        if not self.read_timeout > 0:
            raise ValueError("read-timeout must be a number of seconds above 0")
        object.__setattr__(self, "path_prefix", normalise_prefix(self.path_prefix))

    @property
    def callback_path(self) -> str:
        return f"{self.path_prefix}/callback"

    @property
    def secrets(self) -> tuple[str, ...]:
        """The secrets a signature may be made with: the current one first."""
        previous = self.previous_application_secret
        return (self.application_secret, previous) if previous and previous != self.application_secret \
            else (self.application_secret,)


Retention = tuple[str, int]
"""("events", count) or ("ms", milliseconds)."""
UNITS = {"s": 1_000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}


def retention_of(text: str) -> Retention:
    """`100000` -> ("events", 100000); `24h` -> ("ms", 86400000); ValueError in words otherwise."""
    value = text.strip().lower()
    try:
        if value and value[-1] in UNITS:
            amount = int(float(value[:-1]) * UNITS[value[-1]])
            if amount > 0:
                return "ms", amount
        elif int(value) > 0:
            return "events", int(value)
    except ValueError:
        pass
    raise ValueError(f"retention must be a number of events or a time such as 30m, 24h or 7d, not {text!r}")


def _check_base64(secret: str, what: str) -> None:
    try:
        base64.b64decode(secret, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{what} is not valid base64 (copy it again from the dashboard)") from None


def _check_at_least(minimum: int, **values: int) -> None:
    for name, value in values.items():
        if value < minimum:
            raise ValueError(f"{name.replace('_', '-')} must be at least {minimum}, not {value}")


def normalise_prefix(prefix: str) -> str:
    """`sinch/`, `/sinch/` and `/sinch` all mean `/sinch`; empty or `/` mean no prefix."""
    text = prefix.strip().strip("/")
    if any(ch in text for ch in "?#% ") or "//" in text:
        raise ValueError(f"path prefix {prefix!r} must be a plain path such as /sinch")
    return f"/{text}" if text else ""
