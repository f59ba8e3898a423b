"""What the console needs from its configuration before its first frame, read without pydantic.

Validating the file takes pydantic and the wire models (~0.2 s), so the console draws its first frame first
and resolves the settings in its connect worker (`console.config.resolve`, which has the final say). Two
things cannot wait that long: the theme (else the first frame flashes the default one) and whether the
built-in sandbox is certain (its process takes ~0.6 s to start; spawned now, it starts while Textual loads).
Anything unreadable here reads as "not known yet", never as an error: resolving reports it properly.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

ENV_KEY = "SINCH_APPLICATION_KEY"
ENV_SECRET = "SINCH_APPLICATION_SECRET"
ENV_REGION = "SINCH_REGION"
ENV_PROFILE = "SINCH_PROFILE"


class EarlyLook(NamedTuple):
    theme: str | None
    """The file's theme, if it names one."""
    sandbox_certain: bool
    """No application key anywhere (file or environment): whatever the profile, it runs on the sandbox."""


def early_look(path: Path, env: Mapping[str, str], *, sandbox_flag: bool = False) -> EarlyLook:
    """A quick look at the config file at `path` and the environment (see the module docstring)."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raw = {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return EarlyLook(theme=None, sandbox_certain=sandbox_flag)
    theme = raw.get("theme")
    profiles = raw.get("profiles")
    tables = profiles.values() if isinstance(profiles, Mapping) else ()
    has_key = env.get(ENV_KEY, "").strip() or any(isinstance(t, Mapping) and t.get("application_key") for t in tables)
    return EarlyLook(theme=theme if isinstance(theme, str) and theme else None,
                     sandbox_certain=sandbox_flag or not has_key)
