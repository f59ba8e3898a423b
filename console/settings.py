"""Where the console connects: credentials and region from the environment or flags.

Profiles in a TOML file arrive with the moderation console; this is the part `make run` needs now.
"""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

REGIONS = ("global", "euc1", "use1", "sae1", "apse1", "apse2")


class Settings(BaseSettings):
    """Connection settings. Without an application key and secret the console runs on the sandbox."""

    model_config = SettingsConfigDict(env_prefix="SINCH_", extra="ignore")

    application_key: str | None = None
    """The application key from the Sinch dashboard (SINCH_APPLICATION_KEY)."""
    application_secret: SecretStr | None = None
    """The application secret (SINCH_APPLICATION_SECRET); never printed or logged."""
    region: str = "global"
    """Traffic region: global, euc1, use1, sae1, apse1 or apse2 (SINCH_REGION)."""
    base_url: str | None = None
    """Override the traffic origin, e.g. a sandbox on another machine (SINCH_BASE_URL)."""
    rooms: list[str] = Field(default_factory=list)
    """Conference ids to watch (SINCH_ROOMS as a JSON list, or --room)."""
    poll_interval: float = Field(default=1.0, ge=0.2, le=60)
    """Seconds between polls of a watched conference."""
    force_sandbox: bool = False
    """Use the built-in sandbox even when credentials are set (--sandbox)."""
    seed: int | None = None
    """Seed of the sandbox's ids and demo scenario, for repeatable demos (--seed)."""

    @property
    def uses_sandbox(self) -> bool:
        return self.force_sandbox or not (self.application_key and self.application_secret)
