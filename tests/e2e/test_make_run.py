"""`make run` as a person runs it: in tmux, read the screen, press q.

Slow-ish (starts the real sandbox on 127.0.0.1 and the real app), so it is the only test of its kind.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from waiting import eventually_sync

ROOT = Path(__file__).resolve().parents[2]
TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")


def tmux(socket: str, *args: str) -> str:
    done = subprocess.run([TMUX, "-L", socket, *args], capture_output=True, text=True)
    return done.stdout


def session_alive(socket: str) -> bool:
    done = subprocess.run([TMUX, "-L", socket, "has-session", "-t", "console"], capture_output=True)
    return done.returncode == 0


def screen_when(socket: str, predicate) -> str:
    """The screen once `predicate` holds for it (60 s at most: `make run` may install first), else the last."""
    last = [""]

    def matching() -> str | None:
        last[0] = tmux(socket, "capture-pane", "-p", "-t", "console")
        return last[0] if predicate(last[0]) else None

    try:
        return eventually_sync(matching, seconds=60, step=0.25, what="the screen")
    except AssertionError:
        raise AssertionError(f"screen never matched; last screen:\n{last[0]}") from None


def test_make_run_shows_a_live_demo_mutes_on_m_streams_events_on_6_and_quits_on_q() -> None:
    socket = f"sinch-e2e-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SINCH_")}  # never reach real Sinch
    env["TERM"] = "xterm-256color"
    subprocess.run(
        [TMUX, "-L", socket, "new-session", "-d", "-s", "console", "-x", "120", "-y", "36", "make run"],
        cwd=ROOT, env=env, check=True, timeout=20,
    )
    try:
        first = screen_when(socket, lambda s: "SANDBOX" in s and " in · " in s and "+" in s)
        assert "standup" in first
        # The demo is alive: durations tick and people come and go within a few seconds.
        later = screen_when(socket, lambda s: s != first)
        assert "Traceback" not in later
        # m mutes (or unmutes) the participant under the cursor; the status line says so in words.
        tmux(socket, "send-keys", "-t", "console", "m")
        acted = screen_when(socket, lambda s: "Muted +" in s or "Unmuted +" in s)
        assert "Traceback" not in acted
        tmux(socket, "send-keys", "-t", "console", "]")
        screen_when(socket, lambda s: "board-room ·" in s)
        # 6: the demo's callbacks stream in through the relay the console runs for its sandbox.
        tmux(socket, "send-keys", "-t", "console", "6")
        events = screen_when(socket, lambda s: "relay live" in s and any(
            f" {kind} " in line for line in s.splitlines() for kind in ("ICE", "DiCE", "PIE")))
        assert "Traceback" not in events
        tmux(socket, "send-keys", "-t", "console", "q")
        try:  # when the app quits, make returns and the tmux session ends
            eventually_sync(lambda: not session_alive(socket), step=0.2)
        except AssertionError:
            pane = tmux(socket, "capture-pane", "-p", "-t", "console")
            raise AssertionError(f"console did not exit on q:\n{pane}") from None
    finally:
        subprocess.run([TMUX, "-L", socket, "kill-server"], capture_output=True)


def console_pid(socket: str) -> int | None:
    """The sinch-console process under the pane (the pane runs make, which runs the console)."""
    pane = tmux(socket, "list-panes", "-t", "console", "-F", "#{pane_pid}").strip()
    todo = [int(pane)] if pane.isdigit() else []
    while todo:
        pid = todo.pop()
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        if b"sinch-console" in command and b"make" not in command:
            return pid
        todo += [int(child) for child in children]
    return None


def test_closing_the_terminal_ends_the_console() -> None:
    """A dropped SSH connection or a killed tmux session hangs up the terminal: make (the session leader) gets
    the hang-up and waits for its child, so the console used to run on with no screen, polling for nobody."""
    socket = f"sinch-e2e-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SINCH_")}
    env["TERM"] = "xterm-256color"
    subprocess.run(
        [TMUX, "-L", socket, "new-session", "-d", "-s", "console", "-x", "120", "-y", "36", "make run"],
        cwd=ROOT, env=env, check=True, timeout=20,
    )
    try:
        screen_when(socket, lambda s: "SANDBOX" in s and " in · " in s)
        pid = eventually_sync(lambda: console_pid(socket), what="the console's process")
        subprocess.run([TMUX, "-L", socket, "kill-server"], capture_output=True)
        eventually_sync(lambda: not Path(f"/proc/{pid}").exists(), what="the console to exit with its terminal")
    finally:
        subprocess.run([TMUX, "-L", socket, "kill-server"], capture_output=True)
