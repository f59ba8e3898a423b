"""Start-up: `sinch-console --sandbox` to its first frame (the Header drawn) and to the first rendered roster,
against a bare Textual hello-world.

Each is a fresh Python process (imports included) run headless; the parent times from spawn to the child's
READY line. Rounds alternate them so machine noise hits all alike. Goals (issue 14): first frame / hello-world
<= 1.5, roster / hello-world <= 3.

The console's config and data folders are a fresh pair for the run (XDG_CONFIG_HOME, XDG_DATA_HOME), shared by
its rounds: what this machine's own files hold (a config file, a long attendance history) would otherwise make
the figures a measure of this machine's past.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

ROUNDS = 7

# Each child times nothing itself: it prints READY the moment Textual hands a frame to the terminal (App._display,
# which a headless run calls with the composed frame and then skips writing) once that frame shows what we wait
# for. Pilot.pause() would wait for the whole process to go idle instead, which is not what a person sees.
FRAME_HOOK = """
import sys

def on_frame(app, shown):
    display = app._display
    def hooked(screen, renderable):
        display(screen, renderable)
        if renderable is not None and shown(app):
            print("READY", flush=True)
            app._display = display
            app.exit()
    app._display = hooked
"""

HELLO = FRAME_HOOK + """
from textual.app import App
from textual.widgets import Static

class Hello(App):
    def compose(self):
        yield Static("hello")

app = Hello()
on_frame(app, lambda app: bool(app.screen.query("Static")))
app.run(headless=True, size=(120, 36))
"""

FIRST_FRAME = FRAME_HOOK + """
from console import memory
from console.__main__ import build_app

memory.manage()  # as console.__main__.main does before building the app

app = build_app(["--sandbox"])
on_frame(app, lambda app: bool(app.screen.query("Header")))
app.run(headless=True, size=(120, 36))
"""

# The roster: the Conferences screen's table with rows, matched by type name (importing the screen here
# would load what start-up defers).
CONSOLE = FRAME_HOOK + """
from console import memory
from console.__main__ import build_app

memory.manage()

def roster_shown(app):
    return type(app.screen).__name__ == "ConferencesScreen" and any(
        table.row_count for table in app.screen.query("Roster"))

app = build_app(["--sandbox"])
on_frame(app, roster_shown)
app.run(headless=True, size=(120, 36))
"""


def time_child(code: str, env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env)
    assert child.stdout is not None
    for line in child.stdout:
        if line.startswith("READY"):
            elapsed = time.perf_counter() - started
            break
    else:
        raise RuntimeError("child never became ready")
    child.wait(timeout=30)
    return elapsed


def compile_sources() -> None:
    """Byte-compile our packages as `make run` does: with PYTHONDONTWRITEBYTECODE set (as on this machine) an
    uncompiled tree would time the compiler, not a start-up a user sees twice."""
    import compileall
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for package in ("api", "console", "widgets", "sandbox", "relay"):
        compileall.compile_dir(root / package, quiet=1, workers=0)


def main() -> int:
    compile_sources()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "XDG_CONFIG_HOME": f"{home}/config", "XDG_DATA_HOME": f"{home}/data"}
        time_child(HELLO, env)  # warm the file cache for both
        time_child(CONSOLE, env)
        hello, frame, console = [], [], []
        for _ in range(ROUNDS):
            hello.append(time_child(HELLO, env))
            frame.append(time_child(FIRST_FRAME, env))
            console.append(time_child(CONSOLE, env))
    h, f, c = statistics.median(hello), statistics.median(frame), statistics.median(console)
    print(f"start-up, median of {ROUNDS} (fresh processes, headless, one run)")
    print(f"  Textual hello-world                 {h * 1000:7.0f} ms")
    print(f"  sinch-console --sandbox first frame {f * 1000:7.0f} ms")
    print(f"  sinch-console --sandbox roster      {c * 1000:7.0f} ms")
    for what, ratio, goal in (("first frame", f / h, 1.5), ("roster", c / h, 3.0)):
        verdict = "met" if ratio <= goal else "NOT met"
        print(f"ratio {what:<11} / hello-world {ratio:6.2f}  (goal <= {goal:g}) {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
