"""One call for the CLI: which profile is active and what it says once the environment and flags are applied.

Precedence, lowest first: the file's profile, the SINCH_* environment, the command-line flags. The secret has
its own order: SINCH_APPLICATION_SECRET, then the variable the profile names in application_secret_env, then
the file. Without both a key and a secret (or with --sandbox) the console runs on the built-in sandbox.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from console.config.env import ENV_KEY, ENV_PROFILE, ENV_REGION, ENV_SECRET, EnvOverrides
from console.config.errors import ConfigError, line_of
from console.config.load import read_config_file
from console.config.models import ConsoleConfig, Profile
from console.config.paths import default_config_path


class UnknownProfileError(ConfigError):
    """The profile asked for (flag, SINCH_PROFILE) is not in the file; the message lists the known ones."""


@dataclass(frozen=True, slots=True)
class Resolved:
    """The outcome of resolve_settings: everything the app needs to connect and to save back to the file."""

    profile_name: str
    """The active profile's name."""
    profile: Profile
    """The active profile with environment and flags applied (the file's own is `config.profiles[name]`)."""
    uses_sandbox: bool
    """No key and secret, or --sandbox: run on the built-in sandbox."""
    config_path: Path
    """The file read (maybe missing) and the one save helpers write."""
    config: ConsoleConfig
    """The whole file as written, without environment or flag overrides: what saving starts from."""
    secret_source: str | None = None
    """Where the secret came from, for diagnostics ("SINCH_APPLICATION_SECRET", "$NAME", "config file")."""
    warnings: tuple[str, ...] = ()
    """Things worth telling the user that do not stop the start (unknown keys, an unset secret variable)."""

    @property
    def label(self) -> str:
        """For the header: "prod · euc1 · key 1a2b…", or "default · SANDBOX"."""
        return self.profile.display_label(self.profile_name, sandbox=self.uses_sandbox)

    @property
    def saved_rooms(self) -> list[str]:
        """The rooms saved in the file for this profile (the effective list may also hold --room ones)."""
        saved = self.config.profiles.get(self.profile_name)
        return list(saved.rooms) if saved else []


def resolve_settings(
    config_path: Path | None = None,
    profile: str | None = None,
    *,
    sandbox: bool = False,
    read_only: bool = False,
    rooms: list[str] | None = None,
    region: str | None = None,
    poll_interval: float | None = None,
    env: Mapping[str, str] = os.environ,
) -> Resolved:
    """Read the config (default_config_path() when None) and apply `env` and the flags to the chosen profile.

    Raises ConfigError for a broken file or a bad environment/flag value, UnknownProfileError for a profile
    name the file does not have. `rooms` (--room) are watched in addition to the saved ones.
    """
    path = config_path if config_path is not None else default_config_path()
    loaded = read_config_file(path)
    config = loaded.config
    overrides = EnvOverrides.from_env(env)
    name = profile or overrides.profile or config.default_profile
    if name not in config.profiles:
        source = "--profile" if profile else ENV_PROFILE if overrides.profile else "default_profile"
        line = line_of(loaded.text, ("profiles",)) if loaded.exists else None
        raise UnknownProfileError(
            path, f"unknown profile {name!r} (from {source}); known profiles: {', '.join(config.profiles)}",
            line=line, advice=f"Pick one of those, or add a [profiles.{name}] table to the file")
    base = config.profiles[name]
    warnings = list(loaded.warnings)

    changes: dict[str, Any] = {}
    sources: dict[str, str] = {}

    def put(field: str, value: Any, source: str) -> None:
        changes[field], sources[field] = value, source

    if overrides.application_key:
        put("application_key", overrides.application_key, ENV_KEY)
    secret_source = "config file" if base.application_secret else None
    named = base.application_secret_env
    if overrides.application_secret is not None:
        put("application_secret", overrides.application_secret, ENV_SECRET)
        secret_source = ENV_SECRET
    elif named and env.get(named, "").strip():
        put("application_secret", env[named].strip(), f"${named} (application_secret_env)")
        secret_source = f"${named}"
    elif named:
        fallback = "the file's application_secret" if base.application_secret else "no secret"
        warnings.append(f"profile {name!r}: application_secret_env names ${named}, which is not set; "
                        f"using {fallback}")
    if overrides.region:
        put("region", overrides.region, ENV_REGION)
    if region:
        put("region", region, "--region")
    if poll_interval is not None:
        put("poll_interval", poll_interval, "--poll-interval")
    if rooms:
        put("rooms", [*base.rooms, *rooms], "--room")
    if read_only:
        put("read_only", True, "--read-only")
    effective = _apply(base, changes, sources) if changes else base
    return Resolved(
        profile_name=name,
        profile=effective,
        uses_sandbox=sandbox or not (effective.application_key and effective.application_secret),
        config_path=path,
        config=config,
        secret_source=secret_source if effective.application_secret else None,
        warnings=tuple(warnings),
    )


def _apply(base: Profile, changes: dict[str, Any], sources: dict[str, str]) -> Profile:
    """Validate the overridden profile like the file's, blaming the variable or flag for a bad value."""
    try:
        return Profile.model_validate({**base.model_dump(), **changes})
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        field = str(first["loc"][0]) if first["loc"] else ""
        reason = first["msg"].removeprefix("Value error, ")
        raise ConfigError(None, reason, key=sources.get(field, field),
                          advice="Fix that value (unset the variable or drop the flag to use the file's)") from None
