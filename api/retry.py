"""When to try a request again, and how long to wait first.

Two kinds of request exist. Idempotent ones (GET, DELETE, mute/unmute, setting callback URLs or number
assignments) may be repeated freely, so transport failures, 429 and 5xx are retried. Unsafe ones (a callout
POST, a manage-call PATCH) are repeated only when Sinch certainly did not act on the first attempt: the
connection was never made, or the answer was 429 (with a Retry-After within the cap). Not 503, even with a
Retry-After: a proxy in front of the platform may send that after the platform acted. A duplicate callout
rings a real phone twice and costs money; a duplicate SVAML can hang up a second leg.

When an unsafe request may have been acted on and no usable answer says so (it was written and then the read
timed out, the connection was reset, or a 5xx came that is not the platform's own 500: see
`leaves_outcome_unknown`), the failure is
`OutcomeUnknownError`, so the caller says "may have been placed" instead of "failed".

The sleep function and the random source are injectable so tests run without waiting.
"""

from __future__ import annotations

import asyncio
import random
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import httpx

from api.backoff import Backoff
from api.errors import APIConnectionError, APITimeoutError, OutcomeUnknownError, parse_retry_after


def _aiohttp() -> Any:
    """aiohttp when the default transport has loaded it. Never imported here just to name its errors: a
    client on another transport (tests, the console on the loopback sandbox) skips its ~150 ms import."""
    return sys.modules.get("aiohttp")


def _aiohttp_errors() -> tuple[type[BaseException], ...]:
    module = _aiohttp()
    return (module.ClientError,) if module is not None else ()


def leaked_errors() -> tuple[type[BaseException], ...]:
    """Errors that can escape httpx's transport layer unwrapped (aiohttp's, sockets', asyncio timeouts)."""
    return (httpx.HTTPError, OSError, TimeoutError, *_aiohttp_errors())


def network_errors() -> tuple[type[BaseException], ...]:
    """Failures of the network while reading a body (not of the local disk)."""
    return (httpx.HTTPError, TimeoutError, ConnectionError, *_aiohttp_errors())


class Idempotency(Enum):
    """Whether repeating a request can do harm."""

    SAFE = "safe"
    UNSAFE = "unsafe"


RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
UNSAFE_RETRYABLE_STATUSES = frozenset({429})


def leaves_outcome_unknown(status: int, error_code: int | None) -> bool:
    """Whether a 5xx answer to an unsafe request leaves open whether the platform acted.

    Only a 500 carrying Sinch's own error body (an errorCode) is the platform saying it failed; a gateway's
    502/503/504, a CDN's 520-524 or a 500 page without Sinch's body may come from something in front of the
    platform after it acted."""
    return status >= 500 and (status != 500 or error_code is None)


RETRY_BACKOFF = Backoff(base=0.5, cap=8.0, jitter=0.5)
"""Between retries of one request: "equal jitter", never zero and never above the cap."""


@dataclass(frozen=True)
class RetryPolicy:
    """Capped exponential backoff with jitter. A server's Retry-After is obeyed as given; one longer than
    `retry_after_max` is not waited out (the RateLimitError/ServerError raised carries it instead), since
    retrying sooner than asked is pointless and a console cannot hang for minutes inside one call."""

    max_retries: int = 2
    backoff_base: float = RETRY_BACKOFF.base
    backoff_max: float = RETRY_BACKOFF.cap
    retry_after_max: float = 30.0
    sleep: Callable[[float], Awaitable[object]] = field(default=asyncio.sleep, repr=False)
    random: Callable[[], float] = field(default=random.random, repr=False)

    def delay(self, retry_number: int) -> float:
        """Backoff before retry number `retry_number` (1-based) when the server gave no Retry-After."""
        backoff = Backoff(self.backoff_base, self.backoff_max, RETRY_BACKOFF.jitter)
        # This policy's draw says how much of the step to keep (1 keeps it all); Backoff's, how much to take off.
        return backoff.delay(retry_number, rng=lambda: 1.0 - self.random())

    def retry_response(self, idempotency: Idempotency, response: httpx.Response, attempt: int) -> float | None:
        """Seconds to wait before retrying after this answer to attempt `attempt`, or None: do not retry."""
        if attempt > self.max_retries:
            return None
        status = response.status_code
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        if retry_after is not None and retry_after > self.retry_after_max:
            return None
        if idempotency is Idempotency.UNSAFE:
            return retry_after if status in UNSAFE_RETRYABLE_STATUSES else None
        if status in RETRYABLE_STATUSES:
            return retry_after if retry_after is not None else self.delay(attempt)
        return None

    def retry_error(self, idempotency: Idempotency, exc: BaseException) -> bool:
        """Whether a transport failure may be retried."""
        return idempotency is Idempotency.SAFE or certainly_not_sent(exc)


def _aiohttp_cause(exc: BaseException) -> BaseException | None:
    cause = exc.__cause__
    aiohttp = _aiohttp()
    if aiohttp is not None and isinstance(cause, aiohttp.ClientError | TimeoutError):
        return cause
    return None


def certainly_not_sent(exc: BaseException) -> bool:
    """True only when no byte of the request can have reached the server.

    httpx's ConnectError/ConnectTimeout/PoolTimeout mean that. The aiohttp transport maps *every*
    aiohttp ClientConnectionError (including "server disconnected" after the request was written) to
    httpx.ConnectTimeout, so for those we look at the original aiohttp error instead.
    """
    if not isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return False
    cause = _aiohttp_cause(exc)
    if cause is None:
        return True
    aiohttp = _aiohttp()
    return isinstance(cause, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError)


def is_timeout(exc: BaseException) -> bool:
    """Whether a transport failure was a timeout (as opposed to refused/reset), seeing through aiohttp."""
    cause = _aiohttp_cause(exc)
    if cause is not None:
        return isinstance(cause, TimeoutError)
    return isinstance(exc, httpx.TimeoutException | TimeoutError)


def transport_error(exc: BaseException, method: str, path: str,
                    idempotency: Idempotency = Idempotency.SAFE) -> APIConnectionError:
    """The typed error for a request that got no answer. Mentions no header, so no credential.

    An unsafe request that may have reached the server becomes OutcomeUnknownError."""
    detail = str(exc) or type(exc).__name__
    if idempotency is Idempotency.UNSAFE and not certainly_not_sent(exc):
        timed_out = is_timeout(exc)
        why = "no answer in time" if timed_out else "the connection failed"
        return outcome_unknown(method, path, f"{why} after it was sent ({detail})", timed_out=timed_out)
    if is_timeout(exc):
        return APITimeoutError(f"no answer in time for {method} {path}: {detail}")
    return APIConnectionError(f"could not reach Sinch for {method} {path}: {detail}")


def outcome_unknown(method: str, path: str, why: str, *, status: int | None = None, timed_out: bool = False,
                    accepted: bool = False) -> OutcomeUnknownError:
    """The error for an unsafe request the platform may have acted on."""
    return OutcomeUnknownError(f"{method} {path}: {why}; the platform may have acted on it",
                               method=method, path=path, status=status, timed_out=timed_out, accepted=accepted)


def deadline_error(method: str, path: str, deadline: float | None,
                   idempotency: Idempotency = Idempotency.SAFE) -> APIConnectionError:
    """The error for an attempt not fully answered within the client's deadline (never retried: a server that
    drips a body slowly would drip it again)."""
    why = f"no complete answer within the {deadline:g} s deadline"
    if idempotency is Idempotency.UNSAFE:
        return outcome_unknown(method, path, why, timed_out=True)
    return APITimeoutError(f"{why} for {method} {path}")
