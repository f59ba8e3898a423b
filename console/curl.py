""""Copy as curl": a trace record as a runnable curl command, signed headers left as placeholders.

A signed request cannot be replayed as-is (the signature covers an x-timestamp that Sinch checks for
freshness) and must never be copied with its credentials, so the command carries placeholders the user fills
in (or swaps for `-u key:secret` with Basic auth). Every argument goes through shlex.quote: paths, room ids
and bodies are user data and may hold quotes, `$` or spaces.
"""

from __future__ import annotations

import shlex

from api.trace import BODY_LIMIT, TraceRecord

SIGNED_PLACEHOLDERS = ("x-timestamp: <x-timestamp>", "Authorization: Application <application-key>:<signature>")
BASIC_PLACEHOLDER = "Authorization: Basic <base64 key:secret>"


def to_curl(record: TraceRecord, origin: str | None = None, *, application_key: str | None = None) -> str:
    """One line of shell that repeats `record`'s request.

    `origin` ("https://calling.api.sinch.com") is needed only for records made without one. With
    `application_key` the key (not a secret) replaces its placeholder. A body cut in the trace makes the
    command start with a comment line saying so, since it will not send what was sent.
    """
    base = (origin or record.origin).rstrip("/")
    if not base:
        raise ValueError("the trace record has no origin: pass the origin it was sent to")
    args = ["curl"]
    if record.method != "GET":
        args += ["-X", record.method]
    args.append(base + record.path)
    headers = {name.lower(): value for name, value in record.request_headers.items()}
    if record.body is not None and "content-type" in headers:
        args += ["-H", f"Content-Type: {headers['content-type']}"]
    for header in _auth_headers(record.auth_scheme or _scheme_from(headers), application_key):
        args += ["-H", header]
    if record.body is not None:
        args += ["--data-raw", record.body]  # --data-raw: a body starting with "@" is not a file name
    command = " ".join(shlex.quote(arg) for arg in args)
    if record.body_truncated:
        note = f"# the trace keeps only the first {BODY_LIMIT} characters of this body: complete it before running"
        return f"{note}\n{command}"
    return command


def _scheme_from(headers: dict[str, str]) -> str | None:
    """Records made before auth_scheme existed: x-timestamp is only sent with signed requests."""
    if "x-timestamp" in headers:
        return "Application"
    return "Basic" if "authorization" in headers else None


def _auth_headers(scheme: str | None, application_key: str | None) -> list[str]:
    if scheme == "Basic":
        return [BASIC_PLACEHOLDER]
    if scheme == "Application":
        timestamp, authorization = SIGNED_PLACEHOLDERS
        if application_key:
            authorization = authorization.replace("<application-key>", application_key)
        return [timestamp, authorization]
    return []
