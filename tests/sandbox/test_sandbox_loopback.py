"""The sandbox on a real socket: `sinch-sandbox --port 0` as a subprocess, and the thread entry."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from api.auth import application_authorization, sign_request, utc_timestamp
from sandbox import DEMO_APPLICATION_KEY, DEMO_APPLICATION_SECRET, start_sandbox_thread

ROOT = Path(__file__).resolve().parents[2]


def signed_get(url: str, path: str, key: str, secret: str) -> httpx.Response:
    stamp = utc_timestamp()
    signature = sign_request(secret, method="GET", path=path, body=b"", content_type="", timestamp=stamp)
    headers = {"Authorization": application_authorization(key, signature), "x-timestamp": stamp}
    with httpx.Client(trust_env=False) as http:
        return http.get(url + path, headers=headers)


def read_line(stream, timeout: float = 20.0) -> str:  # type: ignore[no-untyped-def]
    out: list[str] = []
    reader = threading.Thread(target=lambda: out.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    if not out:
        raise AssertionError("the sandbox printed nothing in time")
    return out[0]


@pytest.mark.parametrize("custom_app", [False, True])
def test_cli_prints_the_url_and_serves(custom_app: bool) -> None:
    key, secret = ("my-app", "bXktYXBwLXNlY3JldC0xNg==") if custom_app else (DEMO_APPLICATION_KEY,
                                                                            DEMO_APPLICATION_SECRET)
    args = [sys.executable, "-m", "sandbox", "--port", "0", "--scenario", "empty", "--seed", "1"]
    if custom_app:
        args += ["--application-key", key, "--application-secret", secret]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    line = ""
    try:
        line = read_line(proc.stdout)
        assert line.startswith("Sinch sandbox listening on http://127.0.0.1:"), line
        url = line.split(" on ", 1)[1].strip()
        assert int(url.rsplit(":", 1)[1]) > 0
        response = signed_get(url, "/v1/configuration/numbers", key, secret)
        assert response.status_code == 200, response.text
        assert len(response.json()["numbers"]) == 5
    finally:
        proc.terminate()
        rest, err = proc.communicate(timeout=10)
    assert proc.returncode == 0
    for shown in (line, rest, err):
        assert DEMO_APPLICATION_SECRET not in shown and secret not in shown
    assert (DEMO_APPLICATION_KEY in err) is (not custom_app)


def test_cli_refuses_a_key_without_secret() -> None:
    done = subprocess.run([sys.executable, "-m", "sandbox", "--application-key", "k"], cwd=ROOT,
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "go together" in done.stderr


def test_thread_entry_and_dropped_connection_over_a_socket() -> None:
    with start_sandbox_thread(scenario="demo", seed=2) as running:
        assert running.url.startswith("http://127.0.0.1:") and running.rooms == ["standup", "board-room",
                                                                                "support-bridge"]
        assert "secret" not in repr(running).lower()
        path = "/calling/v1/conferences/id/standup"
        response = signed_get(running.url, path, running.application_key, running.application_secret)
        assert response.status_code == 200 and response.json()["participants"]
        with httpx.Client(trust_env=False) as http:
            http.post(running.url + "/_sandbox/faults", json={"kind": "drop"})
        with pytest.raises(httpx.RemoteProtocolError):
            signed_get(running.url, path, running.application_key, running.application_secret)
        assert signed_get(running.url, path, running.application_key, running.application_secret).status_code == 200
