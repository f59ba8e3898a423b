"""What one relay needs to run: the application it accepts callbacks for, the subscribers' token, the rules.

A frozen dataclass, checked once at start-up so a typo fails with a sentence before Sinch sends anything.
The secret and the token are left out of `repr()`: settings end up in tracebacks and debug logs.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Literal

from relay.rules import Rules

AuthMode = Literal["signed", "basic", "either"]
AUTH_MODES: tuple[AuthMode, ...] = ("signed", "basic", "either")
DEFAULT_QUEUE_SIZE = 1000
DEFAULT_MAX_AGE = 600.0
# Sinch callbacks are a few hundred bytes (an ICE with SIP headers a few KB). The body is read before the
# signature can be checked, so anyone who can reach the URL could otherwise make us buffer any amount.
DEFAULT_MAX_BODY = 1024 * 1024


@dataclass(frozen=True)
class RelaySettings:
    """One relay: accepts callbacks of one Sinch application and serves its events to token holders."""

    application_key: str
    application_secret: str = field(repr=False)
    token: str = field(repr=False)
    rules: Rules = field(default_factory=Rules.empty)
    max_age: float = DEFAULT_MAX_AGE
    """Seconds an x-timestamp may be off from our clock; 0 disables the check (only for recorded callbacks)."""
    path_prefix: str = ""
    """Where a reverse proxy forwards the callback, e.g. `/sinch` -> `POST /sinch/callback` (path unchanged)."""
    auth: AuthMode = "signed"
    """signed: Sinch's application signature only (what Sinch sends); basic: Basic only; either: both."""
    queue_size: int = DEFAULT_QUEUE_SIZE
    """Events kept for one subscriber that reads slower than they arrive; beyond it the oldest are dropped."""
    max_body: int = DEFAULT_MAX_BODY

    def __post_init__(self) -> None:
        if not self.application_key.strip():
            raise ValueError("an application key is required (--application-key)")
        if not self.application_secret:
            raise ValueError("an application secret is required (--application-secret or $SINCH_APPLICATION_SECRET)")
        try:
            base64.b64decode(self.application_secret, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("the application secret is not valid base64 (copy it again from the dashboard)") from None
        if not self.token:
            raise ValueError("a subscriber token is required (--token or $SINCH_RELAY_TOKEN)")
        if self.auth not in AUTH_MODES:
            raise ValueError(f"auth must be one of {', '.join(AUTH_MODES)}, not {self.auth!r}")
        if self.max_age < 0:
            raise ValueError("max-age must be 0 (no check) or a number of seconds")
        if self.queue_size < 1:
            raise ValueError("queue-size must be at least 1")
        object.__setattr__(self, "path_prefix", normalise_prefix(self.path_prefix))

    @property
    def callback_path(self) -> str:
        return f"{self.path_prefix}/callback"


def normalise_prefix(prefix: str) -> str:
    """`sinch/`, `/sinch/` and `/sinch` all mean `/sinch`; empty or `/` mean no prefix."""
    text = prefix.strip().strip("/")
    if any(ch in text for ch in "?#% ") or "//" in text:
        raise ValueError(f"path prefix {prefix!r} must be a plain path such as /sinch")
    return f"/{text}" if text else ""
