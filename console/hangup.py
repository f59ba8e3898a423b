"""When the console's terminal goes away, the console goes too, cleanly.

Closing a terminal window, an SSH connection dropping or `tmux kill-session` hangs up the console's terminal.
Under `make run` the hang-up signal goes to make (the session leader), which waits for its child instead of
passing it on, so the console ran on with no screen: polling the platform, carrying out room policies (an
auto-mute, a soft-lock kick) for nobody, and spinning at ~15 % of a core on a terminal that reads end-of-file
forever (Textual's input thread). So the app exits on SIGHUP and also when its terminal stops being one,
which a cheap check every few seconds sees. Either way it exits through the app, so the session closes
properly (calls flushed, audit drained, the sandbox child stopped).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App

CHECK_EVERY = 3.0
"""Seconds between looks at the terminal."""


def exit_with_terminal(app: App[Any]) -> None:
    """Call from the app's on_mount. Nothing to do in tests (headless), in the browser, or without a terminal."""
    stdin = sys.__stdin__
    if app.is_headless or app.is_web or stdin is None or not _is_terminal(stdin.fileno()):
        return
    fd = stdin.fileno()
    # No SIGHUP on Windows, no signal handlers off the main thread: the check below remains either way.
    hangup = getattr(signal, "SIGHUP", None)
    if hangup is not None:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            asyncio.get_running_loop().add_signal_handler(hangup, app.exit)

    def check() -> None:
        if not _is_terminal(fd):
            app.exit()

    app.set_interval(CHECK_EVERY, check)


def _is_terminal(fd: int) -> bool:
    try:
        return os.isatty(fd)
    except OSError:  # a closed descriptor: no terminal either
        return False
