"""The command line twin as scripts run it: the installed entry point, a sandbox child on 127.0.0.1, no
Textual on its path, and a wrong secret (exit 4)."""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

from api import SinchVoiceClient
from console.backend import Backend
from console.cli import main
from console.config import Resolved
from console.sandbox_process import SandboxProcess

ENTRY = Path(sys.executable).with_name("sinch-console")


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("SINCH_")}


def test_cli_entry_point_shows_a_room_on_the_sandbox_as_json() -> None:
    done = subprocess.run([str(ENTRY), "--sandbox", "conference", "show", "standup", "--json"],
                          capture_output=True, text=True, timeout=60, env=clean_env())
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["conferenceId"] == "standup" and data["participants"]
    assert "Traceback" not in done.stderr


def test_cli_entry_point_usage_error_is_2() -> None:
    done = subprocess.run([str(ENTRY), "conference", "dance", "standup"], capture_output=True, text=True,
                          timeout=60, env=clean_env())
    assert done.returncode == 2 and "invalid choice" in done.stderr and done.stdout == ""


def test_cli_never_imports_textual() -> None:
    code = (
        "import sys\n"
        "from console.__main__ import main\n"
        "rc = main(['--sandbox', 'conference', 'show', 'standup', '--json'])\n"
        "ui = ('textual', 'widgets', 'console.app', 'console.screens')\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(ui))\n"
        "print('LOADED', loaded, file=sys.stderr)\n"
        "sys.exit(rc if not loaded else 99)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=clean_env())
    assert done.returncode == 0, done.stderr
    assert "LOADED []" in done.stderr  # (rich is there: httpx imports its own CLI when click is installed)
    assert json.loads(done.stdout)["conferenceId"] == "standup"


WRONG_SECRET = base64.b64encode(b"not-the-right-secret").decode()  # made up: the sandbox must refuse it


def test_cli_wrong_secret_is_4() -> None:
    child = SandboxProcess(scenario="demo")
    url = child.wait_ready()

    def wrong(resolved: Resolved) -> Backend:
        http = httpx.AsyncClient(timeout=10.0)
        client = SinchVoiceClient(application_key=child.application_key,
                                  application_secret=WRONG_SECRET, base_url=url, http_client=http)
        return Backend(client, "wrong", True, on_close=child.stop, after_close=http.aclose)

    out, err = io.StringIO(), io.StringIO()
    code = main(["conference", "show", "standup"], backend_factory=wrong, stdout=out, stderr=err)
    assert code == 4, err.getvalue()
    assert out.getvalue() == "" and "Credentials refused" in err.getvalue() and "Traceback" not in err.getvalue()
