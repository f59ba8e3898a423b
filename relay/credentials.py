"""Where `sinch-relay` takes a secret from: a file, the environment, or (visible to every user) a flag.

A command line is readable by any user of the machine (`ps`, /proc/PID/cmdline), so a secret given as a flag
still works but earns a warning on stderr. A file (`--application-secret-file`) holds the secret alone; white
space around it is ignored, and a file that group or others may read is used with a warning, as ssh does.
Nothing here prints a secret, only where it came from.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

Warn = Callable[[str], object]


@dataclass(frozen=True)
class SecretSource:
    """The three ways of giving one secret: `--NAME`, `--NAME-file` and an environment variable."""

    flag: str
    env: str

    @property
    def file_flag(self) -> str:
        return self.flag + "-file"


def read_secret(source: SecretSource, *, flag_value: str | None, file_path: str | None,
                environ: Mapping[str, str], warn: Warn) -> str:
    """The secret ("" when none is given); ValueError with a sentence when it cannot be read or is given twice."""
    if flag_value is not None and file_path is not None:
        raise ValueError(f"give {source.flag} or {source.file_flag}, not both")
    if file_path is not None:
        return _read_file(Path(file_path), source, warn)
    if flag_value is not None:
        warn(f"{source.flag} on the command line is visible to other users of this machine (ps); "
             f"use ${source.env} or {source.file_flag} instead")
        return flag_value
    return environ.get(source.env, "")


def _read_file(path: Path, source: SecretSource, warn: Warn) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
        mode = path.stat().st_mode
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
        raise ValueError(f"cannot read {source.file_flag} {path}: {why}") from None
    if not text:
        raise ValueError(f"{source.file_flag} {path} is empty")
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        warn(f"{path} may be read by other users (mode {stat.S_IMODE(mode):o}): chmod 600 {path}")
    return text
