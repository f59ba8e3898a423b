"""Reading the config file: tomllib, then ConsoleConfig.model_validate, with errors that name the line.

Why not pydantic-settings' TomlConfigSettingsSource: it parses the file itself and hands over neither the
text nor the raw table, yet a good error needs the text (to find the line of a bad value), saving needs the
raw table (to keep keys this version does not know), and the environment overrides the *active* profile,
a table whose name is only known once the file is read, which a fixed settings field path cannot express.
So the file goes through tomllib (stdlib, fast) and the environment through console.config.env.

A file holding a secret (application_secret, relay_token) that group or others may read is reported the way
ssh reports a private key left open: which file, its mode, and the `chmod 600` that fixes it.
"""

from __future__ import annotations

import os
import shlex
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from console.config.errors import ConfigError, dotted, from_syntax_error, from_validation_error, line_of
from console.config.models import ConsoleConfig, Profile


@dataclass(frozen=True, slots=True)
class LoadedFile:
    """A config file as read: the validated model, the raw text and table, and notes on ignored keys."""

    config: ConsoleConfig
    text: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict)
    exists: bool = False
    warnings: tuple[str, ...] = ()


def read_config_file(path: Path) -> LoadedFile:
    """Read and validate `path`. A missing file is the empty config (one "default" profile, the sandbox).

    Raises ConfigError (naming the file, line and a fix) for unreadable, non-TOML or invalid content.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return LoadedFile(ConsoleConfig())
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError(path, f"cannot be read: {reason}",
                          advice="Check the file's permissions and that it is UTF-8 text") from None
    loaded = parse_config_text(path, text)
    too_open = open_secret_warning(path, loaded.config)
    if too_open:
        return LoadedFile(loaded.config, loaded.text, loaded.raw, loaded.exists, (too_open, *loaded.warnings))
    return loaded


def open_secret_warning(path: Path, config: ConsoleConfig) -> str | None:
    """The warning for a config file that holds a secret and is open to group or others (POSIX), else None."""
    if os.name != "posix" or not any(profile.secret_in_file for profile in config.profiles.values()):
        return None
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None
    if not mode & 0o077:
        return None
    can = "read" if mode & 0o044 else "change"
    return (f"{path} holds a secret (application_secret or relay_token) but its permissions {mode:04o} are too "
            f"open: other users of this machine can {can} it. Run: chmod 600 {shlex.quote(str(path))}")


def parse_config_text(path: Path, text: str) -> LoadedFile:
    """Validate config text that claims to come from `path` (used for messages only)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise from_syntax_error(path, exc) from None
    try:
        config = ConsoleConfig.model_validate(raw)
    except ValidationError as exc:
        raise from_validation_error(path, text, exc) from None
    return LoadedFile(config, text, raw, True, tuple(_unknown_keys(path, text, raw)))


def load_config(path: Path) -> ConsoleConfig:
    """The validated config in `path` (the empty config when it does not exist); raises ConfigError."""
    return read_config_file(path).config


def _unknown_keys(path: Path, text: str, raw: Mapping[str, Any]) -> list[str]:
    """Keys this version ignores: most likely typos ("aplication_key"), so say where they are."""
    found: list[tuple[str, ...]] = [(key,) for key in raw if key not in ConsoleConfig.model_fields]
    profiles = raw.get("profiles")
    if isinstance(profiles, Mapping):
        for name, table in profiles.items():
            if isinstance(table, Mapping):
                found += [("profiles", name, key) for key in table if key not in Profile.model_fields]
    notes = []
    for loc in found:
        line = line_of(text, loc)
        where = f"{path}, line {line}" if line else str(path)
        notes.append(f"{where}: unknown key {dotted(loc)} is ignored (a typo?)")
    return notes
