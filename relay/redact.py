"""Keep the subscribers' token and callback credentials out of log lines (ours, uvicorn's, websockets').

uvicorn logs a websocket's path with its query string, which may hold `?token=`; at debug level the
websockets library logs every handshake header, `authorization: Bearer TOKEN` included. `RedactTokens` rewrites
a record's formatted message before any handler sees it: the token after `token=`, the value of an
Authorization, Proxy-Authorization or Cookie header, and whatever follows `Bearer `.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
_PATTERNS = (
    re.compile(r"(?i)(\btoken=)[^&\s\"']*"),
    re.compile(r"(?i)(\b(?:proxy-)?authorization\s*[:=]\s*|\b(?:set-)?cookie\s*[:=]\s*)[^\r\n]*"),
    re.compile(r"(?i)(\bbearer\s+)[^\s\"',;]+"),
)
LOGGERS = ("uvicorn.error", "uvicorn.access", "websockets.server")


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(rf"\1{REDACTED}", text)
    return text


class RedactTokens(logging.Filter):
    """Replace credentials in a record's message (formatted with its arguments) by `[redacted]`."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit the format: leave it to the handler's error
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install(logger_names: tuple[str, ...] = LOGGERS) -> None:
    """Put the filter on the loggers that may see a token (once each; import-time and idempotent)."""
    for name in logger_names:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, RedactTokens) for existing in logger.filters):
            logger.addFilter(RedactTokens())
