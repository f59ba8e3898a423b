"""Stream a recording to disk without ever leaving a partial file under its final name.

The body goes to a hidden part file in the target folder (same filesystem, so the final step is an atomic
link or rename), is fsynced, and only then appears under its name. The kernel is asked to start writing it to
disk every WRITEBACK_BYTES, so the final fsync (off the event loop) has little left to wait for. Any failure
removes the part file; one left behind by a killed process is removed by the next download into its folder
(api.part_files names them and decides what is stale). File names derived from recording keys are made safe:
keys come from a server and must not choose where on our disk a file lands, nor its type. Files are created
owner-only (0600, as mkstemp makes them): a recording is somebody's voice.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import httpx

from api.errors import DownloadExistsError
from api.part_files import new_part_file, remove_stale_parts

ProgressHook = Callable[[int, int | None], object]

CHUNK_SIZE = 64 * 1024  # the most written (and reported to on_progress) at a time
WRITEBACK_BYTES = 8 * 1024 * 1024
MAX_NAME_BYTES = 200  # below the usual 255-byte limit, leaving room for a suffix
_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{p}{n}" for p in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³")
}
ALLOWED_EXTENSIONS = (".wav", ".mp3")
"""The only extensions a saved recording gets (Sinch records WAV or MP3); never one a server names."""
_MP3_TYPES = {"audio/mpeg", "audio/mp3", "audio/mpeg3", "audio/x-mpeg-3"}


def extension_for(content_type: str | None) -> str:
    """".mp3" for an MP3 Content-Type, ".wav" for anything else (WAV is what Sinch records by default)."""
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    return ".mp3" if mime in _MP3_TYPES else ".wav"


def _truncate_utf8(text: str, limit: int) -> str:
    encoded = text.encode()
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode(errors="ignore")


def safe_filename(key: str, content_type: str | None = None, default: str = "recording") -> str:
    """A file name for `key` that stays inside its folder on any OS.

    NFC-normalised; control characters, path separators and Windows-forbidden characters replaced by `_`;
    no leading dots (no hidden files, no `..`); a leading `-` (read as an option by `rm -rf.wav`-style commands)
    and Windows device names (`con`, `lpt1.wav`) prefixed with `_`; at most MAX_NAME_BYTES of UTF-8.
    The extension is always one of ALLOWED_EXTENSIONS: the key's own when it ends in one ("a.mp3"), else .mp3
    for an MP3 Content-Type and .wav otherwise; any other suffix stays part of the name ("x.exe" -> "x.exe.wav").
    """
    name = unicodedata.normalize("NFC", key or "")
    name = "".join("_" if unicodedata.category(ch).startswith("C") else ch for ch in name)
    name = _FORBIDDEN.sub("_", name).strip().lstrip(".").rstrip(". ")
    if not name.strip("_"):
        name = default
    if name.startswith("-"):
        name = "_" + name
    stem, dot, suffix = name.rpartition(".")
    if dot and stem and f".{suffix.lower()}" in ALLOWED_EXTENSIONS:
        ext = "." + suffix
    else:
        stem, ext = name, extension_for(content_type)
    if stem.split(".", 1)[0].rstrip(" ").upper() in _WINDOWS_RESERVED:
        stem = "_" + stem
    stem = _truncate_utf8(stem, MAX_NAME_BYTES - len(ext.encode())).rstrip(". ") or default
    return stem + ext


def resolve_target(target: str | os.PathLike[str], key: str, content_type: str | None) -> Path:
    """The final file path: inside `target` when it is (or is spelt as) a folder, else `target` itself."""
    raw = os.fspath(target)
    path = Path(raw).expanduser()
    if path.is_dir() or raw.endswith(("/", os.sep)):
        path.mkdir(parents=True, exist_ok=True)
        final = path / safe_filename(key, content_type)
        if final.resolve().parent != path.resolve():  # belt and braces: never escape the folder
            raise ValueError(f"refusing to write outside {path}")
        return final
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


async def _report(on_progress: ProgressHook | None, done: int, total: int | None) -> None:
    if on_progress is None:
        return
    result = on_progress(done, total)
    if inspect.isawaitable(result):
        await result


def _publish(temp: str, final: Path, overwrite: bool) -> None:
    if overwrite:
        os.replace(temp, final)
        return
    try:
        os.link(temp, final)  # atomic and fails when the name exists: no race with another writer
    except FileExistsError:
        raise DownloadExistsError(final) from None
    except OSError:  # filesystems without hard links
        if final.exists():
            raise DownloadExistsError(final) from None
        os.replace(temp, final)
        return
    os.unlink(temp)


def _fsync_folder(folder: Path) -> None:
    """Make the new directory entry durable too (POSIX); best effort elsewhere."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _slices(piece: bytes) -> Iterator[bytes | memoryview]:
    """`piece` in parts of at most CHUNK_SIZE (views, not copies), so progress moves even when a transport
    hands the whole body over at once (httpx's ASGITransport does)."""
    if len(piece) <= CHUNK_SIZE:
        yield piece
        return
    view = memoryview(piece)
    for start in range(0, len(view), CHUNK_SIZE):
        yield view[start:start + CHUNK_SIZE]


def _start_writeback(handle: BinaryIO, start: int, end: int) -> None:
    """Have the kernel start writing bytes [start, end) to disk now, without waiting for it.

    On Linux POSIX_FADV_DONTNEED starts writeback of the range's dirty pages and drops the ones already
    clean from the page cache (a big download does not push everything else out of it); no data is lost,
    it is advice. Elsewhere (no posix_fadvise) it does nothing and the final fsync does all the work.
    """
    if not hasattr(os, "posix_fadvise"):
        return
    handle.flush()
    with contextlib.suppress(OSError):
        os.posix_fadvise(handle.fileno(), start, end - start, os.POSIX_FADV_DONTNEED)


async def _fsync_off_loop(fd: int) -> None:
    """fsync in a worker thread: flushing a big file to a slow disk must not freeze the event loop (the UI).
    The thread has its own descriptor, so a cancelled wait cannot close the file under it."""
    own = os.dup(fd)

    def work() -> None:
        try:
            os.fsync(own)
        finally:
            os.close(own)

    await asyncio.to_thread(work)


def _check_complete(response: httpx.Response, done: int, total: int | None) -> None:
    """A body shorter than its Content-Length is a cut connection, whatever the transport let through.

    Only checked without Content-Encoding: then Content-Length counts the bytes we wrote.
    """
    if total is not None and done != total and not response.headers.get("content-encoding"):
        raise httpx.RemoteProtocolError(f"the recording was cut off after {done} of {total} bytes")


async def stream_to_file(
    response: httpx.Response,
    final: Path,
    *,
    overwrite: bool = False,
    on_progress: ProgressHook | None = None,
) -> Path:
    """Write the (streamed) response body to `final` atomically. Raises and cleans up on any failure."""
    if not overwrite and final.exists():
        raise DownloadExistsError(final)
    length = response.headers.get("content-length")
    total = int(length) if length and length.isdigit() else None
    await asyncio.to_thread(remove_stale_parts, final.parent)  # left by a killed download; never fails ours
    with new_part_file(final.parent) as (fd, temp):
        await _write_and_publish(response, fd, temp, final, overwrite=overwrite, on_progress=on_progress,
                                 total=total)
    with contextlib.suppress(OSError):
        await asyncio.to_thread(_fsync_folder, final.parent)
    return final


async def _write_and_publish(response: httpx.Response, fd: int, temp: str, final: Path, *, overwrite: bool,
                             on_progress: ProgressHook | None, total: int | None) -> None:
    try:
        done = written_back = 0
        with os.fdopen(fd, "wb") as handle:
            await _report(on_progress, 0, total)
            async for piece in response.aiter_bytes():  # as the transport read them: no copy into chunks
                for chunk in _slices(piece):
                    handle.write(chunk)
                    done += len(chunk)
                    if done - written_back >= WRITEBACK_BYTES:
                        _start_writeback(handle, written_back, done)
                        written_back = done
                    await _report(on_progress, done, total)
            _check_complete(response, done, total)
            handle.flush()
            await _fsync_off_loop(handle.fileno())
        # a link or rename (and the folder's fsync) can stall on a network file system: not on the loop either.
        # Cancelled meanwhile, the thread still finishes: the file then appears complete, never partial.
        await asyncio.to_thread(_publish, temp, final, overwrite)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
