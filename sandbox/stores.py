"""Recordings, owned numbers and callback URLs: state without timing, kept apart from the call engine."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sandbox import audio
from sandbox.errors import SandboxError, illegal, invalid, not_found
from sandbox.state import RECORDING_RETENTION, OwnedNumber, Recording


class RecordingStore:
    """The Sinch Drive of one account: paged listing by creation time, newest first."""

    def __init__(self) -> None:
        self.items: dict[str, Recording] = {}

    def add(self, key: str, call_id: str, created_on: datetime, n_frames: int) -> Recording:
        rec = Recording(key, call_id, created_on, n_frames, created_on + RECORDING_RETENTION)
        self.items[key] = rec
        return rec

    def purge_expired(self, now: datetime) -> None:
        for key in [k for k, r in self.items.items() if r.expires_on <= now]:
            del self.items[key]

    def page(self, *, start: datetime | None, end: datetime | None, page: int, size: int) -> list[Recording]:
        chosen = [
            r for r in self.items.values()
            if (start is None or r.created_on >= start) and (end is None or r.created_on < end)
        ]
        chosen.sort(key=lambda r: (r.created_on, r.key), reverse=True)
        return chosen[(page - 1) * size: page * size]

    def get(self, key: str) -> Recording:
        if not key:
            raise SandboxError(40002, "No key specified")
        rec = self.items.get(key)
        if rec is None:
            raise not_found("Recording not found")
        return rec

    def delete(self, key: str) -> None:
        self.get(key)
        del self.items[key]

    @staticmethod
    def stream(rec: Recording) -> Iterator[bytes]:
        return audio.stream_wav(rec.key, rec.n_frames)

    @staticmethod
    def size(rec: Recording) -> int:
        return rec.size


class NumberStore:
    """Numbers the account owns and which application each is assigned to."""

    def __init__(self) -> None:
        self.items: dict[str, OwnedNumber] = {}

    def own(self, number: str, capability: str = "voice", application_key: str | None = None) -> None:
        self.items[number] = OwnedNumber(number, capability, application_key)

    def listing(self) -> list[dict[str, object]]:
        return [n.to_wire() for n in self.items.values()]

    def _owned(self, number: str) -> OwnedNumber:
        owned = self.items.get(number)
        if owned is None:
            raise illegal(f"Unable to update numbers: {number} is not a number of this account")
        return owned

    def assign(self, numbers: list[str], application_key: str, capability: str | None,
               known_keys: set[str]) -> None:
        if application_key not in known_keys:
            raise invalid("Invalid Application Key")
        owned = [self._owned(n) for n in numbers]  # all or nothing
        for item in owned:
            if capability and capability != item.capability:
                raise illegal(f"Unable to update numbers: {item.number} does not support '{capability}'")
        for item in owned:
            item.application_key = application_key

    def unassign(self, number: str, application_key: str, capability: str | None, known_keys: set[str]) -> None:
        if application_key not in known_keys:
            raise invalid("Invalid Application Key")
        item = self._owned(number)
        if capability and capability != item.capability:
            raise illegal(f"Unable to update numbers: {number} does not support '{capability}'")
        if item.application_key != application_key:
            raise illegal(f"Unable to update numbers: {number} is not assigned to application {application_key}")
        item.application_key = None

    def dial_in(self, application_key: str) -> str:
        """The number callers dial to reach the app's rooms (its first voice number)."""
        for item in self.items.values():
            if item.application_key == application_key and item.capability == "voice":
                return item.number
        return next(iter(self.items), "")


class CallbackStore:
    """Callback URLs per application."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, str]] = {}

    def get(self, application_key: str) -> dict[str, str]:
        return dict(self.items.get(application_key, {}))

    def set(self, application_key: str, primary: str | None, fallback: str | None) -> None:
        urls = {name: value for name, value in (("primary", primary), ("fallback", fallback)) if value}
        for name, value in urls.items():
            if not value.startswith(("http://", "https://")):
                raise illegal(f"'url.{name}' must be an http or https URL")
        self.items[application_key] = urls
