"""Where the console keeps its files: platformdirs' per-user folders, so each OS gets its usual place."""

from __future__ import annotations

from pathlib import Path

APP_NAME = "sinch-console"


def default_config_path() -> Path:
    """The config file: e.g. ~/.config/sinch-console/config.toml on Linux. Not created here: reading a
    missing file gives the sandbox profile, and the first save creates it."""
    import platformdirs  # lazily: only the CLI path pays for it, not every importer of console.config

    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def data_dir() -> Path:
    """The folder for the audit log and attendance reports (e.g. ~/.local/share/sinch-console), created
    owner-only on first use because the audit log names who was kicked from which call."""
    import platformdirs

    path = Path(platformdirs.user_data_dir(APP_NAME))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path
