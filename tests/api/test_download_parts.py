"""Part files of killed downloads are cleaned up by the next download; saved names are safe to type and play.

The SIGKILL test runs a real child process that downloads from a body that never ends, kills it once it has
written its part file, and checks the next download into the folder removes exactly that part file.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
import pytest

from api.download import safe_filename
from api.part_files import HOST_TAG, STALE_AFTER, is_part_name, remove_stale_parts

CHILD = textwrap.dedent("""
    import asyncio, sys
    import httpx
    from api import SinchVoiceClient

    class Endless(httpx.AsyncByteStream):
        async def __aiter__(self):
            yield b"x" * 100_000
            await asyncio.Event().wait()  # the rest of the body never comes

    def handler(request):
        return httpx.Response(200, headers={"content-type": "audio/wav"}, stream=Endless())

    def progress(done, total):
        if done == 100_000:  # all of the first piece: after its first 64 KiB slice a kill raced the rest
            print("writing", flush=True)

    async def main():
        http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        client = SinchVoiceClient(application_key="k", application_secret="c2VjcmV0", http_client=http)
        await client.recordings.download("call-1", sys.argv[1], on_progress=progress)

    asyncio.run(main())
""")


def _audio(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, headers={"content-type": "audio/wav"}, content=b"RIFF" + b"\0" * 100)


def _parts(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if is_part_name(name))


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL and pid checks are POSIX")
async def test_part_of_a_download_killed_with_sigkill_is_removed_by_the_next_one(make_client, tmp_path):
    root = Path(__file__).resolve().parents[2]
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path)], cwd=root, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        line = child.stdout.readline()  # blocks until the child has written its first bytes
        assert line.strip() == "writing", child.stderr.read() if child.stderr else ""
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        for stream in (child.stdout, child.stderr):
            if stream:
                stream.close()
    left = _parts(tmp_path)
    assert len(left) == 1 and left[0].startswith(f".sinch-{HOST_TAG}-{child.pid}-")  # SIGKILL left the part behind
    assert (tmp_path / left[0]).stat().st_size == 100_000

    (tmp_path / "keep.part").write_bytes(b"someone else's")  # not our pattern: never touched
    client, _ = make_client(_audio)
    await client.recordings.download("call-2", tmp_path)
    assert sorted(os.listdir(tmp_path)) == ["call-2.wav", "keep.part"]


def _part(folder: Path, pid: int, age: float = 0.0, now: float = 1_000_000.0, host: str = HOST_TAG) -> Path:
    path = folder / f".sinch-{host}-{pid}-abcd_123.part"
    path.write_bytes(b"half")
    os.utime(path, (now - age, now - age))
    return path


def test_a_part_whose_process_still_runs_is_kept_until_it_is_an_hour_old(tmp_path):
    now = 1_000_000.0
    fresh = _part(tmp_path, 4242, age=STALE_AFTER - 1, now=now)
    assert remove_stale_parts(tmp_path, now=now, running=lambda pid: True) == []
    assert fresh.exists()
    assert remove_stale_parts(tmp_path, now=now + 1, running=lambda pid: True) == [fresh]


def test_a_part_whose_process_is_gone_is_removed_at_once(tmp_path):
    now = 1_000_000.0
    part = _part(tmp_path, 4242, now=now)
    assert remove_stale_parts(tmp_path, now=now, running=lambda pid: pid != 4242) == [part]


def test_a_fresh_part_of_another_host_is_kept_whatever_its_pid(tmp_path):
    """On a shared (NFS) folder, a pid of another machine says nothing about this one's processes."""
    now = 1_000_000.0
    other = "000000" if HOST_TAG != "000000" else "ffffff"
    theirs = _part(tmp_path, 4242, now=now, host=other)
    assert remove_stale_parts(tmp_path, now=now, running=lambda pid: False) == [] and theirs.exists()
    assert remove_stale_parts(tmp_path, now=now + STALE_AFTER, running=lambda pid: False) == [theirs]


def test_our_own_fresh_parts_are_kept(tmp_path):
    now = 1_000_000.0
    mine = _part(tmp_path, os.getpid(), now=now)  # maybe another download of this process, just started
    assert remove_stale_parts(tmp_path, now=now, running=lambda pid: False) == [] and mine.exists()


@pytest.mark.parametrize("name", [
    ".sinch-0a1b2c-4242-abcd_123.part.wav", "sinch-0a1b2c-4242-abcd_123.part", ".sinch-0a1b2c-4242-abcd_12.part",
    ".sinch-0a1b2c-x-abcd_1234.part", ".abcd_123.part", "call-1.wav", ".sinch-0a1b2c-4242-ABCD_123.part",
    ".sinch-4242-abcd_123.part", ".sinch-0A1B2C-4242-abcd_123.part",
])
def test_files_not_named_like_our_parts_are_never_touched(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"not ours")
    os.utime(path, (0, 0))  # ancient
    assert remove_stale_parts(tmp_path, now=1_000_000.0, running=lambda pid: False) == []
    assert path.exists()


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_a_symlink_named_like_a_part_is_not_followed_or_removed(tmp_path):
    precious = tmp_path / "precious.wav"
    precious.write_bytes(b"voice")
    link = tmp_path / f".sinch-{HOST_TAG}-4242-abcd_123.part"
    link.symlink_to(precious)
    assert remove_stale_parts(tmp_path, now=1e12, running=lambda pid: False) == []
    assert link.is_symlink() and precious.read_bytes() == b"voice"


def test_an_unreadable_folder_is_no_error(tmp_path):
    assert remove_stale_parts(tmp_path / "missing") == []


@pytest.mark.parametrize(("key", "content_type", "expected"), [
    ("-rf", "audio/wav", "_-rf.wav"),
    ("-rf.wav", "audio/wav", "_-rf.wav"),
    ("--help", None, "_--help.wav"),
    (" -x", "audio/wav", "_-x.wav"),
    ("rec.exe", "audio/wav", "rec.exe.wav"),
    ("rec", "application/x-msdownload", "rec.wav"),
    ("rec", "text/html", "rec.wav"),
    ("rec", "audio/ogg", "rec.wav"),
    ("rec", "audio/mpeg", "rec.mp3"),
    ("rec.MP3", "audio/wav", "rec.MP3"),
    ("rec.sh", "audio/mpeg; charset=x", "rec.sh.mp3"),
    ("evil\u202egnp.exe", "audio/wav", "evil_gnp.exe.wav"),
])
def test_names_never_start_with_a_dash_and_extensions_come_from_the_allow_list(key, content_type, expected):
    assert safe_filename(key, content_type) == expected


async def test_a_server_content_type_does_not_choose_the_extension(make_client, tmp_path):
    def html(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "application/x-sh"}, content=b"#!/bin/sh")

    client, _ = make_client(html)
    path = await client.recordings.download("-rf", tmp_path)
    assert path.name == "_-rf.wav"
