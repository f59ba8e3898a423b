"""Callback URLs as typed into the edit form: checked in words, compared with what is stored, shown safely.

Sinch posts call events (ICE, ACE, DiCE, PIE, Notify) to these URLs, so they should be https. Plain http is
accepted only for this machine (localhost, 127.0.0.1, ::1), with a warning: handy with the sandbox or a local
relay, and never reachable by the live platform. Anything else is refused with a sentence saying why. An
empty field means "not set". Every check takes arbitrary text and either returns or raises `UrlProblem`.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from api.models import CallbackUrls

MAX_URL_LENGTH = 2048
"""Longer URLs are refused: browsers and proxies commonly stop there, and so would a callback."""
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
FIELDS = ("primary", "fallback")
LABELS = {"primary": "Primary", "fallback": "Fallback"}
NOT_SET = "(not set)"
HTTP_WARNING = "plain http, only for this machine: fine for the sandbox or a local relay; Sinch cannot reach it"


class UrlProblem(ValueError):
    """`field` ("primary" or "fallback") cannot be saved as typed; `reason` says why in words."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{LABELS.get(field, field)}: {reason}")


@dataclass(frozen=True)
class CheckedUrl:
    """A URL that may be saved (None: not set), and a warning to show under the field, if any."""

    url: str | None
    warning: str | None = None


def _short(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def check_callback_url(text: str, field: str = "primary") -> CheckedUrl:
    """https://host[:port]/path, or http:// to localhost/127.0.0.1/[::1] (warned), or "" for not set."""
    value = text.strip()
    if not value:
        return CheckedUrl(None)
    if len(value) > MAX_URL_LENGTH:
        raise UrlProblem(field, f"{len(value)} characters; at most {MAX_URL_LENGTH} are allowed")
    if any(ch.isspace() or not ch.isprintable() for ch in value):
        raise UrlProblem(field, "a URL has no spaces or control characters (encode a space as %20)")
    try:
        parts = urlsplit(value)
        port = parts.port  # raises ValueError for a port that is not a number from 0 to 65535
    except ValueError as error:
        raise UrlProblem(field, f"not a URL ({error})") from None
    scheme = parts.scheme.lower()
    if not scheme or "://" not in value:
        raise UrlProblem(field, f"{_short(value)} needs https:// in front, e.g. https://example.com/sinch")
    if scheme not in ("http", "https"):
        raise UrlProblem(field, f"{scheme}:// is not for callbacks: use https:// (http only for localhost)")
    host = (parts.hostname or "").lower()
    if not host:
        raise UrlProblem(field, f"{_short(value)} has no host name")
    if port == 0:
        raise UrlProblem(field, "port 0 cannot be reached")
    if scheme == "http":
        if host.rstrip(".") not in LOCAL_HOSTS:
            raise UrlProblem(field, f"http:// is unencrypted: use https://{_host_and_rest(value)} "
                                    "(plain http is accepted only for localhost, 127.0.0.1 and ::1)")
        return CheckedUrl(value, HTTP_WARNING)
    return CheckedUrl(value)


def _host_and_rest(url: str) -> str:
    rest = url.split("://", 1)[1]
    return rest if len(rest) <= 40 else rest[:40] + "…"


@dataclass(frozen=True)
class CheckedCallbacks:
    """The form as a whole: what would be saved (None when a field is refused), problems and warnings."""

    urls: CallbackUrls | None
    problems: dict[str, str]
    warnings: dict[str, str]

    @property
    def ok(self) -> bool:
        return self.urls is not None


def check_callbacks(primary: str, fallback: str) -> CheckedCallbacks:
    """Check both fields; warn about a fallback without a primary and about the same URL twice."""
    problems: dict[str, str] = {}
    warnings: dict[str, str] = {}
    checked: dict[str, CheckedUrl] = {}
    for field, text in (("primary", primary), ("fallback", fallback)):
        try:
            checked[field] = check_callback_url(text, field)
        except UrlProblem as problem:
            problems[field] = problem.reason
            continue
        if checked[field].warning:
            warnings[field] = checked[field].warning or ""
    if problems:
        return CheckedCallbacks(None, problems, warnings)
    first, second = checked["primary"].url, checked["fallback"].url
    if second is not None and first is None:
        warnings.setdefault("fallback", "a fallback is used only when the primary fails; no primary is set")
    elif second is not None and second == first:
        warnings.setdefault("fallback", "same URL as the primary: a fallback adds nothing")
    return CheckedCallbacks(CallbackUrls(primary=first, fallback=second), problems, warnings)


def shown_url(url: str | None) -> str:
    """A URL for the screen and the audit log: "(not set)" when empty; a password in it masked."""
    if not url:
        return NOT_SET
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return url
    if not password:
        return url
    user = parts.username or ""
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, f"{user}:****@{host}", parts.path, parts.query, parts.fragment))


def same_urls(a: CallbackUrls, b: CallbackUrls) -> bool:
    """Equal as stored: an empty string and a missing URL both mean "not set"."""
    return all((getattr(a, name) or None) == (getattr(b, name) or None) for name in FIELDS)


def changes(old: CallbackUrls, new: CallbackUrls) -> list[tuple[str, str, str]]:
    """(label, old shown, new shown) for each URL that differs."""
    found = []
    for name in FIELDS:
        before, after = getattr(old, name) or None, getattr(new, name) or None
        if before != after:
            found.append((LABELS[name], shown_url(before), shown_url(after)))
    return found


def describe_changes(old: CallbackUrls, new: CallbackUrls) -> str:
    """"Primary: (not set) → https://a.example/cb; Fallback: ..." (or "no change")."""
    return "; ".join(f"{label}: {before} → {after}" for label, before, after in changes(old, new)) or "no change"
