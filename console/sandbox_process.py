"""The embedded sandbox as a child process.

A process rather than a thread: its imports and start-up run on the other core while the console loads
Textual (start-up is the product's first impression), and its request handling never competes with the UI
for the GIL. It gets a throwaway application key and secret through its environment (not argv, which `ps`
shows) and exits when our end of its stdin closes, so it cannot outlive a crashed console.

It does not inherit our secrets: the real SINCH_* variables (SINCH_APPLICATION_SECRET above all) and any
variable whose name says it holds a secret, token, password or credential are left out of its environment;
it needs none of them, and a child's environment is readable by more tools than ours (/proc, crash reports).
"""

from __future__ import annotations

import atexit
import base64
import os
import re
import selectors
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Mapping

READY_PREFIX = "Sinch sandbox listening on "
SANDBOX_PREFIX = "SINCH_SANDBOX_"
_SECRET_NAME = re.compile(r"SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|PRIVATE|API_?KEY", re.IGNORECASE)


def child_environment(parent: Mapping[str, str], own: Mapping[str, str]) -> dict[str, str]:
    """`parent` without SINCH_* variables (except the sandbox's own) and secret-looking names, plus `own`."""
    kept = {name: value for name, value in parent.items()
            if not (name.upper().startswith("SINCH_") and not name.upper().startswith(SANDBOX_PREFIX))
            and not _SECRET_NAME.search(name)}
    return kept | dict(own)


class SandboxProcess:
    """A `sinch-sandbox` child: spawn now (cheap), `wait_ready()` later (blocking, call it off the UI loop)."""

    def __init__(self, *, scenario: str = "demo", seed: int | None = None) -> None:
        self.application_key = str(uuid.uuid4())
        self.application_secret = base64.b64encode(os.urandom(24)).decode()
        self.url: str | None = None
        self._stderr = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - lives as long as the child
        command = [sys.executable, "-m", "sandbox", "--host", "127.0.0.1", "--port", "0",
                   "--scenario", scenario, "--exit-on-stdin-close"]
        if seed is not None:
            command += ["--seed", str(seed)]
        env = child_environment(os.environ, {
            "SINCH_SANDBOX_APPLICATION_KEY": self.application_key,
            "SINCH_SANDBOX_APPLICATION_SECRET": self.application_secret,
        })
        self._process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, text=True, env=env
        )
        atexit.register(self._at_exit)

    def __repr__(self) -> str:
        return f"SandboxProcess(url={self.url!r}, pid={self._process.pid})"

    def wait_ready(self, timeout: float = 30.0) -> str:
        """Block until the child prints its address; raise RuntimeError with its own words if it fails."""
        assert self._process.stdout is not None
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(self._process.stdout, selectors.EVENT_READ)
            while time.monotonic() < deadline:
                if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
                    break
                line = self._process.stdout.readline()
                if not line:  # the child exited
                    break
                if line.startswith(READY_PREFIX):
                    self.url = line[len(READY_PREFIX):].strip()
                    return self.url
        words = self._child_words()
        self.stop()
        raise RuntimeError(f"the sandbox did not start: {words or 'no answer in time'}")

    def _child_words(self) -> str:
        self._stderr.seek(0)
        lines = [line.strip() for line in self._stderr.read().splitlines() if line.strip()]
        return lines[-1] if lines else ""

    def _at_exit(self) -> None:
        """A child the console never waited for (it ended before its session: `q` on "Starting…", a broken config
        file) is ended at once: it would notice its closed stdin only once listening, after finishing its own
        start-up (~0.3 s of a core) for nobody."""
        if self.url is None and self._process.poll() is None:
            self._process.kill()
            self._process.wait(timeout=3)
        self.stop()

    def stop(self) -> None:
        """Close its stdin (it exits by itself), then make sure."""
        atexit.unregister(self._at_exit)  # stopped: nothing to hold it for until exit (a profile switch spawns anew)
        if self._process.poll() is None:
            try:
                if self._process.stdin:
                    self._process.stdin.close()
                self._process.wait(timeout=3)
            except (subprocess.TimeoutExpired, OSError):
                self._process.kill()
                self._process.wait(timeout=3)
        self._stderr.close()
