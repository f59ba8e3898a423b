"""`sinch-sandbox`: run the simulated platform on its own, for scripts, the SDK and other tools.

Prints exactly one line on stdout when it is ready: `Sinch sandbox listening on http://HOST:PORT`.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from sandbox.scenarios import SCENARIOS
from sandbox.server import start_sandbox_thread

EPILOG = """demo destinations: numbers ending in 0000 are busy, 9999 never answer (NOANSWER after 30 s),
6666 are restricted (callouts end FAILED/BLOCKED). Admin routes live under /_sandbox/ (no auth)."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="sinch-sandbox", description="A simulated Sinch Calling API platform.",
                                     epilog=EPILOG)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (printed when ready)")
    # The environment variables let a parent process (the console) hand over a throwaway secret without
    # putting it on a command line that `ps` shows.
    parser.add_argument("--application-key", default=os.environ.get("SINCH_SANDBOX_APPLICATION_KEY"),
                        help="default: $SINCH_SANDBOX_APPLICATION_KEY, else the documented demo application")
    parser.add_argument("--application-secret", default=os.environ.get("SINCH_SANDBOX_APPLICATION_SECRET"),
                        help="base64, as in the Sinch dashboard (default: $SINCH_SANDBOX_APPLICATION_SECRET)")
    parser.add_argument("--scenario", choices=SCENARIOS, default="demo")
    parser.add_argument("--seed", type=int, default=None, help="make ids and the demo story repeatable")
    parser.add_argument("--ring-seconds", type=float, default=2.0, help="how long callouts ring (0 = answer at once)")
    parser.add_argument("--callback-url", default=None,
                        help="send signed ICE/ACE/DiCE/PIE/Notify callbacks here (e.g. a sinch-relay's /callback); "
                             "also settable through the callback configuration API")
    parser.add_argument("--exit-on-stdin-close", action="store_true",
                        help="stop when standard input closes (a parent process started us and went away)")
    args = parser.parse_args(argv)
    if bool(args.application_key) != bool(args.application_secret):
        parser.error("--application-key and --application-secret go together")
    if args.callback_url and not args.callback_url.startswith(("http://", "https://")):
        parser.error("--callback-url must be an http or https URL")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        running = start_sandbox_thread(host=args.host, port=args.port, application_key=args.application_key,
                                       application_secret=args.application_secret, scenario=args.scenario,
                                       seed=args.seed, ring_seconds=args.ring_seconds,
                                       callback_url=args.callback_url)
    except (RuntimeError, ValueError) as exc:
        print(f"sinch-sandbox: {exc}", file=sys.stderr)
        return 1
    print(f"Sinch sandbox listening on {running.url}", flush=True)
    if not args.application_key:
        # the key only: the demo secret is documented in sandbox.DEMO_APPLICATION_SECRET, never printed
        print(f"Using the demo application key {running.application_key}", file=sys.stderr, flush=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    if args.exit_on_stdin_close:
        def stop_when_stdin_closes() -> None:
            sys.stdin.read()
            stop.set()

        threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
    while running._thread.is_alive() and not stop.wait(0.5):
        pass
    running.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
