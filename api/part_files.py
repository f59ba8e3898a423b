"""The hidden `.part` files a download writes before its file appears, and the clean-up of stale ones.

A download streams into `.sinch-<host>-<pid>-<random>.part` in the target folder (see api.download). A process killed
with SIGKILL (or a power cut) cannot remove it, so the next download into that folder does: a part file is
stale, and removed, when all of these hold:

- its name matches our own pattern exactly (nothing else in the folder is ever looked at twice);
- it is a regular file (not a symlink) owned by the current user;
- this process is not writing it now;
- the process that wrote it is gone (it was written on this host, by a pid not ours that no longer runs), or
  nobody has written to it for STALE_AFTER seconds (a pid can be reused, e.g. after a reboot, and a live
  download writes all the time). `<host>` is a short hash of the host name: on a shared (NFS) folder a pid
  of another machine says nothing here, so only the age rule applies to its parts.

Removal is best effort: a failure to list or remove never fails the download that triggered it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import socket
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

PART_PREFIX = ".sinch-"
PART_SUFFIX = ".part"
STALE_AFTER = 3600.0
"""Seconds without a write after which a part file is stale even when its pid seems to run."""

# The host is 6 hex digits; mkstemp's random part is 8 characters of [a-z0-9_]; the pid is decimal.
_PART_NAME = re.compile(r"\.sinch-([0-9a-f]{6})-(\d{1,10})-[a-z0-9_]{8}\.part")
HOST_TAG = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:6]
"""This machine in part-file names (a hash: the host name itself may hold any character)."""
_writing: set[str] = set()  # our own part files being written right now (absolute paths)

PidCheck = Callable[[int], bool]


def pid_running(pid: int) -> bool:
    """Whether a process with this pid exists. Off POSIX (where os.kill(pid, 0) would end the process) it
    answers True, so only the age rule applies there."""
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it runs, as somebody else
        return True
    return True


@contextlib.contextmanager
def new_part_file(folder: Path) -> Iterator[tuple[int, str]]:
    """Create an owner-only (0600) part file in `folder`: yields (fd, path). The path is marked as being
    written by this process until the block ends, so a clean-up running meanwhile leaves it alone."""
    fd, path = tempfile.mkstemp(prefix=f"{PART_PREFIX}{HOST_TAG}-{os.getpid()}-", suffix=PART_SUFFIX, dir=folder)
    _writing.add(os.path.abspath(path))
    try:
        yield fd, path
    finally:
        _writing.discard(os.path.abspath(path))


def is_part_name(name: str) -> bool:
    """Whether `name` is one of our part files' names."""
    return _PART_NAME.fullmatch(name) is not None


def _stale(entry: os.DirEntry[str], host: str, pid: int, now: float, running: PidCheck) -> bool:
    info = entry.stat(follow_symlinks=False)
    if not stat.S_ISREG(info.st_mode):
        return False
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return False
    if now - info.st_mtime >= STALE_AFTER:
        return True
    # Another host's pid, or our own (a download of this process, maybe created a moment ago in another
    # thread): only age tells.
    return host == HOST_TAG and pid != os.getpid() and not running(pid)


def remove_stale_parts(folder: Path, *, now: float | None = None, running: PidCheck = pid_running) -> list[Path]:
    """Remove the stale part files in `folder` (see the module docstring); returns what was removed.

    `now` (seconds since the epoch, as st_mtime) and `running` are there for tests.
    """
    moment = time.time() if now is None else now
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _PART_NAME.fullmatch(entry.name)
        if match is None:
            continue
        with contextlib.suppress(OSError):
            if os.path.abspath(entry.path) not in _writing and _stale(entry, match.group(1), int(match.group(2)),
                                                                          moment, running):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed
