"""Is this callback really from Sinch? The relay's auth modes on top of `api.auth.verify_request`.

- signed (default): only `Authorization: Application KEY:SIGNATURE` with `x-timestamp`, which is what Sinch
  sends. The HMAC covers the raw body bytes, the Content-Type and the path, the compare is constant-time, and
  a timestamp outside `max_age` seconds is refused, so a captured callback cannot be replayed later.
- basic: only `Authorization: Basic base64(KEY:SECRET)`, for a proxy or a test rig that cannot sign. It has
  no timestamp, so anything that saw one request can replay it: opt in knowingly.
- either: both (a migration period).

The path checked is the one the request was sent to, exactly as sent (`raw_path`): Sinch signs the path of the
callback URL it was given, so a reverse proxy must forward it unchanged (`--path-prefix` says where it sits).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from api.auth import Verdict, verify_request
from relay.settings import RelaySettings


def verify_callback(settings: RelaySettings, *, headers: Mapping[str, str], path: str, body: bytes,
                    method: str = "POST", now: datetime | None = None) -> Verdict:
    """Check one callback's credentials against the configured application and auth mode."""
    authorization = next((value for name, value in headers.items() if name.lower() == "authorization"), "")
    scheme = authorization.partition(" ")[0].lower()
    if settings.auth == "basic" and scheme != "basic":
        return Verdict(False, reason="this relay accepts Basic authorization only", scheme=scheme)
    return verify_request(
        headers=headers, method=method, path=path, body=body,
        secrets={settings.application_key: settings.application_secret},
        allow_basic=settings.auth != "signed", max_age=settings.max_age or None, now=now or datetime.now(UTC),
    )
