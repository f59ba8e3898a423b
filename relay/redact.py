"""Keep the subscribers' token and callback credentials out of log lines (ours, uvicorn's, websockets').

uvicorn logs a websocket's path with its query string, which may hold `?token=`; at debug level the
websockets library logs every handshake header, `authorization: Bearer TOKEN` included. `RedactTokens` rewrites
a record's formatted message (and its traceback) before any handler sees it:

- the values `protect()` was given (the relay's token and secrets: `create_app` registers them), wherever they
  appear, raw or percent-encoded (`%73%75...` decodes to the token, and Starlette would accept it);
- a query parameter whose name decodes to `token` (`?%74oken=` is `token` to Starlette, not to a regex);
- the value of an Authorization, Proxy-Authorization or Cookie header, and whatever follows `Bearer `.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote, unquote_plus

REDACTED = "[redacted]"
MIN_PROTECTED_LENGTH = 8
"""Shorter values are not protected by value: replacing them everywhere would garble ordinary words."""
SENSITIVE_PARAMETERS = frozenset({"token", "access_token"})
_PATTERNS = (
    re.compile(r"(?i)(\btoken=)[^&\s\"']*"),
    re.compile(r"(?i)(\b(?:proxy-)?authorization\s*[:=]\s*|\b(?:set-)?cookie\s*[:=]\s*)[^\r\n]*"),
    re.compile(r"(?i)(\bbearer\s+)[^\s\"',;]+"),
)
_QUERY_PARAMETER = re.compile(r"([?&;])([^=&;\s\"'#]*)=([^&;\s\"'#]*)")
_ENCODED_RUN = re.compile(r"[^\s\"']*%[0-9A-Fa-f]{2}[^\s\"']*")
LOGGERS = ("uvicorn.error", "uvicorn.access", "websockets.server")

_protected: set[str] = set()
_longest_first: list[str] = []  # _protected in the order redact() replaces them: one value may contain another


def protect(*values: str) -> None:
    """Redact these values (a token, a secret) from every log line from now on, raw or percent-encoded."""
    _protected.update(value for value in values if len(value) >= MIN_PROTECTED_LENGTH)
    _longest_first[:] = sorted(_protected, key=len, reverse=True)


def _holds_protected(text: str) -> bool:
    return any(value in text for value in _protected)


def _decodings(text: str) -> tuple[str, str]:
    """What a server may make of it: `+` kept (a path) or a space (a query, as Starlette reads it)."""
    return unquote(text), unquote_plus(text)


def _query_parameter(match: re.Match[str]) -> str:
    separator, name, value = match.groups()
    if any(decoded.strip().lower() in SENSITIVE_PARAMETERS for decoded in _decodings(name)) \
            or any(_holds_protected(decoded) for decoded in _decodings(value)):
        return f"{separator}{name}={REDACTED}"
    return match[0]


def _encoded_run(match: re.Match[str]) -> str:
    return REDACTED if any(_holds_protected(decoded) for decoded in _decodings(match[0])) else match[0]


def redact(text: str) -> str:
    for value in _longest_first:
        text = text.replace(value, REDACTED)
    for pattern in _PATTERNS:
        text = pattern.sub(rf"\1{REDACTED}", text)
    text = _QUERY_PARAMETER.sub(_query_parameter, text)
    return _ENCODED_RUN.sub(_encoded_run, text) if _protected else text


class RedactTokens(logging.Filter):
    """Replace credentials in a record's message (formatted with its arguments) and traceback by `[redacted]`."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit the format: leave it to the handler's error
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            # formatted here, once: handlers reuse exc_text rather than format the exception again
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def install(logger_names: tuple[str, ...] = LOGGERS) -> None:
    """Put the filter on the loggers that may see a token (once each; import-time and idempotent)."""
    for name in logger_names:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, RedactTokens) for existing in logger.filters):
            logger.addFilter(RedactTokens())
