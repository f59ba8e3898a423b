"""Atomic file writes, for the config file and the rooms' attendance file and exports alike.

The bytes go to a temporary file in the target's own folder (so the rename stays on one file system), are
flushed to disk, and the temporary file is renamed over the target with os.replace, which is atomic: a reader
(or a crash) sees the old file or the new one, never half of either. No Textual here: console.rooms uses it.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

__all__ = ["NEW_FILE_MODE", "atomic_write"]

NEW_FILE_MODE = 0o600
"""The mode of a file these writes create: owner-only."""


def atomic_write(path: str | os.PathLike[str], data: str | bytes, *, private: bool) -> Path:
    """Replace `path` with `data` (text is written as UTF-8) via a fsynced temporary file and os.replace.

    On any failure the previous file is left untouched and the temporary file removed. A symlinked file (dotfile
    managers) is written through to its target. The mode is the file's own, 0600 when new or when `private`.
    Returns `path`.
    """
    given = Path(path)
    target = given.resolve() if given.is_symlink() else given
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = NEW_FILE_MODE
    if private:
        mode &= 0o600
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(payload)
            file.flush()
            os.chmod(temporary, mode)
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_folder(target.parent)
    return given


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); some systems cannot open a folder, which is fine."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
