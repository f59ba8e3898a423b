"""Helpers for the Callouts tests: an app that records the CallPlaced messages it receives."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # console_helpers lives one folder up

from console_helpers import SIZE, Harness

from console.app import SinchConsole
from console.messages import CallPlaced

__all__ = ["SIZE", "Harness", "RecordingConsole"]


class RecordingConsole(SinchConsole):
    """The real app, plus a list of the CallPlaced messages it got."""

    CSS_PATH = str(Path(sys.modules[SinchConsole.__module__].__file__).with_name("console.tcss"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.placed: list[CallPlaced] = []

    def on_call_placed(self, message: CallPlaced) -> None:
        self.placed.append(message)


def recording_harness(folder: Path, **kwargs) -> Harness:
    h = Harness(folder, **kwargs)
    old = h.app
    h.app = RecordingConsole(old._connect, old.resolved, folder=folder, clock=old.clock)
    return h


async def callout_calls(h: Harness) -> dict:
    return (await h.state())["calls"]
