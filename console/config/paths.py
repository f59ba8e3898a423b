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


def default_download_dir(*, sandbox: bool = False) -> Path:
    """Where recordings go when the profile sets no download_dir: the user's Downloads folder (e.g.
    ~/Downloads/sinch-recordings) when there is one, else the data folder. Sandbox recordings go to a
    `sandbox` subfolder so demo files never mix with real ones. Not created here: the first download does."""
    import platformdirs

    downloads = Path(platformdirs.user_downloads_dir())
    base = downloads / "sinch-recordings" if downloads.is_dir() else data_dir() / "recordings"
    return base / "sandbox" if sandbox else base
