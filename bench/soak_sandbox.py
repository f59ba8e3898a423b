"""The soak's sandbox: the demo platform on 127.0.0.1 with faults drawn at random for every API request.

Run as a child process by bench/soak.py (its own GIL, like the console's `make run` sandbox):

    python bench/soak_sandbox.py --seed 12 --error-rate 0.2 --drop-rate 0.05 --callback-url URL

The application key and secret come from the environment (SINCH_SANDBOX_APPLICATION_KEY / _SECRET), never
argv. Prints `Sinch sandbox listening on http://127.0.0.1:PORT` when ready; exits when stdin closes.

The sandbox's own fault book (sandbox/faults.py) takes a number of requests, not a rate, so each request here
draws from a seeded random generator and, when it loses, is answered by the sandbox's own FaultMiddleware with
a one-shot fault: a 5xx, or a dropped connection. Half of the drops happen *after* the platform acted (the
request reached the routes, the answer is lost on the way back): that is the case where a callout may have
been placed although the console never heard so. 429 bursts are added by the parent through the ordinary
admin route (POST /_sandbox/faults), so they exercise that route too.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import uvicorn

from sandbox.app import create_app
from sandbox.faults import DroppedConnection, FaultBook, FaultMiddleware
from sandbox.server import START_TIMEOUT  # importing it also hides dropped-connection tracebacks

ERROR_STATUSES = (500, 502, 503, 503)


class RandomFaults:
    """Pure ASGI, outside the sandbox app: every non-admin HTTP request draws its fate from one seeded RNG."""

    def __init__(self, app: Any, *, seed: int, error_rate: float, drop_rate: float) -> None:
        self.app = app
        self.rng = random.Random(seed)
        self.error_rate, self.drop_rate = error_rate, drop_rate
        self.counts = {"requests": 0, "errors": 0, "drops_before": 0, "drops_after": 0}
        self._lock = threading.Lock()

    def _draw(self) -> tuple[str, int]:
        with self._lock:
            roll, status = self.rng.random(), self.rng.choice(ERROR_STATUSES)
            after = self.rng.random() < 0.5
            self.counts["requests"] += 1
            if roll < self.error_rate:
                self.counts["errors"] += 1
                return "status", status
            if roll < self.error_rate + self.drop_rate:
                self.counts["drops_after" if after else "drops_before"] += 1
                return ("drop_after" if after else "drop"), 0
            return "none", 0

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] != "http" or scope.get("path", "").startswith("/_sandbox"):
            await self.app(scope, receive, send)
            return
        fate, status = self._draw()
        if fate == "none":
            await self.app(scope, receive, send)
        elif fate == "drop_after":
            await self._answer_lost(scope, receive, send)
        else:
            book = FaultBook()  # one fault for this one request: concurrent requests cannot take it
            book.add("soak", {"kind": fate, "count": 1, **({"status": status} if fate == "status" else {})})
            await FaultMiddleware(self.app, book, lambda: "soak-fault")(scope, receive, send)

    async def _answer_lost(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        """Let the platform act, swallow its answer, then break the connection half-way through a response."""

        async def swallow(message: dict[str, Any]) -> None:
            return None

        await self.app(scope, receive, swallow)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")]})
        await send({"type": "http.response.body", "body": b'{"callId": "', "more_body": True})
        raise DroppedConnection()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--error-rate", type=float, default=0.2, help="share of API requests answered 5xx")
    parser.add_argument("--drop-rate", type=float, default=0.05, help="share of API requests whose connection drops")
    parser.add_argument("--ring-seconds", type=float, default=2.0)
    parser.add_argument("--callback-url", default=None)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    key = os.environ.get("SINCH_SANDBOX_APPLICATION_KEY")
    secret = os.environ.get("SINCH_SANDBOX_APPLICATION_SECRET")
    inner = create_app(application_key=key, application_secret=secret, scenario="demo", seed=args.seed,
                       ring_seconds=args.ring_seconds)
    sb = inner.state.sandbox
    app = RandomFaults(inner, seed=args.seed, error_rate=args.error_rate, drop_rate=args.drop_rate)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="soak-sandbox", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            print("soak sandbox: uvicorn did not start", file=sys.stderr)
            return 1
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    sb.public_url = f"http://127.0.0.1:{port}"
    if args.callback_url:
        with sb.lock:
            sb.callbacks.set(sb.application_key, args.callback_url, None)
    print(f"Sinch sandbox listening on http://127.0.0.1:{port}", flush=True)
    sys.stdin.read()  # the parent went away or is done
    print(f"soak sandbox faults: {app.counts}", file=sys.stderr, flush=True)
    server.should_exit = True
    thread.join(5)
    sb.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
