"""Callback URLs: where Sinch posts ICE/ACE/DiCE/PIE/Notify events for an application."""

from __future__ import annotations

from urllib.parse import urlsplit

from api.errors import InvalidArgumentError
from api.models import CallbacksConfig, CallbackUrls
from api.resources._base import Resource, path_segment


def _check_url(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidArgumentError(what, f"{value!r} is not an http(s) URL")
    return value


class Callbacks(Resource):
    def _path(self, application_key: str | None) -> str:
        key = application_key or self._client.application_key
        return f"/v1/configuration/callbacks/applications/{path_segment(key, 'application_key')}"

    async def get(self, application_key: str | None = None) -> CallbackUrls:
        """The primary and fallback callback URLs of an application (this client's by default)."""
        response = await self._client._request("GET", self._path(application_key), config=True)
        return self._client._parse(response, CallbacksConfig).url

    async def update(
        self, primary: str | None = None, fallback: str | None = None, application_key: str | None = None
    ) -> None:
        """Set the callback URLs. Setting the same URLs twice is harmless, so this retries."""
        urls = CallbackUrls(primary=_check_url(primary, "primary"), fallback=_check_url(fallback, "fallback"))
        body = CallbacksConfig(url=urls).to_wire()
        await self._client._request("POST", self._path(application_key), config=True, body=body)
