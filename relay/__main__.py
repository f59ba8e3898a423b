"""`sinch-relay`: receive Sinch callbacks, answer them with SVAML, stream them to consoles over websockets.

Prints exactly one line on stdout when it is ready: `Sinch relay listening on http://HOST:PORT` (the port
really bound, when asked for 0). The secret and the token are never printed; pass them in the environment
(`SINCH_APPLICATION_SECRET`, `SINCH_RELAY_TOKEN`) to keep them off the command line that `ps` shows.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading

from relay.rules import Rules
from relay.server import start_relay_thread
from relay.settings import AUTH_MODES, DEFAULT_MAX_AGE, DEFAULT_QUEUE_SIZE, RelaySettings

EPILOG = """Give Sinch the callback URL http(s)://PUBLIC-HOST[/PREFIX]/callback (behind a TLS proxy that forwards
the path unchanged); consoles subscribe to ws(s)://HOST[/PREFIX]/events with the token. Without --rules: ICE is
answered hangup, ACE and PIE continue, DiCE and Notify an empty 200."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="sinch-relay", epilog=EPILOG,
                                     description="Verify Sinch voice callbacks, answer them, stream them to consoles.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (printed when ready)")
    parser.add_argument("--application-key", default=env("SINCH_APPLICATION_KEY"),
                        help="the Sinch application whose callbacks are accepted (default: $SINCH_APPLICATION_KEY)")
    parser.add_argument("--application-secret", default=env("SINCH_APPLICATION_SECRET"),
                        help="its secret, base64 as in the dashboard (better: $SINCH_APPLICATION_SECRET)")
    parser.add_argument("--token", default=env("SINCH_RELAY_TOKEN"),
                        help="what websocket subscribers must present (better: $SINCH_RELAY_TOKEN)")
    parser.add_argument("--rules", help="a TOML file of answer rules (see relay/rules.py)")
    parser.add_argument("--max-age", type=float, default=DEFAULT_MAX_AGE,
                        help="seconds a callback's x-timestamp may be off; 0 disables the check (default 600)")
    parser.add_argument("--path-prefix", default="", help="where a proxy forwards the callback, e.g. /sinch")
    parser.add_argument("--auth", choices=AUTH_MODES, default="signed",
                        help="signed: Sinch's signature only (default); basic: Basic only; either: both")
    parser.add_argument("--queue-size", type=int, default=DEFAULT_QUEUE_SIZE,
                        help="events kept per slow subscriber before the oldest are dropped (default 1000)")
    parser.add_argument("--log-level", default="warning", choices=("debug", "info", "warning", "error"))
    parser.add_argument("--exit-on-stdin-close", action="store_true",
                        help="stop when standard input closes (a parent process started us and went away)")
    return parser.parse_args(argv)


def build_settings(args: argparse.Namespace) -> RelaySettings:
    """Settings from the arguments; ValueError (RulesError included) with a sentence when something is wrong."""
    if not args.application_key:
        raise ValueError("an application key is required (--application-key or $SINCH_APPLICATION_KEY)")
    rules = Rules.load(args.rules) if args.rules else Rules.empty()
    return RelaySettings(application_key=args.application_key, application_secret=args.application_secret or "",
                         token=args.token or "", rules=rules, max_age=args.max_age, path_prefix=args.path_prefix,
                         auth=args.auth, queue_size=args.queue_size)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        settings = build_settings(args)
    except ValueError as exc:  # RulesError included: its message names the file, rule, line and field
        print(f"sinch-relay: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        running = start_relay_thread(settings, host=args.host, port=args.port, log_level=args.log_level)
    except (RuntimeError, OSError) as exc:
        print(f"sinch-relay: {exc}", file=sys.stderr)
        return 1
    print(f"Sinch relay listening on {running.url}", flush=True)
    print(f"callbacks: POST {running.callback_url} ({settings.auth}, application {settings.application_key}); "
          f"events: {running.events_url} (token required); rules: {settings.rules.source}",
          file=sys.stderr, flush=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    if args.exit_on_stdin_close:
        def stop_on_eof() -> None:
            sys.stdin.read()
            stop.set()

        threading.Thread(target=stop_on_eof, daemon=True).start()
    while running.is_alive() and not stop.wait(0.5):
        pass
    running.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
