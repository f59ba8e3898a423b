"""The tracked calls' file, `folder/calls.json`: read at start, a damaged file moved aside, written on a thread.

`CallsFile` is a part of `CallTracker` (a mixin): it reads and writes the tracker's `_calls`, `_dirty`, `path`,
`clock` and `on_problem`, and sets `load_warning` / `write_error`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from console.calls.tracked import TrackedCall
from console.files import atomic_write

FILE_VERSION = 1


class CallsFile:
    """Loading and saving for `CallTracker`."""

    path: Path
    clock: Callable[[], datetime]
    on_problem: Callable[[str], object] | None
    load_warning: str | None
    write_error: str | None
    _calls: dict[str, TrackedCall]
    _dirty: bool

    def _load(self) -> None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        except OSError as error:
            self._warn(f"The tracked calls could not be read ({error}); starting with none.")
            return
        try:
            data = json.loads(text)
            records = data["calls"] if isinstance(data, dict) else None
            if not isinstance(records, list):
                raise ValueError("no list of calls")
        except (ValueError, KeyError, TypeError) as error:
            aside = self._move_aside()
            self._warn(f"The tracked calls file was damaged ({error}); it was moved to {aside} and the list "
                       "starts empty.")
            return
        skipped = 0
        for record in records:
            try:
                call = TrackedCall.from_json(record)
            except (ValueError, KeyError, TypeError, AttributeError):
                skipped += 1
                continue
            self._calls[call.call_id] = call
        if skipped:
            self._warn(f"{skipped} damaged record(s) in {self.path} were skipped.")

    def _move_aside(self) -> Path:
        stamp = self.clock().strftime("%Y%m%dT%H%M%S")
        aside = self.path.with_name(f"calls.json.corrupt-{stamp}")
        with contextlib.suppress(OSError):
            self.path.replace(aside)
        return aside

    def _warn(self, text: str) -> None:
        self.load_warning = text
        if self.on_problem is not None:
            self.on_problem(text)

    def dump(self) -> str:
        records = [call.to_json() for call in sorted(self._calls.values(), key=lambda c: c.placed_at)]
        return json.dumps({"version": FILE_VERSION, "calls": records}, ensure_ascii=False, indent=1)

    async def flush(self) -> None:
        """Write the list if it changed, on a thread. A failed write is reported, never raised."""
        if not self._dirty:
            return
        self._dirty = False
        try:
            await asyncio.to_thread(atomic_write, self.path, self.dump(), private=True)
        except OSError as error:
            self._dirty = True
            self.write_error = f"The tracked calls could not be saved ({error})."
            if self.on_problem is not None:
                self.on_problem(self.write_error)
        else:
            self.write_error = None

    def flush_sync(self) -> None:
        """For shutdown without a loop: write now, on this thread."""
        if self._dirty:
            with contextlib.suppress(OSError):
                atomic_write(self.path, self.dump(), private=True)
                self._dirty = False
