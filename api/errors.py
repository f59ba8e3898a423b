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
    │   └── APITimeoutError         no answer in time                    (alias: TimeoutError)
    ├── ResponseValidationError     a 2xx body that does not match the model (names the field)
    ├── InvalidArgumentError        an argument refused before sending (names the field; also a ValueError)
    └── DownloadExistsError         the download target exists and overwrite was not asked (also a FileExistsError)
"""

from __future__ import annotations

import errno
import json
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


ConnectionError = APIConnectionError
TimeoutError = APITimeoutError


class ResponseValidationError(SinchError):
    """A successful answer whose body does not match what the API documents."""

    def __init__(self, message: str, *, body: str = "", field: str | None = None) -> None:
        self.body = body[:500]
        self.field = field
        super().__init__(message)


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


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    from datetime import UTC, datetime
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def error_from_response(response: httpx.Response) -> APIError:
    """Map a non-2xx response to the typed error it stands for. Never raises while mapping."""
    status = response.status_code
    body: dict[str, Any] = {}
    try:
        parsed = json.loads(response.content or b"{}")
        if isinstance(parsed, dict):
            body = parsed
    except (ValueError, UnicodeDecodeError):
        pass
    code = body.get("errorCode", body.get("error_code"))
    error_code = code if isinstance(code, int) else (int(code) if isinstance(code, str) and code.isdigit() else None)
    message = str(body.get("message") or _DEFAULT_MESSAGES.get(status) or f"HTTP {status}")
    reference = body.get("reference")
    request = response.request if response._request is not None else None
    kwargs: dict[str, Any] = {
        "status": status,
        "error_code": error_code,
        "reference": str(reference) if reference is not None else None,
        "method": request.method if request else None,
        "path": request.url.path if request else None,
    }
    if status == 429:
        return RateLimitError(message, retry_after=parse_retry_after(response.headers.get("retry-after")), **kwargs)
    cls = _BY_STATUS.get(status) or (_BY_CODE.get(error_code) if error_code else None)
    if cls is None:
        cls = ServerError if status >= 500 else APIError
    return cls(message, **kwargs)
