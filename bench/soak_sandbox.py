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
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sandbox.faults import FaultBook, FaultMiddleware
from sandbox.server import start_sandbox_thread  # importing it also hides dropped-connection tracebacks

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
        else:  # "drop_after": the platform acts, then its answer is lost on the way back
            book = FaultBook()  # one fault for this one request: concurrent requests cannot take it
            book.add("soak", {"kind": fate, "count": 1, **({"status": status} if fate == "status" else {})})
            await FaultMiddleware(self.app, book, lambda: "soak-fault")(scope, receive, send)


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
    faults: list[RandomFaults] = []  # the one wrapped around the sandbox, for its counts at the end

    def with_faults(app: Any) -> RandomFaults:
        faults.append(RandomFaults(app, seed=args.seed, error_rate=args.error_rate, drop_rate=args.drop_rate))
        return faults[0]

    try:
        running = start_sandbox_thread(application_key=os.environ.get("SINCH_SANDBOX_APPLICATION_KEY"),
                                       application_secret=os.environ.get("SINCH_SANDBOX_APPLICATION_SECRET"),
                                       seed=args.seed, ring_seconds=args.ring_seconds,
                                       callback_url=args.callback_url, wrap=with_faults)
    except RuntimeError as error:
        print(f"soak sandbox: {error}", file=sys.stderr)
        return 1
    app = faults[0]
    print(f"Sinch sandbox listening on {running.url}", flush=True)
    sys.stdin.read()  # the parent went away or is done
    print(f"soak sandbox faults: {app.counts}", file=sys.stderr, flush=True)
    running.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
