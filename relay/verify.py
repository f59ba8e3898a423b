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
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from api.auth import Verdict, verify_request
from relay.settings import RelaySettings


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


def verify_callback(settings: RelaySettings, *, headers: Mapping[str, str], path: str, body: bytes,
                    method: str = "POST", now: datetime | None = None) -> CallbackVerdict:
    """Check one callback's credentials against the configured application, its secrets and the auth mode."""
    authorization = next((value for name, value in headers.items() if name.lower() == "authorization"), "")
    scheme = authorization.partition(" ")[0].lower()
    if settings.auth == "basic" and scheme != "basic":
        return CallbackVerdict(Verdict(False, reason="this relay accepts Basic authorization only", scheme=scheme))
    moment = now or datetime.now(UTC)
    verdicts = [verify_request(headers=headers, method=method, path=path, body=body,
                               secrets={settings.application_key: secret}, allow_basic=settings.auth != "signed",
                               max_age=settings.max_age or None, now=moment)
                for secret in settings.secrets]
    for index, verdict in enumerate(verdicts):
        if verdict.ok:
            return CallbackVerdict(verdict, previous=index > 0)
    return CallbackVerdict(verdicts[0])  # the reason given for the current secret
