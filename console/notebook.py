"""The full console inside a Jupyter notebook: `sinch-console serve` in a child process, shown in an IFrame.

    from console import notebook
    notebook.show()                      # the sandbox console, 600 px high
    notebook.show(sandbox=False, profile="prod", read_only=True, room=["standup"])
    notebook.stop()

A child process, not a thread: textual-serve runs its own aiohttp event loop, which must not meet the
kernel's. One server per kernel: `show()` again with the same settings shows the running one; other settings
restart it. The child (and every browser session it spawned) stops with `stop()` or when the kernel exits.
Credentials reach the sessions through the environment or the profile, never through a command line.

The server only answers holders of its token (console.serve_guard): `start()` makes one per server, hands it to
the child in SINCH_CONSOLE_SERVE_TOKEN (a command line is visible in `ps`) and puts it in the URL it returns,
which is the IFrame's address. Treat that URL as a password: whoever opens it can moderate your calls.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from console.serve import DEFAULT_HOST, free_port
from console.serve_guard import TOKEN_ENV, new_token

if TYPE_CHECKING:
    from IPython.display import IFrame


@dataclass
class _Running:
    process: subprocess.Popen[bytes]
    base_url: str
    token: str
    argv: tuple[str, ...]
    log: IO[bytes]

    @property
    def url(self) -> str:
        """The page with the token: what the IFrame (or a browser tab) opens."""
        return f"{self.base_url}/?token={self.token}"


_running: _Running | None = None


def console_flags(*, sandbox: bool = True, **flags: Any) -> list[str]:
    """Keyword arguments as the console's flags: `read_only=True` -> --read-only, `room=["a", "b"]` ->
    --room a --room b, `profile="prod"` -> --profile prod; False and None leave a flag out."""
    argv = ["--sandbox"] if sandbox else []
    for name, value in flags.items():
        flag = "--" + name.replace("_", "-")
        if value is None or value is False:
            continue
        if value is True:
            argv.append(flag)
        elif isinstance(value, list | tuple):
            for item in value:
                argv += [flag, str(item)]
        else:
            argv += [flag, str(value)]
    return argv


BIND_GRACE = 0.5
"""Seconds our server must stay up after the page answers: aiohttp announces itself before it binds, so a
child that lost the port to another server dies just after."""


_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))
"""No proxy from the environment: the URL holds the token, and the server is on this machine anyway."""


def _answers(url: str) -> bool:
    """The console's page answers there (not just any web server)."""
    try:
        with _DIRECT.open(url, timeout=2) as response:
            return bool(response.status == 200) and b"sinch-console" in response.read(64 * 1024)
    except (urllib.error.URLError, OSError):
        return False


LOCAL_NOTEBOOKS = ("http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*")
"""Pages that may frame the console by default: a notebook served on this machine, on any port (a Jupyter
elsewhere, e.g. a JupyterHub, is named with `frame_ancestors=`)."""


def start(host: str = DEFAULT_HOST, port: int | None = None, *, sandbox: bool = True, timeout: float = 30.0,
          frame_ancestors: tuple[str, ...] = LOCAL_NOTEBOOKS, **flags: Any) -> str:
    """Start (or reuse) the server; returns its URL with the token once it answers. RuntimeError with its output
    (the token blanked) if it fails. `frame_ancestors`: the notebook pages that may show it in a frame."""
    global _running
    framing = [arg for source in frame_ancestors for arg in ("--allow-frame-ancestor", source)]
    argv = (*console_flags(sandbox=sandbox, **flags), "serve", "--host", host, *framing)
    if _running is not None and _running.process.poll() is None and _running.argv == argv and (
            port is None or _running.base_url.endswith(f":{port}")):
        return _running.url
    stop()
    port = port or free_port(host)
    token = new_token()
    log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the child
    process = subprocess.Popen([sys.executable, "-m", "console", *argv, "--port", str(port)],
                               stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                               env={**os.environ, TOKEN_ENV: token},  # not argv: anyone may read that in ps
                               start_new_session=True)  # its own group: stop() ends the sessions too
    _running = _Running(process, f"http://{host}:{port}", token, argv, log)
    url = _running.url
    deadline = time.monotonic() + timeout
    while True:
        if _answers(url):
            time.sleep(BIND_GRACE)
            if process.poll() is None:  # still ours: another server answering on the port would have killed it
                return url
        if process.poll() is not None or time.monotonic() > deadline:
            log.seek(0)
            output = log.read().decode(errors="replace").strip().replace(token, "[token]")
            base_url = _running.base_url
            stop()
            raise RuntimeError(f"sinch-console serve did not answer on {base_url}: {output or 'no output'}")
        time.sleep(0.2)


def show(host: str = DEFAULT_HOST, port: int | None = None, *, sandbox: bool = True, width: str | int = "100%",
         height: int = 600, **flags: Any) -> IFrame:
    """Start the console server for this kernel (once) and display it: the cell's value is an IFrame."""
    from IPython.display import IFrame  # Jupyter's own; not needed anywhere else

    return IFrame(start(host, port, sandbox=sandbox, **flags), width=width, height=height)


def url() -> str | None:
    """The running server's URL with its token, or None."""
    return _running.url if _running is not None and _running.process.poll() is None else None


def stop() -> None:
    """Stop the server and every console session it runs (idempotent)."""
    global _running
    running, _running = _running, None
    if running is None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(running.process.pid, signal.SIGTERM)
    try:
        running.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(running.process.pid, signal.SIGKILL)
        running.process.wait(timeout=10)
    running.log.close()


atexit.register(stop)

__all__ = ["console_flags", "show", "start", "stop", "url"]
