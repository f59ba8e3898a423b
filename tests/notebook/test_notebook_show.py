"""console.notebook: `show()` starts `sinch-console serve` once per kernel, waits for it and returns an IFrame;
`stop()` ends it with every session it spawned."""

from __future__ import annotations

import os
from collections.abc import Iterator

import httpx
import pytest
from IPython.display import IFrame

from console import notebook


@pytest.fixture
def clean(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("SINCH_APPLICATION_KEY", "SINCH_APPLICATION_SECRET", "SINCH_PROFILE", "SINCH_REGION"):
        monkeypatch.delenv(name, raising=False)
    yield
    notebook.stop()


def test_notebook_flags_from_keywords() -> None:
    assert notebook.console_flags() == ["--sandbox"]
    assert notebook.console_flags(sandbox=False, profile="prod", read_only=True, room=["standup", "board-room"],
                                  seed=3, region=None, poll_interval=0.5) == [
        "--profile", "prod", "--read-only", "--room", "standup", "--room", "board-room", "--seed", "3",
        "--poll-interval", "0.5"]


def test_notebook_show_starts_once_and_stop_ends_it(clean: None) -> None:
    frame = notebook.show(height=480)
    assert isinstance(frame, IFrame)
    url = frame.src
    assert url.startswith("http://127.0.0.1:") and frame.height == 480 and frame.width == "100%"
    assert f'src="{url}"' in frame._repr_html_()
    page = httpx.get(url, timeout=10)
    assert page.status_code == 200 and "sinch-console" in page.text
    assert "http://localhost:*" in page.headers["content-security-policy"]  # a local Jupyter may frame it
    assert notebook.url() == url
    process = notebook._running.process  # type: ignore[union-attr]
    base = url.split("/?", 1)[0]

    assert notebook.show().src == url  # same settings: the running server
    assert notebook._running.process is process  # type: ignore[union-attr]

    notebook.stop()
    assert notebook.url() is None and process.poll() is not None
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)  # the whole group is gone
    with pytest.raises(httpx.TransportError):
        httpx.get(base + "/", timeout=2)
    notebook.stop()  # idempotent


def test_notebook_server_needs_the_token_it_passed_through_the_environment(clean: None) -> None:
    url = notebook.start()
    base, token = url.split("/?token=", 1)
    assert len(token) >= 43
    assert httpx.get(base + "/", timeout=10).status_code == 403  # the IFrame's URL carries what it takes
    assert httpx.get(url, timeout=10).status_code == 200
    process = notebook._running.process  # type: ignore[union-attr]
    with open(f"/proc/{process.pid}/cmdline", "rb") as cmdline:
        assert token.encode() not in cmdline.read()  # a command line is visible to everyone in ps
    assert "--token" not in process.args


def test_notebook_start_reports_a_server_that_cannot_start(clean: None, tmp_path) -> None:
    with pytest.raises(RuntimeError, match="did not answer"):
        notebook.start(sandbox=False, profile="missing", config=str(tmp_path / "none.toml"), timeout=20)
    assert notebook.url() is None


def test_notebook_start_is_not_fooled_by_another_server_on_the_port(clean: None) -> None:
    """A server left from a killed kernel answers on the port: ours cannot bind, and start() must say so."""
    import http.server
    import threading

    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        with pytest.raises(RuntimeError, match="did not answer"):
            notebook.start(port=other.server_address[1], timeout=20)
        assert notebook.url() is None
    finally:
        other.shutdown()
        other.server_close()
