"""Downloads land atomically under a safe name, or not at all."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api import errors
from api.download import MAX_NAME_BYTES, safe_filename

CHUNK = b"x" * 1000


class ChunkStream(httpx.AsyncByteStream):
    """Yields `count` chunks, then optionally fails like a dropped connection."""

    def __init__(self, count: int, fail: bool = False) -> None:
        self.count, self.fail = count, fail

    async def __aiter__(self):
        for _ in range(self.count):
            yield CHUNK
        if self.fail:
            raise httpx.ReadError("connection dropped")


def audio(count: int = 5, fail: bool = False, content_type: str = "audio/wav", length: bool = True):
    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": content_type}
        if length:
            headers["content-length"] = str(count * len(CHUNK) + (1000 if fail else 0))
        return httpx.Response(200, headers=headers, stream=ChunkStream(count, fail))

    return handler


def listing(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


async def test_download_into_folder_with_progress(make_client, tmp_path):
    client, rec = make_client(audio(5))
    progress: list[tuple[int, int | None]] = []
    path = await client.recordings.download("call-1", tmp_path, on_progress=lambda d, t: progress.append((d, t)))
    assert path == tmp_path / "call-1.wav"
    assert path.read_bytes() == CHUNK * 5
    assert progress[0] == (0, 5000) and progress[-1] == (5000, 5000)
    assert listing(tmp_path) == ["call-1.wav"]
    assert rec.sent[0].raw_path == "/calling/v1/recording/call-1"


async def test_download_to_file_path(make_client, tmp_path):
    client, _ = make_client(audio(2, length=False))
    seen = []
    target = tmp_path / "sub" / "my.mp3"
    assert await client.recordings.download("k", target, on_progress=lambda d, t: seen.append(t)) == target
    assert target.read_bytes() == CHUNK * 2 and set(seen) == {None}


async def test_failure_mid_stream_leaves_nothing(make_client, tmp_path):
    client, rec = make_client(audio(3, fail=True), max_retries=1)
    with pytest.raises(errors.APIConnectionError):
        await client.recordings.download("call-1", tmp_path)
    assert listing(tmp_path) == []  # no final file, no hidden temp file
    assert len(rec.sent) == 2  # a GET: restarted once


async def test_failure_then_success_on_retry(make_client, tmp_path):
    client, _ = make_client(audio(3, fail=True), audio(4))
    path = await client.recordings.download("call-1", tmp_path)
    assert path.read_bytes() == CHUNK * 4 and listing(tmp_path) == ["call-1.wav"]


async def test_body_shorter_than_content_length_is_a_failure(make_client, tmp_path):
    """A transport that ends the body early without an error must not leave a truncated recording."""

    def short(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "audio/wav", "content-length": "5000"},
                              stream=ChunkStream(3))

    client, rec = make_client(short, max_retries=1)
    with pytest.raises(errors.APIConnectionError, match="3000 of 5000"):
        await client.recordings.download("call-1", tmp_path)
    assert listing(tmp_path) == [] and len(rec.sent) == 2


async def test_cancelled_download_leaves_nothing(make_client, tmp_path):
    import asyncio

    async def cancel(done, total):
        if done >= 2000:
            raise asyncio.CancelledError

    client, _ = make_client(audio(5))
    with pytest.raises(asyncio.CancelledError):
        await client.recordings.download("call-1", tmp_path, on_progress=cancel)
    assert listing(tmp_path) == []


async def test_existing_file_not_overwritten(make_client, tmp_path):
    (tmp_path / "call-1.wav").write_bytes(b"precious")
    client, rec = make_client(audio(1))
    with pytest.raises(errors.DownloadExistsError):
        await client.recordings.download("call-1", tmp_path)
    with pytest.raises(FileExistsError):
        await client.recordings.download("x", tmp_path / "call-1.wav")
    assert (tmp_path / "call-1.wav").read_bytes() == b"precious"
    assert listing(tmp_path) == ["call-1.wav"]
    assert len(rec.sent) == 1  # the explicit file path was refused before any request
    await client.recordings.download("call-1", tmp_path, overwrite=True)
    assert (tmp_path / "call-1.wav").read_bytes() == CHUNK


async def test_http_error_leaves_nothing(make_client, tmp_path):
    client, _ = make_client(httpx.Response(404, json={"errorCode": 40400, "message": "Recording not found"}))
    with pytest.raises(errors.NotFoundError):
        await client.recordings.download("nope", tmp_path)
    assert listing(tmp_path) == []


@pytest.mark.parametrize(("key", "expected"), [
    ("../../etc/x", "_.._etc_x.wav"),
    ("a/b", "a_b.wav"),
    ("a\\b", "a_b.wav"),
    ("con", "_con.wav"),
    ("CON.wav", "_CON.wav"),
    ("lpt1", "_lpt1.wav"),
    ("..", "recording.wav"),
    ("", "recording.wav"),
    ("tab\there\x00nul\x1b", "tab_here_nul_.wav"),
    ("rec.mp3", "rec.mp3"),
    (".hidden", "hidden.wav"),
])
def test_hostile_keys_become_safe_names(key, expected):
    assert safe_filename(key, "audio/wav") == expected


def test_long_and_unicode_keys():
    name = safe_filename("é" * 300, "audio/wav")
    assert len(name.encode()) <= MAX_NAME_BYTES and name.endswith(".wav")
    decomposed = unicodedata.normalize("NFD", "Åsa-möte")
    assert safe_filename(decomposed, "audio/mpeg") == unicodedata.normalize("NFC", "Åsa-möte") + ".mp3"
    assert safe_filename("k", "application/octet-stream") == "k.wav"  # never without an allowed extension


@settings(max_examples=200)
@given(st.text(max_size=300))
def test_any_key_stays_inside_the_folder(key):
    name = safe_filename(key, "audio/wav")
    assert name and "/" not in name and "\\" not in name and "\x00" not in name
    assert not name.startswith(".") and len(name.encode()) <= MAX_NAME_BYTES
    assert (Path("/safe") / name).resolve().parent == Path("/safe")


@pytest.mark.parametrize("key", ["../../etc/x", "a/b", "con", "x" * 300, "日本語の録音", "bad\x07key", "..."])
async def test_hostile_key_downloads_inside_target(make_client, tmp_path, key):
    client, _ = make_client(audio(1))
    path = await client.recordings.download(key, tmp_path)
    assert path.parent == tmp_path and path.exists()
    assert listing(tmp_path) == [path.name]


def test_default_transport_reads_bodies_in_big_pieces() -> None:
    """api.transport relies on httpx-aiohttp's per-stream CHUNK_SIZE: if an upgrade renames it, downloads
    silently fall back to 16 KiB pieces (about half the speed in bench/download.py). Fail loudly instead."""
    from httpx_aiohttp.transport import AiohttpResponseStream

    from api.transport import BODY_PIECE_BYTES

    assert AiohttpResponseStream.CHUNK_SIZE < BODY_PIECE_BYTES
