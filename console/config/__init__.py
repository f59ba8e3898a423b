"""Config and profiles: a TOML file in the user config dir, the SINCH_* environment and flags on top.

    early    what the first frame needs before pydantic loads: the theme, whether the sandbox is certain
    models   Profile, ConsoleConfig: what the file can say (a docstring under every field); an address-book
             entry is api.models.views.Contact (re-exported here), the one Contact of the console
    paths    default_config_path(), data_dir(), default_download_dir(): platformdirs' per-user folders
    errors   ConfigError: file, line and a fix, for syntax and validation errors alike
    load     read the file (tomllib + model_validate); a missing file is the sandbox
    env      EnvOverrides: the SINCH_* variables
    resolve  resolve_settings(): the one call the CLI makes -> Resolved
    save     atomic, comment-keeping writes that never overwrite a broken file; small helpers for screens

Names load on first use (`api.lazy`): the entry point reads `early` (no pydantic) before the first frame,
the rest after it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from api.lazy import attach
from api.regions import REGIONS

if TYPE_CHECKING:
    from console.config.env import EnvOverrides
    from console.config.errors import ConfigError
    from console.config.load import LoadedFile, load_config, read_config_file
    from console.config.models import DEFAULT_PROFILE, DEFAULT_THEME, ConsoleConfig, Contact, Profile
    from console.config.paths import data_dir, default_config_path, default_download_dir
    from console.config.resolve import Resolved, UnknownProfileError, resolve_settings
    from console.config.save import (
        add_saved_room,
        atomic_write,
        remove_saved_room,
        save_config,
        set_theme,
        update_config,
        with_fields,
        with_profile,
    )

__all__ = [
    "DEFAULT_PROFILE",
    "DEFAULT_THEME",
    "REGIONS",
    "ConfigError",
    "ConsoleConfig",
    "Contact",
    "EnvOverrides",
    "LoadedFile",
    "Profile",
    "Resolved",
    "UnknownProfileError",
    "add_saved_room",
    "atomic_write",
    "data_dir",
    "default_config_path",
    "default_download_dir",
    "load_config",
    "read_config_file",
    "remove_saved_room",
    "resolve_settings",
    "save_config",
    "set_theme",
    "update_config",
    "with_fields",
    "with_profile",
]

__getattr__, __dir__ = attach(globals())
