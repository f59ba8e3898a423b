"""Recordings failures in words: listing, downloading, deleting.

Built on console.rooms.wording (one voice for the whole console), with what only recordings have: the
platform's 40001 about the window, a full disk, a download cut off half-way (nothing is kept either way).
"""

from __future__ import annotations

import errno
from pathlib import Path

from api import errors
from console.rooms.wording import RECORDING, describe_error

_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_NOT_ALLOWED = {errno.EACCES, errno.EPERM, errno.EROFS}


def shown_path(path: Path) -> str:
    """A path as people read it: `~/Downloads/...` under the home folder, else in full."""
    try:
        return "~/" + path.relative_to(Path.home()).as_posix() if path != Path.home() else "~"
    except (ValueError, RuntimeError):  # not under home, or no home to speak of
        return str(path)


def describe_list_error(error: BaseException) -> str:
    """Why a page could not be listed ("The platform refused the range (40001): 'to' must be ...")."""
    if isinstance(error, errors.BadRequestError) and error.error_code in (40001, 40002, 40003):
        return f"The platform refused the request ({error.error_code}): {error.message}"
    return "Could not list recordings: " + describe_error(error, subject=RECORDING)


def describe_disk_error(error: OSError, folder: Path) -> str:
    if error.errno in _DISK_FULL:
        return f"Disk full: no room left in {shown_path(folder)}; nothing was kept"
    if error.errno in _NOT_ALLOWED:
        return f"Cannot write to {shown_path(folder)}: {error.strerror or error}"
    return f"Could not write the file in {shown_path(folder)}: {error.strerror or error}"


def describe_download_error(error: BaseException, folder: Path) -> str:
    """A failed download, always saying that no partial file was left behind (api.download guarantees it)."""
    if isinstance(error, errors.APITimeoutError):
        return "No answer in time: the download stopped and nothing was kept"
    if isinstance(error, errors.APIConnectionError):
        return "Connection lost: the download stopped and nothing was kept"
    if isinstance(error, errors.SinchError):
        return describe_error(error, subject=RECORDING)
    if isinstance(error, OSError):
        return describe_disk_error(error, folder)
    return f"Unexpected error: {type(error).__name__}: {error}"


def describe_delete_error(error: BaseException) -> str:
    return describe_error(error, subject=RECORDING)
