"""`make run` as a person runs it: in tmux, read the screen, press q.

Slow-ish (starts the real sandbox on 127.0.0.1 and the real app), so it is the only test of its kind.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")


def tmux(socket: str, *args: str) -> str:
    done = subprocess.run([TMUX, "-L", socket, *args], capture_output=True, text=True, timeout=20)
    return done.stdout


def session_alive(socket: str) -> bool:
    done = subprocess.run([TMUX, "-L", socket, "has-session", "-t", "console"], capture_output=True, timeout=20)
    return done.returncode == 0


def wait_for(socket: str, predicate, timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux(socket, "capture-pane", "-p", "-t", "console")
        if predicate(screen):
            return screen
        time.sleep(0.25)
    raise AssertionError(f"screen never matched; last screen:\n{screen}")


def test_make_run_shows_a_live_demo_mutes_on_m_streams_events_on_6_and_quits_on_q() -> None:
    socket = f"sinch-e2e-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SINCH_")}  # never reach real Sinch
    env["TERM"] = "xterm-256color"
    subprocess.run(
        [TMUX, "-L", socket, "new-session", "-d", "-s", "console", "-x", "120", "-y", "36", "make run"],
        cwd=ROOT, env=env, check=True, timeout=20,
    )
    try:
        first = wait_for(socket, lambda s: "SANDBOX" in s and " in · " in s and "+" in s)
        assert "standup" in first
        # The demo is alive: durations tick and people come and go within a few seconds.
        later = wait_for(socket, lambda s: s != first, timeout=15)
        assert "Traceback" not in later
        # m mutes (or unmutes) the participant under the cursor; the status line says so in words.
        tmux(socket, "send-keys", "-t", "console", "m")
        acted = wait_for(socket, lambda s: "Muted +" in s or "Unmuted +" in s, timeout=15)
        assert "Traceback" not in acted
        tmux(socket, "send-keys", "-t", "console", "]")
        wait_for(socket, lambda s: "board-room ·" in s, timeout=10)
        # 6: the demo's callbacks stream in through the relay the console runs for its sandbox.
        tmux(socket, "send-keys", "-t", "console", "6")
        events = wait_for(socket, lambda s: "relay live" in s and any(
            f" {kind} " in line for line in s.splitlines() for kind in ("ICE", "DiCE", "PIE")), timeout=20)
        assert "Traceback" not in events
        tmux(socket, "send-keys", "-t", "console", "q")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and session_alive(socket):
            time.sleep(0.2)
        if session_alive(socket):  # when the app quits, make returns and the tmux session ends
            pane = tmux(socket, "capture-pane", "-p", "-t", "console")
            raise AssertionError(f"console did not exit on q:\n{pane}")
    finally:
        subprocess.run([TMUX, "-L", socket, "kill-server"], capture_output=True)
