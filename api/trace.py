"""One record per HTTP attempt, for the console's Log mode and for debugging.

Records carry what an operator needs to see (method, path, status, Sinch errorCode, latency, attempt), the
request headers with credentials replaced by a marker, and what "copy as curl" needs to rebuild the request:
the origin, the authorization scheme (never its value) and the request body, cut at BODY_LIMIT characters.
They never hold a secret: Calling API bodies carry none, except the `credentials` of SVAML recording options
(also inside a custom callout's SVAML string), which are replaced by the marker too.
"""

from __future__ import annotations

import contextlib
import json
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from api.auth import REDACTED, SENSITIVE_HEADERS, redact_headers

TraceHook = Callable[["TraceRecord"], object]
_SENSITIVE = frozenset(name.encode() for name in SENSITIVE_HEADERS)
BODY_LIMIT = 10_000
"""Characters of request body kept per record: every Calling API request body fits; a huge one is cut."""
SENSITIVE_BODY_FIELDS = frozenset({"credentials"})
"""JSON fields whose value is replaced by the marker (SVAML recording options: storage credentials)."""


@dataclass(frozen=True, slots=True)
class TraceRecord:
    """One attempt of one request. `status` is None when no answer came (see `error`)."""

    method: str
    path: str
    status: int | None
    error_code: int | None
    latency_ms: float
    attempt: int
    request_headers: Mapping[str, str] = field(default_factory=dict)
    error: str | None = None
    will_retry: bool = False
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    origin: str = ""
    """Scheme, host and port the request went to ("https://calling-euc1.api.sinch.com"); `url` adds the path."""
    body: str | None = None
    """The request body as text (credentials redacted, cut at BODY_LIMIT), None when there was none."""
    body_truncated: bool = False
    """The body was longer than BODY_LIMIT and `body` holds only its start."""
    auth_scheme: str | None = None
    """"Application" (signed) or "Basic": which placeholder a copied curl command needs. Never the value."""

    @property
    def url(self) -> str:
        """The full URL with query, when the origin is known; else the path alone."""
        return self.origin + self.path

    def __str__(self) -> str:
        outcome = str(self.status) if self.status is not None else (self.error or "no answer")
        code = f" [{self.error_code}]" if self.error_code else ""
        retry = " (retrying)" if self.will_retry else ""
        return f"{self.method} {self.path} -> {outcome}{code} {self.latency_ms:.1f} ms #{self.attempt}{retry}"


class Tracer:
    """Keeps the last `limit` records and forwards each to an optional hook and to listeners (a view that
    shows the trace live, such as the console's Log mode); a failing hook or listener is ignored."""

    def __init__(self, hook: TraceHook | None = None, limit: int = 200) -> None:
        self.hook = hook
        self.records: deque[TraceRecord] = deque(maxlen=limit)
        self._listeners: list[TraceHook] = []

    def emit(self, record: TraceRecord) -> None:
        self.records.append(record)
        for hook in ([self.hook] if self.hook is not None else []) + self._listeners:
            with contextlib.suppress(Exception):  # a broken log view must never break an API call
                hook(record)

    def listen(self, listener: TraceHook) -> Callable[[], None]:
        """Call `listener` with each new record (in the thread that made the request); returns the call
        that stops it."""
        self._listeners.append(listener)

        def stop() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return stop

    @staticmethod
    def safe_headers(headers: Mapping[str, str]) -> dict[str, str]:
        """Headers with credentials replaced by a marker. Reads httpx's raw pairs: 4x cheaper per request."""
        raw = getattr(headers, "raw", None)
        if raw is None:
            return redact_headers(dict(headers))
        pairs = ((k.lower(), v) for k, v in raw)
        return {k.decode("latin-1"): (REDACTED if k in _SENSITIVE else v.decode("latin-1")) for k, v in pairs}


def body_text(content: bytes | None, limit: int = BODY_LIMIT) -> tuple[str | None, bool]:
    """A request body fit for a trace: (text, truncated). Credentials fields are redacted before cutting."""
    if not content:
        return None, False
    text = content.decode("utf-8", errors="replace")
    if any(name in text for name in SENSITIVE_BODY_FIELDS):  # rare: only then pay for a parse
        text = _redact_json_text(text)
    if len(text) > limit:
        return text[:limit], True
    return text, False


def _redact_json_text(text: str) -> str:
    try:
        data = json.loads(text)
    except ValueError:
        return REDACTED  # not JSON yet names a sensitive field: show nothing rather than guess
    return json.dumps(_redact(data), separators=(",", ":"), ensure_ascii=False)


def _redact(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: REDACTED if k in SENSITIVE_BODY_FIELDS and v is not None else _redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(item) for item in value]
    if isinstance(value, str) and value.lstrip().startswith(("{", "[")) and any(
            name in value for name in SENSITIVE_BODY_FIELDS):
        return _redact_json_text(value)  # SVAML inside a string (customCallout ice/ace/pie)
    return value
