"""Who may drive the console that `sinch-console serve` puts in a browser: the token and the Origin allow-list.

textual-serve checks nothing: any web page open in the operator's browser could open its websocket, read the
screen and press keys (mute, kick) with the real profile loaded. This guard does what Jupyter does:

- a per-launch token, required on every request but the public static files (textual-serve's own JS, CSS and
  fonts): `?token=` in the URL, which sets an HttpOnly, SameSite=Strict cookie so reloads work without it, or
  the websocket path `/ws/{token}` the page itself names (a notebook's IFrame is often a cross-site frame,
  where browsers neither store nor send SameSite=Strict cookies). Compared in constant time.
- an Origin allow-list for websocket upgrades and any state-changing request: the served origin (and its
  loopback aliases), the --public-url's origin and each --allow-origin. A missing Origin is refused: browsers
  always send one on a websocket, so only a non-browser client omits it, and it must say where it comes from.
- a log filter, so neither the token nor any `token=` query or `/ws/...` path reaches the server's output.

Refusals are 403 with a short plain page saying what to do.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from collections.abc import Iterable

    from aiohttp import web
    from aiohttp.typedefs import Handler, Middleware

TOKEN_ENV = "SINCH_CONSOLE_SERVE_TOKEN"
MIN_TOKEN_LENGTH = 32
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9._~-]+")
"""URL-safe characters only: the token travels in a query, a path and a cookie without any quoting."""
TICKET_ROUTE = "websocket-ticket"
"""The route name of `/ws/{ticket}`, the websocket URL the page hands its JavaScript."""
PUBLIC_ROUTES = frozenset({"static"})
"""textual-serve's bundled JS, CSS and fonts: the same for everyone, and loaded by the page even where the
cookie is not sent."""
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")

log = logging.getLogger("sinch-console.serve")


class GuardConfigError(ValueError):
    """A token, host or origin that serve must not start with; the message says what to change."""


def new_token() -> str:
    """A fresh random token for one launch (256 bits)."""
    return secrets.token_urlsafe(32)


def check_token(token: str) -> str:
    """`token` if it is long enough and URL-safe; GuardConfigError saying why not."""
    if len(token) < MIN_TOKEN_LENGTH:
        raise GuardConfigError(f"the serve token must be at least {MIN_TOKEN_LENGTH} characters (it has "
                               f"{len(token)}); leave --token and {TOKEN_ENV} unset for a random one")
    if not TOKEN_PATTERN.fullmatch(token):
        raise GuardConfigError("the serve token may hold only letters, digits and - _ . ~ ; leave --token and "
                               f"{TOKEN_ENV} unset for a random one")
    return token


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and `localhost`; False for 0.0.0.0, other addresses and host names."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url_text: str) -> str | None:
    """The origin (`scheme://host[:port]`, lower case, no default port) of an http(s) URL, or None."""
    try:
        parts = urlsplit(url_text.strip())
        host, port = parts.hostname, parts.port  # .port raises ValueError for a port that is no number
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not host:
        return None
    host = f"[{host}]" if ":" in host else host  # an IPv6 address keeps its brackets in an origin
    return f"{scheme}://{host}" + ("" if port in (None, DEFAULT_PORTS[scheme]) else f":{port}")


def normalise_origin(text: str) -> str | None:
    """`text` as an origin in the form `origin_of` gives, or None when it is more (a path, a query) or less."""
    try:
        parts = urlsplit(text.strip())
    except ValueError:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment or "@" in parts.netloc:
        return None
    return origin_of(text)


def allowed_origins(host: str, port: int, public_url: str | None, extra: Iterable[str]) -> frozenset[str]:
    """The origins a websocket may come from; GuardConfigError for an --allow-origin that is no origin."""
    served = [f"http://{host}:{port}"]
    if is_loopback(host):  # the same server under its other loopback names (never reachable from elsewhere)
        served += [f"http://{name}:{port}" for name in LOOPBACK_NAMES]
    origins = {origin for origin in map(normalise_origin, served) if origin}
    if public_url:
        public = origin_of(public_url)
        if public is None:
            raise GuardConfigError(f"--public-url {public_url!r} is not an http(s) URL: write it as "
                                   "https://host[:port][/path]")
        origins.add(public)
    for text in extra:
        origin = normalise_origin(text)
        if origin is None:
            raise GuardConfigError(f"--allow-origin {text!r} is not an origin: write it as scheme://host[:port], "
                                   "e.g. https://console.example.com")
        origins.add(origin)
    return frozenset(origins)


_FRAME_SOURCE = re.compile(r"https?://(\*\.)?[A-Za-z0-9.\-\[\]:]+(:(\d+|\*))?|\*")


def check_frame_ancestor(source: str) -> str:
    """`source` if it is a CSP frame-ancestors source we accept (scheme://host[:port|:*], *.host, or *)."""
    if not _FRAME_SOURCE.fullmatch(source.strip()):
        raise GuardConfigError(f"--allow-frame-ancestor {source!r} is not a page origin: write it as "
                               "scheme://host[:port], e.g. http://localhost:8888 (or * for any page)")
    return source.strip()


def _printable(text: str, limit: int = 120) -> str:
    """Client-sent text made safe to echo: printable ASCII, bounded."""
    return "".join(ch if " " <= ch <= "~" else "?" for ch in text[:limit])


def forbidden(reason: str) -> web.Response:
    from aiohttp import web

    response = web.Response(status=403, text=f"403 Forbidden: {reason}\n", content_type="text/plain")
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


NO_TOKEN = ("this sinch-console needs its token. Open the URL that `sinch-console serve` printed "
            "(it ends in /?token=...).")


@dataclass(frozen=True)
class ServeGuard:
    """The token and the allowed origins of one server, as an aiohttp middleware."""

    token: str
    origins: frozenset[str]
    cookie_name: str
    secure_cookie: bool = False
    frame_ancestors: tuple[str, ...] = ()
    """Pages that may show the console in a frame besides its own origins (CSP source expressions): another
    page of the same site (127.0.0.1 on another port) gets the SameSite cookie, and could frame the console
    and trick the operator into keys (clickjacking)."""

    @property
    def content_security_policy(self) -> str:
        return " ".join(["frame-ancestors", "'self'", *sorted(self.origins), *self.frame_ancestors])

    def token_matches(self, presented: str | None) -> bool:
        return presented is not None and hmac.compare_digest(presented.encode(), self.token.encode())

    def origin_allowed(self, request: web.Request) -> bool:
        origin = request.headers.get("Origin")
        return origin is not None and normalise_origin(origin) in self.origins

    def middleware(self) -> Middleware:
        """The guard as aiohttp middleware (aiohttp loads here, not when this module is imported)."""
        from aiohttp import web

        async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
            return await self.check(request, handler)

        return web.middleware(guard)

    async def check(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """The response to `request`: 403 unless its token (and for a websocket, its origin) is right."""
        route = request.match_info.route.name
        if route in PUBLIC_ROUTES and request.method in SAFE_METHODS:
            return await handler(request)
        upgrade = "websocket" in request.headers.get("Upgrade", "").lower()
        if (upgrade or request.method not in SAFE_METHODS) and not self.origin_allowed(request):
            origin = request.headers.get("Origin")
            log.warning("refused %s %s from origin %s", "a websocket" if upgrade else request.method,
                        request.path if route != TICKET_ROUTE else "/ws/...",
                        _printable(origin) if origin is not None else "(none)")
            if origin is None:
                return forbidden("a websocket without an Origin header is refused.")
            return forbidden(f"origin {_printable(origin)} may not use this console. If it is yours, start serve "
                             "with --allow-origin for it.")
        from_query = self.token_matches(request.query.get("token"))
        if not (from_query or self.token_matches(request.match_info.get("ticket"))
                or self.token_matches(request.cookies.get(self.cookie_name))):
            return forbidden(NO_TOKEN)
        response = await handler(request)
        if not response.prepared:  # a websocket has sent its headers already
            response.headers["Referrer-Policy"] = "no-referrer"  # the page's URL holds the token
            response.headers["Cache-Control"] = "no-store"
            response.headers["Content-Security-Policy"] = self.content_security_policy
            if from_query:
                response.set_cookie(self.cookie_name, self.token, path="/", httponly=True, samesite="Strict",
                                    secure=self.secure_cookie)
        return response


class RedactTokens(logging.Filter):
    """Blanks the token, any `token=` query value and any `/ws/...` ticket in a log record (access log lines
    carry the request line and the Referer, and both may hold the token)."""

    QUERY = re.compile(r"(token=)[^&\s\"']*")
    TICKET = re.compile(r"(/ws/)[^?\s\"']+")

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.TICKET.sub(r"\1[redacted]", self.QUERY.sub(r"\1[redacted]", message))
        redacted = redacted.replace(self.token, "[redacted]")
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


__all__ = ["MIN_TOKEN_LENGTH", "TOKEN_ENV", "GuardConfigError", "RedactTokens", "ServeGuard", "allowed_origins",
           "check_frame_ancestor", "check_token", "is_loopback", "new_token", "normalise_origin", "origin_of"]
