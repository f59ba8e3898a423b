"""`sinch-relay` as a subprocess: the ready line, secrets from the environment, never printed, worded failures."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from relay_helpers import KEY, SECRET, TOKEN, ace, body_of, read_line, signed_headers
from websockets.sync.client import connect

ROOT = Path(__file__).resolve().parents[2]
READY = "Sinch relay listening on http://127.0.0.1:"


def relay_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SINCH_")}
    return {**env, "PYTHONUNBUFFERED": "1", **extra}


@contextmanager
def relay_process(*args: str, env: dict[str, str]) -> Iterator[tuple[subprocess.Popen[str], str, list[str]]]:
    """Start `python -m relay`, yield (process, url, [stdout rest, stderr]) and stop it; output filled at exit."""
    proc = subprocess.Popen([sys.executable, "-m", "relay", "--port", "0", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    output: list[str] = []
    try:
        line = read_line(proc.stdout)
        output.append(line)
        assert line.startswith(READY), line
        yield proc, line.split(" on ", 1)[1].strip(), output
    finally:
        proc.terminate()
        rest, err = proc.communicate(timeout=10)
        output += [rest, err]


def test_prints_the_ready_line_and_relays_with_secrets_from_the_environment() -> None:
    env = relay_env(SINCH_APPLICATION_SECRET=SECRET, SINCH_RELAY_TOKEN=TOKEN)
    with relay_process("--application-key", KEY, "--log-level", "info", env=env) as (proc, url, output):
        assert int(url.rsplit(":", 1)[1]) > 0
        with connect(url.replace("http", "ws") + f"/events?token={TOKEN}", proxy=None, open_timeout=10) as ws, \
                httpx.Client(base_url=url, trust_env=False) as http:
            body = body_of(ace())
            response = http.post("/callback", content=body, headers=signed_headers(body))
            assert response.status_code == 200, response.text
            assert '"type":"ace"' in ws.recv(timeout=10)
            assert http.post("/callback", content=body, headers={"Content-Type": "application/json"}).status_code == 401
    assert proc.returncode == 0
    everything = "".join(output)
    assert output[1] == ""  # exactly one line on stdout
    assert SECRET not in everything and TOKEN not in everything
    assert "token=[redacted]" in everything  # uvicorn's info line about the websocket, with the token hidden


def test_secrets_on_the_command_line_are_never_printed() -> None:
    args = ("--application-key", KEY, "--application-secret", SECRET, "--token", TOKEN, "--path-prefix", "/sinch")
    with relay_process(*args, env=relay_env()) as (_, url, output), httpx.Client(base_url=url, trust_env=False) as http:
        assert http.get("/sinch/health").json()["status"] == "ok"
    everything = "".join(output)
    assert SECRET not in everything and TOKEN not in everything
    assert "/sinch/callback" in output[2]  # where to point Sinch, on stderr


def run_failing(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "relay", "--port", "0", *args], cwd=ROOT, env=env or relay_env(),
                          capture_output=True, text=True, timeout=30)


def test_bad_rules_file_is_a_worded_error(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text('# dial-in\n[[rule]]\nevent = "ice"\naction = "continue"\n')
    done = run_failing("--application-key", KEY, "--rules", str(rules),
                       env=relay_env(SINCH_APPLICATION_SECRET=SECRET, SINCH_RELAY_TOKEN=TOKEN))
    assert done.returncode == 2 and done.stdout == ""
    assert f"{rules}: rule 1 (line 2), field 'action': 'continue' is not a valid answer to ICE" in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_token_and_bad_secret_are_worded() -> None:
    done = run_failing("--application-key", KEY, env=relay_env(SINCH_APPLICATION_SECRET=SECRET))
    assert done.returncode == 2 and "$SINCH_RELAY_TOKEN" in done.stderr
    done = run_failing("--application-key", KEY, "--application-secret", "not base64!", "--token", TOKEN)
    assert done.returncode == 2 and "not valid base64" in done.stderr and "not base64!" not in done.stderr
    done = run_failing(env=relay_env(SINCH_APPLICATION_SECRET=SECRET, SINCH_RELAY_TOKEN=TOKEN))
    assert done.returncode == 2 and "--application-key" in done.stderr


def test_console_script_is_installed() -> None:
    exe = shutil.which("sinch-relay", path=str(Path(sys.executable).parent))
    assert exe, "sinch-relay is not installed: pip install -e '.[dev]'"
    done = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and "--path-prefix" in done.stdout and "--max-age" in done.stdout
