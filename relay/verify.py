"""Is this callback really from Sinch? The relay's auth modes on top of `api.auth.verify_request`.

- signed (default): only `Authorization: Application KEY:SIGNATURE` with `x-timestamp`, which is what Sinch
  sends. The HMAC covers the raw body bytes, the Content-Type and the path, the compare is constant-time, and
  a timestamp outside `max_age` seconds is refused; within it, the replay guard (relay.replay) refuses a copy.
- basic: only `Authorization: Basic base64(KEY:SECRET)`, for a proxy or a test rig that cannot sign. It has
  no timestamp: the replay guard can only refuse byte-identical copies within the window. Opt in knowingly.
- either: both (a migration period).

During a secret rotation the relay holds two secrets (`previous_application_secret`): a callback made with
either verifies, the current one tried first. `CallbackVerdict.previous` says which, so the operator can see
when the old one is no longer used.

The path checked is the one the request was sent to, exactly as sent (`raw_path`): Sinch signs the path of the
callback URL it was given, so a reverse proxy must forward it unchanged (`--path-prefix` says where it sits).

Strict form, before any check: the Authorization is exactly `Application KEY:SIGNATURE` (a 44-character base64
HMAC) or `Basic CREDENTIALS`, one space after the scheme (whose case is free, RFC 9110; Sinch's docs write
`application`), nothing before or after. Header values decode as latin-1, where `str.strip()` also eats `\xa0`
and `\x85`: a lenient parse let one signed callback be sent again in many spellings. Authorization,
x-timestamp and Content-Type (what the signature covers) must each come once: which copy counts differs from
one proxy or framework to the next, so a second one is refused rather than guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from api.auth import Verdict, verify_request
from relay.settings import RelaySettings

SIGNED_HEADERS = ("authorization", "x-timestamp", "content-type")
"""Headers the verdict depends on: each may come once."""
_STRICT_FORMS = {
    # key: printable ASCII without `:` (Sinch's are UUIDs); signature: base64 of a SHA-256 HMAC, 32 bytes
    "application": re.compile(r"(?i:application) [!-9;-~]+:[A-Za-z0-9+/]{43}="),
    "basic": re.compile(r"(?i:basic) [A-Za-z0-9+/]+={0,2}"),
}


@dataclass(frozen=True)
class CallbackVerdict:
    """`api.auth.Verdict` plus whether the previous secret (not the current one) made it good."""

    verdict: Verdict
    previous: bool = False

    @property
    def ok(self) -> bool:
        return self.verdict.ok

    @property
    def reason(self) -> str:
        return self.verdict.reason

    @property
    def scheme(self) -> str:
        return self.verdict.scheme

    @property
    def application_key(self) -> str:
        return self.verdict.application_key or ""

    @property
    def signature(self) -> str:
        """The signature exactly as checked (Application scheme only): what the replay memory keys on."""
        return self.verdict.signature

    @property
    def timestamp(self) -> str:
        return self.verdict.timestamp


def verify_callback(settings: RelaySettings, *, headers: Mapping[str, str] | Iterable[tuple[str, str]], path: str,
                    body: bytes, method: str = "POST", now: datetime | None = None) -> CallbackVerdict:
    """Check one callback's credentials against the configured application, its secrets and the auth mode.

    `headers`: a mapping, or the (name, value) pairs as received (then a signed header sent twice is refused).
    """
    named, problem = _single_valued(headers.items() if isinstance(headers, Mapping) else headers)
    if problem:
        return _refused(problem)
    authorization = named.get("authorization", "")
    scheme = authorization.partition(" ")[0].lower()
    if authorization and not any(form.fullmatch(authorization) for form in _STRICT_FORMS.values()):
        return _refused("the Authorization is not in the form `Application KEY:SIGNATURE` or `Basic CREDENTIALS` "
                        "(stray characters, spaces or a truncated signature)", scheme)
    if settings.auth == "basic" and scheme != "basic":
        return _refused("this relay accepts Basic authorization only", scheme)
    moment = now or datetime.now(UTC)
    first: Verdict | None = None
    for index, secret in enumerate(settings.secrets):  # the previous secret is tried only if the current fails
        verdict = verify_request(headers=named, method=method, path=path, body=body,
                                 secrets={settings.application_key: secret}, allow_basic=settings.auth != "signed",
                                 max_age=settings.max_age or None, now=moment)
        if verdict.ok:
            return CallbackVerdict(verdict, previous=index > 0)
        first = first or verdict
    assert first is not None  # settings always hold the current secret
    return CallbackVerdict(first)  # the reason given for the current secret


def _single_valued(pairs: Iterable[tuple[str, str]]) -> tuple[dict[str, str], str]:
    """Headers by lower-case name, and a reason when one the signature covers came more than once."""
    named: dict[str, str] = {}
    for name, value in pairs:
        name = name.lower()
        if name in named and name in SIGNED_HEADERS:
            return named, f"the {name} header more than once"
        named[name] = value
    return named, ""


def _refused(reason: str, scheme: str = "") -> CallbackVerdict:
    return CallbackVerdict(Verdict(False, reason=reason, scheme=scheme))
