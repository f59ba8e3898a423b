"""Three `sinch-relay --redis-url` processes and one real redis-server: callbacks sent round-robin reach every
subscriber of every relay once, in one order; one relay is killed (SIGKILL: no goodbye), its subscriber resumes
at another with `?since=`, the relay comes back on its port, and nothing was lost or doubled. `--redis-url`
also comes from SINCH_RELAY_REDIS_URL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis_server import RedisServer, free_port
from relay_helpers import KEY, SECRET, TOKEN, ace, body_of, read_line, signed_headers
from waiting import eventually_sync
from websockets.sync.client import ClientConnection, connect

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
WAIT = 30.0


class RelayProcess:
    def __init__(self, redis_url: str, port: int) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SINCH_")}
        env.update(PYTHONUNBUFFERED="1", SINCH_APPLICATION_SECRET=SECRET, SINCH_RELAY_TOKEN=TOKEN,
                   SINCH_RELAY_REDIS_URL=redis_url)
        self.redis_url, self.port = redis_url, port
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen([sys.executable, "-m", "relay", "--port", str(port), "--application-key", KEY],
                                     cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = read_line(self.proc.stdout)
        assert line.startswith("Sinch relay listening on"), line
        eventually_sync(lambda: self.health()["redis"]["last_id"] is not None, what="the relay reads the stream")

    def health(self) -> dict[str, Any]:
        return dict(httpx.get(self.url + "/health", trust_env=False, timeout=WAIT).json())

    def subscribe(self, since: str | None = None) -> ClientConnection:
        query = f"?since={since}" if since else ""
        return connect(f"ws://127.0.0.1:{self.port}/events{query}", additional_headers={
            "Authorization": f"Bearer {TOKEN}"}, proxy=None, open_timeout=WAIT)

    def post(self, call_id: str) -> int:
        body = body_of(ace(call_id))
        return httpx.post(self.url + "/callback", content=body, headers=signed_headers(body), trust_env=False,
                          timeout=WAIT).status_code

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(WAIT)


@pytest.fixture
def cluster(redis_server: RedisServer) -> Iterator[list[RelayProcess]]:
    relays = [RelayProcess(redis_server.url, free_port()) for _ in range(3)]
    yield relays
    for relay in relays:
        relay.stop()


def call_ids(ws: ClientConnection, count: int) -> list[tuple[str, str]]:
    messages = [json.loads(ws.recv(timeout=WAIT)) for _ in range(count)]
    return [(m["id"], m["event"]["callId"]) for m in messages]


def test_three_relays_one_stream_and_one_killed_on_the_way(cluster: list[RelayProcess]) -> None:
    with ExitStack() as stack:
        run(cluster, stack)


def run(cluster: list[RelayProcess], stack: ExitStack) -> None:
    subscribers = [stack.enter_context(relay.subscribe()) for relay in cluster]
    eventually_sync(lambda: all(relay.health()["subscribers"] == 1 for relay in cluster))
    for n in range(9):
        assert cluster[n % 3].post(f"first-{n}") == 200
    seen = [call_ids(ws, 9) for ws in subscribers]
    assert seen[0] == seen[1] == seen[2]
    assert sorted(call_id for _, call_id in seen[0]) == sorted(f"first-{n}" for n in range(9))

    cluster[2].stop(signal.SIGKILL)
    subscribers[2].close()
    for n in range(6):  # while it is down, to the two left
        assert cluster[n % 2].post(f"down-{n}") == 200
    resumed = stack.enter_context(cluster[0].subscribe(since=seen[2][-1][0]))  # its console goes to another relay
    missed = call_ids(resumed, 6)
    assert missed == call_ids(subscribers[0], 6) == call_ids(subscribers[1], 6)
    assert sorted(call_id for _, call_id in missed) == sorted(f"down-{n}" for n in range(6))

    cluster[2] = RelayProcess(cluster[2].redis_url, cluster[2].port)  # back on its port
    assert cluster[2].post("after-restart") == 200
    for ws in (subscribers[0], subscribers[1], resumed):
        assert [call_id for _, call_id in call_ids(ws, 1)] == ["after-restart"]
