"""Callback URLs of an application (configuration host)."""

from __future__ import annotations

from pydantic import Field

from api.models.base import WireModel


class CallbackUrls(WireModel):
    """Where Sinch sends ICE/ACE/DiCE/PIE/Notify events; fallback is used when primary fails."""

    primary: str | None = None
    fallback: str | None = None


class CallbacksConfig(WireModel):
    """Body of GET/POST /configuration/callbacks/applications/{applicationkey}."""

    url: CallbackUrls = Field(default_factory=CallbackUrls)
