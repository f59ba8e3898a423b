"""Request signing and verification for Sinch application authentication.

    ContentMD5   = Base64(MD5(body bytes exactly as sent)), or "" when there is no body
    StringToSign = METHOD \\n ContentMD5 \\n Content-Type \\n "x-timestamp:" + timestamp \\n path (no query)
    Signature    = Base64(HMAC-SHA256(key = Base64Decode(secret), StringToSign))
    Authorization: Application {key}:{Signature}   with header  x-timestamp: {UTC ISO-8601}

The same functions sign our requests to Sinch, let the sandbox verify them, and (later) let the relay verify
callbacks from Sinch. Nothing here logs or returns a secret.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

REDACTED = "[redacted]"
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})


def _as_bytes(body: bytes | str | None) -> bytes:
    if body is None:
        return b""
    return body.encode() if isinstance(body, str) else body


def content_md5(body: bytes | str | None) -> str:
    """Base64 MD5 of the raw body, or "" for an empty body."""
    raw = _as_bytes(body)
    return base64.b64encode(hashlib.md5(raw).digest()).decode() if raw else ""


def string_to_sign(*, method: str, path: str, body: bytes | str | None, content_type: str, timestamp: str) -> str:
    return "\n".join(
        [method.upper(), content_md5(body), content_type or "", f"x-timestamp:{timestamp}", path.split("?", 1)[0]]
    )


def _secret_key(application_secret: str) -> bytes:
    try:
        return base64.b64decode(application_secret, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("the application secret is not valid base64 (copy it again from the dashboard)") from None


def sign_request(
    application_secret: str,
    *,
    method: str,
    path: str,
    body: bytes | str | None,
    content_type: str,
    timestamp: str,
) -> str:
    """Return the base64 signature for one request."""
    message = string_to_sign(method=method, path=path, body=body, content_type=content_type, timestamp=timestamp)
    digest = hmac.new(_secret_key(application_secret), message.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def utc_timestamp(now: datetime | None = None) -> str:
    """An x-timestamp value: UTC ISO-8601 with a `Z`."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def application_authorization(application_key: str, signature: str) -> str:
    return f"Application {application_key}:{signature}"


def basic_authorization(application_key: str, application_secret: str) -> str:
    token = base64.b64encode(f"{application_key}:{application_secret}".encode()).decode()
    return f"Basic {token}"


def parse_timestamp(value: str) -> datetime | None:
    """Parse an x-timestamp: `Z` or `+00:00`, with or without fractions. None when it is not a time."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (ValueError, OverflowError):  # "0001-01-01T00:00:00+14:00" overflows when moved to UTC
        return None


@dataclass(frozen=True)
class Verdict:
    """Outcome of verifying a request: the application key it claims, or the reason it is refused.

    A good Application signature also carries the `signature` and `timestamp` exactly as the HMAC was checked
    against them (after any trimming of the header): what a replay guard must remember, not the raw header.
    """

    ok: bool
    application_key: str | None = None
    reason: str = ""
    scheme: str = ""
    signature: str = ""
    timestamp: str = ""


def verify_request(
    *,
    headers: Mapping[str, str],
    method: str,
    path: str,
    body: bytes,
    secrets: Mapping[str, str],
    allow_basic: bool = True,
    max_age: float | None = 600.0,
    now: datetime | None = None,
) -> Verdict:
    """Check an incoming request's Authorization against the known applications (`key -> secret`).

    Hashes the raw body bytes, compares in constant time and refuses timestamps older or newer than
    `max_age` seconds (None or 0 disables the window).
    """
    header = _header(headers, "authorization")
    if not header:
        return Verdict(False, reason="missing Authorization header")
    scheme, _, credentials = header.partition(" ")
    scheme = scheme.lower()
    if scheme == "basic" and allow_basic:
        return _verify_basic(credentials.strip(), secrets)
    if scheme != "application":
        return Verdict(False, reason=f"unsupported authorization scheme {scheme!r}")
    key, sep, signature = credentials.strip().rpartition(":")
    if not sep or not key:
        return Verdict(False, reason="malformed Application authorization")
    secret = secrets.get(key)
    if secret is None:
        return Verdict(False, application_key=key, reason="unknown application key", scheme="application")
    timestamp = _header(headers, "x-timestamp")
    if not timestamp:
        return Verdict(False, application_key=key, reason="missing x-timestamp header", scheme="application")
    moment = parse_timestamp(timestamp)
    if moment is None:
        return Verdict(False, application_key=key, reason="x-timestamp is not a time", scheme="application")
    if max_age:
        skew = abs(((now or datetime.now(UTC)) - moment) / timedelta(seconds=1))
        if skew > max_age:
            return Verdict(False, application_key=key, reason="x-timestamp outside the allowed window",
                           scheme="application")
    expected = sign_request(
        secret,
        method=method,
        path=path,
        body=body,
        content_type=_header(headers, "content-type") or "",
        timestamp=timestamp,
    )
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        return Verdict(False, application_key=key, reason="signature does not match", scheme="application")
    return Verdict(True, application_key=key, scheme="application", signature=signature, timestamp=timestamp)


def _verify_basic(token: str, secrets: Mapping[str, str]) -> Verdict:
    try:
        decoded = base64.b64decode(token, validate=True).decode()
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return Verdict(False, reason="malformed Basic authorization", scheme="basic")
    key, sep, secret = decoded.partition(":")
    known = secrets.get(key)
    if not sep or known is None:
        return Verdict(False, application_key=key or None, reason="unknown application key", scheme="basic")
    if not hmac.compare_digest(known.encode(), secret.encode()):
        return Verdict(False, application_key=key, reason="wrong application secret", scheme="basic")
    return Verdict(True, application_key=key, scheme="basic")


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        value = next((v for k, v in headers.items() if k.lower() == name), None)
    return value


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of `headers` safe to log or show: credentials replaced by a marker."""
    return {k: (REDACTED if k.lower() in SENSITIVE_HEADERS else v) for k, v in headers.items()}
