"""Typed errors of the Sinch client. One function, `error_from_response`, chooses the class.

    SinchError
    ├── APIError                    a non-2xx answer: status, error_code, message, reference
    │   ├── BadRequestError         400, 40001 / 40002 / 40003
    │   ├── AuthenticationError     401, 40108
    │   ├── PermissionDeniedError   403, 40301
    │   ├── NotFoundError           404, 40400
    │   ├── RateLimitError          429 (retry_after seconds when the server said)
    │   └── ServerError             5xx, 50000
    ├── APIConnectionError          no answer: refused, reset, DNS       (alias: ConnectionError)
    │   ├── APITimeoutError         no answer in time, or none within the client's deadline (alias: TimeoutError)
    │   └── OutcomeUnknownError     a callout or manage call was sent but no usable answer came: the
    │                               platform may have acted on it (never retried; check before resending)
    ├── ResponseValidationError     a 2xx body that does not match the model (names the field)
    ├── ResponseTooLargeError       an answer bigger than the client's max_response_bytes (not read further)
    ├── InvalidArgumentError        an argument refused before sending (names the field; also a ValueError)
    └── DownloadExistsError         the download target exists and overwrite was not asked (also a FileExistsError)
"""

from __future__ import annotations

import errno
import json
import math
import re
from typing import Any

import httpx


class SinchError(Exception):
    """Base of every error this client raises."""


class APIError(SinchError):
    status: int
    error_code: int | None
    message: str
    reference: str | None

    def __init__(
        self,
        message: str,
        *,
        status: int,
        error_code: int | None = None,
        reference: str | None = None,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        self.message = message
        self.status = status
        self.error_code = error_code
        self.reference = reference
        self.method = method
        self.path = path
        super().__init__(str(self))

    def __str__(self) -> str:
        code = f" ({self.error_code})" if self.error_code else f" (HTTP {self.status})"
        return f"{self.message}{code}"


class BadRequestError(APIError):
    """The request was refused as malformed or invalid (40001 illegal, 40002 missing, 40003 invalid)."""


class AuthenticationError(APIError):
    """Credentials were not accepted (40108): wrong key, wrong secret or a bad signature."""


class PermissionDeniedError(APIError):
    """Authenticated, but not allowed to do this (40301)."""


class NotFoundError(APIError):
    """The conference, call or recording does not exist (40400)."""


class RateLimitError(APIError):
    """Too many requests (429); `retry_after` holds the server's advice in seconds, if any."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


class ServerError(APIError):
    """The platform failed (5xx, 50000)."""


class APIConnectionError(SinchError):
    """No answer: the connection was refused, reset or could not be made."""


class APITimeoutError(APIConnectionError):
    """No answer within the timeout."""


class OutcomeUnknownError(APIConnectionError):
    """A request that is not safe to repeat (a callout, a manage call) was written, but no usable answer came:
    a read timeout, a connection reset or protocol error after sending, the client's deadline, a gateway's
    502/503/504, or a 2xx whose callId could not be read. The platform may have acted on it: a callout may be
    ringing a phone now. It is never retried; check the calls (a callout's `custom` tag finds it) before sending
    again. `status` is the HTTP status when an answer came (a gateway's, or a 2xx), else None; `accepted` says
    the platform answered 2xx (the call was placed, its callId is what is missing)."""

    def __init__(self, message: str, *, method: str, path: str, status: int | None = None,
                 timed_out: bool = False, accepted: bool = False) -> None:
        self.method = method
        self.path = path
        self.status = status
        self.timed_out = timed_out
        self.accepted = accepted
        super().__init__(message)


ConnectionError = APIConnectionError
TimeoutError = APITimeoutError


class ResponseValidationError(SinchError):
    """A successful answer whose body does not match what the API documents."""

    def __init__(self, message: str, *, body: str = "", field: str | None = None) -> None:
        self.body = body[:500]
        self.field = field
        super().__init__(message)


class ResponseTooLargeError(SinchError):
    """The answer's body is bigger than `limit` bytes (the client's max_response_bytes): reading stopped there,
    so a huge or endless body cannot exhaust memory. `status` is the HTTP status of the answer."""

    def __init__(self, *, limit: int, status: int, method: str, path: str, declared: int | None = None) -> None:
        self.limit = limit
        self.status = status
        self.method = method
        self.path = path
        self.declared = declared
        size = f"{declared:,} bytes" if declared is not None else f"more than {limit:,} bytes"
        super().__init__(f"the answer to {method} {path} is {size}; the client reads at most {limit:,} "
                         "(raise max_response_bytes if this is expected)")


class InvalidArgumentError(SinchError, ValueError):
    """An argument the API would refuse (a malformed number, 601 characters of TTS text, an end before the
    start...), caught before anything is sent. `field` names the argument or the JSON field."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}" if field else reason)


class DownloadExistsError(SinchError, FileExistsError):
    """A recording download would replace an existing file; pass `overwrite=True` to allow it."""

    def __init__(self, path: object) -> None:
        super().__init__(errno.EEXIST, "file exists (pass overwrite=True to replace it)", str(path))


_BY_CODE: dict[int, type[APIError]] = {
    40001: BadRequestError,
    40002: BadRequestError,
    40003: BadRequestError,
    40108: AuthenticationError,
    40301: PermissionDeniedError,
    40400: NotFoundError,
    50000: ServerError,
}
_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
}
_DEFAULT_MESSAGES = {
    400: "Bad request",
    401: "Invalid credentials",
    403: "Not allowed",
    404: "Not found",
    429: "Too many requests",
}


MAX_MESSAGE_CHARACTERS = 500
"""An error's message is cut here: a body of any size must not become a huge exception text."""
_ERROR_CODE = re.compile(r"[0-9]{1,9}", re.ASCII)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta seconds or an HTTP date); None when it is neither."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return None if math.isnan(seconds) else max(0.0, seconds)
    from datetime import UTC, datetime
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # "-0000" in the date means UTC with no zone said
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _error_code(value: object) -> int | None:
    """Sinch's errorCode as an int: an int, or a string of ASCII digits, of at most 9 digits. Anything else
    ("²", a 5,000-digit string, true, 4.5e300) is no code at all rather than a ValueError."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value < 10**9 else None
    if isinstance(value, str) and _ERROR_CODE.fullmatch(value.strip()):
        return int(value.strip())
    return None


def _error_body(content: bytes) -> dict[str, Any]:
    """The JSON object of an error answer, or {} when it is not one (HTML, nesting too deep, huge numbers)."""
    try:
        parsed = json.loads(content or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _short(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= MAX_MESSAGE_CHARACTERS else text[:MAX_MESSAGE_CHARACTERS] + "…"


def error_from_response(response: httpx.Response) -> APIError:
    """Map a non-2xx response to the typed error it stands for. Never raises while mapping, whatever the body."""
    status = response.status_code
    body = _error_body(response.content)
    error_code = _error_code(body.get("errorCode", body.get("error_code")))
    raw_message = body.get("message")
    message = _short(raw_message) if raw_message not in (None, "", [], {}) else (
        _DEFAULT_MESSAGES.get(status) or f"HTTP {status}")
    reference = body.get("reference")
    request = response.request if response._request is not None else None
    kwargs: dict[str, Any] = {
        "status": status,
        "error_code": error_code,
        "reference": _short(reference) if reference is not None else None,
        "method": request.method if request else None,
        "path": request.url.path if request else None,
    }
    if status == 429:
        return RateLimitError(message, retry_after=parse_retry_after(response.headers.get("retry-after")), **kwargs)
    cls = _BY_STATUS.get(status) or (_BY_CODE.get(error_code) if error_code else None)
    if cls is None:
        cls = ServerError if status >= 500 else APIError
    return cls(message, **kwargs)
