"""The environment's say: SINCH_APPLICATION_KEY, SINCH_APPLICATION_SECRET, SINCH_REGION, SINCH_PROFILE.

A pydantic model validated from a mapping rather than a pydantic-settings BaseSettings: BaseSettings reads
only os.environ (injecting another mapping needs its private API), and the values must land on whichever
profile is active, not on fixed fields. Validating the mapping directly gives one code path for the real
environment and for tests. Empty variables count as unset, as in most CLIs (`SINCH_REGION= sinch-console`).
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from console.config.early import ENV_KEY, ENV_PROFILE, ENV_REGION, ENV_SECRET


class EnvOverrides(BaseModel):
    """The SINCH_* variables that override the active profile (flags override them in turn)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    application_key: str | None = Field(default=None, validation_alias=ENV_KEY)
    """Replaces the profile's application key."""
    application_secret: SecretStr | None = Field(default=None, validation_alias=ENV_SECRET)
    """Replaces the profile's secret, wherever that comes from (file or application_secret_env)."""
    region: str | None = Field(default=None, validation_alias=ENV_REGION)
    """Replaces the profile's region; checked like the file's value."""
    profile: str | None = Field(default=None, validation_alias=ENV_PROFILE)
    """Chooses the profile when --profile is not given."""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> EnvOverrides:
        names = (ENV_KEY, ENV_SECRET, ENV_REGION, ENV_PROFILE)
        return cls.model_validate({name: env[name].strip() for name in names if env.get(name, "").strip()})
