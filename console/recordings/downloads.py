"""Downloading recordings: a few at a time, with progress, cancel, and a question before any file is replaced.

`plan` turns recordings into `Download`s, one file name each, asking (through the screen's `ask`) what to do
when a name is taken: skip, overwrite, or keep both (the new file gets a free name, `key (1).wav`). An answer
may stand for the remaining conflicts of the batch. A recording already downloading is skipped, not fetched
twice; keys and names are reserved from the start of a plan, so two plans at once never pick one name.
`Downloader.run` then fetches them with at most `concurrency` in flight across every batch (the platform and
the disk are shared), reports each step through `on_change`, and never raises: each failure is worded on its
`Download`.

Nothing partial ever appears under a final name: api.download streams into a hidden temporary file and
renames it into place when complete; a cancel or a failure removes the temporary file. Keep both never
replaces anything: the final step is an atomic link that fails when the name was taken meanwhile, and then
the next free name is tried.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from api.download import safe_filename
from api.errors import DownloadExistsError
from api.models import Recording
from console.audit import AuditLog, send_audited
from console.recordings.listing import call_id_of, content_type_of, human_size, size_of
from console.recordings.wording import describe_download_error

if TYPE_CHECKING:
    from api import SinchVoiceClient

DEFAULT_CONCURRENCY = 3
PROGRESS_EVERY = 0.02
"""Seconds between progress reports of one download (the first and the last are always reported)."""
FREE_NAME_TRIES = 1000
RACE_RETRIES = 3
"""Keep both: how often a name taken between choosing it and publishing the file is replaced by another."""


class Conflict(Enum):
    """What to do when the file name is already taken."""

    SKIP = "skip"
    OVERWRITE = "overwrite"
    KEEP_BOTH = "keep both"


@dataclass(frozen=True)
class ConflictAnswer:
    choice: Conflict
    apply_to_all: bool = False


Ask = Callable[[Recording, Path, int], Awaitable[ConflictAnswer | None]]
"""(recording, taken path, conflicts left after this one) -> the answer, or None to cancel the batch."""


class State(Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    SKIPPED = "skipped"
    FAILED = "failed"
    CANCELLED = "cancelled"


FINISHED = frozenset({State.DONE, State.SKIPPED, State.FAILED, State.CANCELLED})


@dataclass(eq=False)
class Download:
    """One file to fetch and how it went."""

    recording: Recording
    target: Path
    overwrite: bool = False
    keep_both: bool = False
    total: int | None = None
    done: int = 0
    state: State = State.QUEUED
    message: str = ""
    landed: Path | None = None
    wanted: Path | None = None
    """The name asked for before keep both moved it (free names are counted from it)."""
    already: bool = False
    """Skipped because the same recording was already downloading (`d` pressed twice)."""

    @property
    def key(self) -> str:
        return self.recording.key

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def fraction(self) -> float | None:
        """0..1 while the size is known (1 once finished either way)."""
        if self.finished:
            return 1.0
        if not self.total:
            return None
        return min(1.0, self.done / self.total)

    def describe(self) -> str:
        """The panel's words for it: "queued", "45% of 140.7 KiB", "saved as key.wav", the error..."""
        if self.message:
            return self.message
        if self.state is State.RUNNING:
            if self.total:
                return f"{int(100 * self.done / self.total)}% of {human_size(self.total)}"
            return f"{human_size(self.done)} so far"
        return self.state.value


def overall(downloads: Iterable[Download]) -> tuple[float, float]:
    """(progress, total) for one bar over many files: in bytes when every size is known, else in files."""
    items = list(downloads)
    if items and all(d.total for d in items):
        total = float(sum(d.total or 0 for d in items))
        return float(sum((d.total or 0) if d.finished else min(d.done, d.total or 0) for d in items)), total
    return float(sum(d.fraction or 0.0 for d in items)), float(len(items))


def target_for(recording: Recording, folder: Path) -> Path:
    """The file a recording is saved as: its key made safe, with an extension from its Content-Type."""
    return folder / safe_filename(recording.key, content_type_of(recording))


def free_name(path: Path, taken: Iterable[Path] = ()) -> Path:
    """`path` itself when nothing is there and no other download wants it, else `stem (1).ext`, `(2)`, ...
    Blocking (stats the disk): call it in a thread."""
    reserved = set(taken)
    suffix = "".join(path.suffixes[-1:])
    stem = path.name[: len(path.name) - len(suffix)] if suffix else path.name
    for number in range(FREE_NAME_TRIES + 1):
        candidate = path if number == 0 else path.with_name(f"{stem} ({number}){suffix}")
        if candidate not in reserved and not candidate.exists():
            return candidate
    raise FileExistsError(f"no free name left for {path.name} in {path.parent}")


@dataclass
class Downloader:
    """Runs downloads for one session. `on_change(download)` hears every step (the screen redraws)."""

    client: SinchVoiceClient
    audit: AuditLog | None = None
    concurrency: int = DEFAULT_CONCURRENCY
    on_change: Callable[[Download], object] = lambda download: None
    in_flight: int = 0
    max_in_flight: int = 0
    _slots: asyncio.Semaphore | None = field(default=None, repr=False)
    _tasks: dict[asyncio.Task[None], Download] = field(default_factory=dict, repr=False)
    _planned: list[Download] = field(default_factory=list, repr=False)
    """Downloads planned (from the start of their plan) and not finished: their keys and names are taken."""

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    def _active(self) -> list[Download]:
        """Planned or running, not finished: their keys and names are spoken for."""
        self._planned = [d for d in self._planned if not d.finished]
        return self._planned

    def reserved(self, besides: Iterable[Download] = ()) -> set[Path]:
        """Names that unfinished downloads (`besides` left out) will write: no other download may choose them."""
        left_out = set(besides)
        return {d.target for d in self._active() if d not in left_out}

    def downloading(self) -> set[str]:
        """Keys of the recordings planned or being fetched."""
        return {d.key for d in self._active()}

    async def plan(self, recordings: list[Recording], folder: Path, ask: Ask) -> list[Download] | None:
        """A Download per recording (skipped ones included, already finished), or None when `ask` cancelled.
        OSError when the folder cannot be made.

        A recording already planned or downloading (`d` pressed twice) is skipped, worded "already
        downloading", without a question. The others' keys and names are reserved at once, before the first
        question, so a second plan running meanwhile sees them: a name another download will write counts as
        taken (asked about, like a file on disk). Only two different recordings of this very batch whose keys
        make one file name get a free name each without asking.
        """
        folder = folder.expanduser()
        busy = self.downloading()
        planned: list[Download] = []
        for recording in recordings:
            item = Download(recording, target_for(recording, folder), total=size_of(recording))
            if recording.key in busy:
                item.state, item.already = State.SKIPPED, True
                item.message = f"skipped: {recording.key} is already downloading"
            busy.add(recording.key)
            planned.append(item)
        batch = [item for item in planned if item.state is State.QUEUED]
        self._planned.extend(batch)  # claimed before the first await
        try:
            decided = await self._decide(batch, folder, ask)
        except BaseException:
            self._release(batch)
            raise
        if not decided:
            self._release(batch)
            return None
        return planned

    async def _decide(self, batch: list[Download], folder: Path, ask: Ask) -> bool:
        """Skip, overwrite or keep both for each name taken; False when `ask` cancelled."""
        await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
        on_disk = await asyncio.to_thread(lambda: {d.target for d in batch if d.target.exists()})
        others = self.reserved(besides=batch)
        conflicts_left = sum(d.target in on_disk or d.target in others for d in batch)
        standing: ConflictAnswer | None = None
        taken: set[Path] = set()
        """Names this batch has decided so far."""
        for item in batch:
            target = item.target
            if target in on_disk or target in self.reserved(besides=batch):
                conflicts_left = max(0, conflicts_left - 1)
                answer = standing or await ask(item.recording, target, conflicts_left)
                if answer is None:
                    return False
                standing = answer if answer.apply_to_all else standing
                if answer.choice is Conflict.SKIP:
                    item.state, item.message = State.SKIPPED, f"skipped: {target.name} already exists"
                    continue
                item.overwrite = answer.choice is Conflict.OVERWRITE
                item.keep_both = answer.choice is Conflict.KEEP_BOTH
            if item.keep_both or target in taken:  # two recordings of one batch never share a name
                item.keep_both = True
                item.wanted = target
                item.target = await asyncio.to_thread(free_name, target, taken | self.reserved(besides=(item,)))
            taken.add(item.target)
        return True

    def _release(self, downloads: Iterable[Download]) -> None:
        dropped = set(downloads)
        self._planned = [d for d in self._planned if d not in dropped]

    async def run(self, downloads: list[Download]) -> None:
        """Fetch the queued ones, at most `concurrency` at a time overall. Never raises (but is cancellable)."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.concurrency)
        queued = [d for d in downloads if d.state is State.QUEUED]
        known = set(self._planned)
        self._planned.extend(d for d in queued if d not in known)  # planned elsewhere: reserved all the same
        tasks = {asyncio.create_task(self._one(d)): d for d in queued}
        self._tasks.update(tasks)
        try:
            await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            for task, download in tasks.items():
                self._tasks.pop(task, None)
                task.cancel()  # only matters when run() itself was cancelled
                if download.state is State.QUEUED:  # cancelled before it even started: its name is free again
                    download.state, download.message = State.CANCELLED, "cancelled: nothing was kept"

    def cancel(self) -> int:
        """Stop every unfinished download (queued ones too); returns how many were stopped."""
        count = 0
        for task, download in list(self._tasks.items()):
            if not task.done() and not download.finished:
                task.cancel()
                count += 1
        return count

    async def _one(self, download: Download) -> None:
        assert self._slots is not None
        try:
            async with self._slots:
                download.state = State.RUNNING
                self.in_flight += 1
                self.max_in_flight = max(self.max_in_flight, self.in_flight)
                self.on_change(download)
                try:
                    await self._fetch(download)
                finally:
                    self.in_flight -= 1
        except asyncio.CancelledError:
            download.state, download.message = State.CANCELLED, "cancelled: nothing was kept"
            self.on_change(download)
            raise
        except Exception as error:  # worded on the download; one failure never stops the others
            download.state = State.FAILED
            download.message = describe_download_error(error, download.target.parent)
        self.on_change(download)

    async def _fetch(self, download: Download) -> None:
        for _ in range(RACE_RETRIES + 1):
            try:
                path, note = await self._audited(download)
            except DownloadExistsError:
                if not download.keep_both:  # the name was taken after we looked: never replace it unasked
                    download.state = State.SKIPPED
                    download.message = f"skipped: {download.target.name} appeared meanwhile"
                    return
                download.target = await asyncio.to_thread(free_name, download.wanted or download.target,
                                                          self.reserved())
                continue
            download.state, download.landed = State.DONE, path
            download.done = download.total = download.total or download.done
            download.message = ("saved" if path.name == download.key else f"saved as {path.name}") + note
            return
        raise FileExistsError(f"every name tried for {download.key} was taken meanwhile")

    async def _audited(self, download: Download) -> tuple[Path, str]:
        """The file written, and a note when the audit log could not be written (a download only reads: it goes
        ahead anyway). The attempt line names the file asked for; keep both's next try is a new attempt."""
        return await send_audited(self.audit, "download_recording", lambda: self._get(download),
                                  call_id=call_id_of(download.recording),
                                  message=f"{download.key} to {download.target}")

    async def _get(self, download: Download) -> Path:
        loop = asyncio.get_running_loop()
        last = -PROGRESS_EVERY
        # A report the throttle holds back is told a little later: should the download stall after it (a slow
        # link), the listeners would otherwise keep an older figure for as long as it stalls.
        held: asyncio.TimerHandle | None = None

        def tell() -> None:
            nonlocal last, held
            if held is not None:
                held.cancel()
                held = None
            last = loop.time()
            self.on_change(download)

        async def progress(done: int, total: int | None) -> None:
            nonlocal held
            download.done, download.total = done, total if total is not None else download.total
            if done and done != download.total and loop.time() - last < PROGRESS_EVERY:
                # a report per 64 KiB costs a fifth of a fast download (bench/download.py)
                held = held or loop.call_at(last + PROGRESS_EVERY, tell)
                return
            tell()
            await asyncio.sleep(0)  # a body already in memory must not hold the loop (or a cancel) off

        download.done = 0
        try:
            return Path(await self.client.recordings.download(download.key, download.target, progress,
                                                              overwrite=download.overwrite))
        finally:
            if held is not None:  # the end is told by whoever awaits this (done, failed, cancelled)
                held.cancel()

