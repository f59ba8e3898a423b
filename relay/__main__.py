"""`sinch-relay`: receive Sinch callbacks, answer them with SVAML, stream them to consoles over websockets.

Prints exactly one line on stdout when it is ready: `Sinch relay listening on http://HOST:PORT` (the port
really bound, when asked for 0). The secrets and the token are never printed. Each comes from a file
(`--application-secret-file`, `--token-file`...), the environment (`SINCH_APPLICATION_SECRET`,
`SINCH_APPLICATION_SECRET_PREVIOUS`, `SINCH_RELAY_TOKEN`) or, with a warning, a flag that `ps` shows.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Mapping

from relay.credentials import SecretSource, Warn, read_secret
from relay.redact import RedactTokens
from relay.rules import Rules
from relay.server import start_relay_thread
from relay.settings import (
    AUTH_MODES,
    DEFAULT_MAX_AGE,
    DEFAULT_MAX_BODY,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_MAX_CONNECTIONS_PER_CLIENT,
    DEFAULT_MAX_SUBSCRIBERS,
    DEFAULT_QUEUE_SIZE,
    DEFAULT_READ_TIMEOUT,
    DEFAULT_REDIS_BUFFER,
    DEFAULT_REPLAY_CAPACITY,
    DEFAULT_RETENTION,
    MIN_TOKEN_LENGTH,
    RelaySettings,
)

EPILOG = """Give Sinch the callback URL http(s)://PUBLIC-HOST[/PREFIX]/callback (behind a TLS proxy that forwards
the path unchanged); consoles subscribe to ws(s)://HOST[/PREFIX]/events with the token. Without --rules: ICE is
answered hangup, ACE and PIE continue, DiCE and Notify an empty 200. A callback is accepted once: the same
signed callback again within --max-age is refused (401). The replay memory is kept in this process only: a
restart forgets it, so a callback accepted just before a restart can be accepted once more within its window;
with --redis-url it is kept in Redis, shared by every relay of the team. With --redis-url, every relay appends
the callbacks it accepts to one Redis stream and serves every event of it to its own subscribers, who resume
with ?since=ID after a reconnect (README: "Relays for a team"). To rotate the secret, start with the new one as
the secret and the old one as the previous secret until Sinch signs with the new one."""

SECRET = SecretSource("--application-secret", "SINCH_APPLICATION_SECRET")
PREVIOUS_SECRET = SecretSource("--previous-application-secret", "SINCH_APPLICATION_SECRET_PREVIOUS")
TOKEN = SecretSource("--token", "SINCH_RELAY_TOKEN")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="sinch-relay", epilog=EPILOG,
                                     description="Verify Sinch voice callbacks, answer them, stream them to consoles.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (printed when ready)")
    parser.add_argument("--application-key", default=env("SINCH_APPLICATION_KEY"),
                        help="the Sinch application whose callbacks are accepted (default: $SINCH_APPLICATION_KEY)")
    for source, what in ((SECRET, "its secret, base64 as in the dashboard"),
                         (PREVIOUS_SECRET, "during a rotation, the secret being replaced (also accepted)"),
                         (TOKEN, f"what websocket subscribers must present, at least {MIN_TOKEN_LENGTH} characters")):
        parser.add_argument(source.flag, help=f"{what} (better: ${source.env} or {source.file_flag}; "
                                              "a flag is visible to other users)")
        parser.add_argument(source.file_flag, metavar="PATH", help=f"read {source.flag.removeprefix('--')} "
                                                                   "from this file (mode 600)")
    parser.add_argument("--rules", help="a TOML file of answer rules (see relay/rules.py)")
    parser.add_argument("--max-age", type=float, default=DEFAULT_MAX_AGE,
                        help="seconds a callback's x-timestamp may be off, and for which a seen callback is "
                             f"refused as a replay; 0 disables the time check (default {DEFAULT_MAX_AGE:g})")
    parser.add_argument("--path-prefix", default="", help="where a proxy forwards the callback, e.g. /sinch")
    parser.add_argument("--auth", choices=AUTH_MODES, default="signed",
                        help="signed: Sinch's signature only (default); basic: Basic only; either: both")
    parser.add_argument("--queue-size", type=int, default=DEFAULT_QUEUE_SIZE,
                        help=f"events kept per slow subscriber before the oldest are dropped "
                             f"(default {DEFAULT_QUEUE_SIZE})")
    limits = parser.add_argument_group("limits (against clients that hold connections open or flood the relay)")
    limits.add_argument("--max-body", type=int, default=DEFAULT_MAX_BODY,
                        help=f"bytes a callback body may have (default {DEFAULT_MAX_BODY})")
    limits.add_argument("--read-timeout", type=float, default=DEFAULT_READ_TIMEOUT,
                        help="seconds to send a request's headers, and again its body, on every route "
                             f"(default {DEFAULT_READ_TIMEOUT:g})")
    limits.add_argument("--max-connections", type=int, default=DEFAULT_MAX_CONNECTIONS,
                        help=f"open connections in all (default {DEFAULT_MAX_CONNECTIONS})")
    limits.add_argument("--max-connections-per-client", type=int, default=DEFAULT_MAX_CONNECTIONS_PER_CLIENT,
                        help="open connections from one IPv4 address or IPv6 /64, 127.0.0.1 and ::1 (a local "
                             "proxy) exempt; 0: no limit, e.g. behind a proxy on another host "
                             f"(default {DEFAULT_MAX_CONNECTIONS_PER_CLIENT})")
    limits.add_argument("--max-subscribers", type=int, default=DEFAULT_MAX_SUBSCRIBERS,
                        help=f"websocket subscribers at once (default {DEFAULT_MAX_SUBSCRIBERS})")
    limits.add_argument("--replay-capacity", type=int, default=DEFAULT_REPLAY_CAPACITY,
                        help="callbacks remembered to refuse replays, in memory only (a restart forgets "
                             f"them); when full, callbacks get 503 (default {DEFAULT_REPLAY_CAPACITY})")
    team = parser.add_argument_group("several relays sharing one event stream (Redis)")
    team.add_argument("--redis-url", default=env("SINCH_RELAY_REDIS_URL", ""),
                      help="redis://HOST:PORT/DB: share events and the replay memory with the other relays "
                           "(default: $SINCH_RELAY_REDIS_URL; none: this process alone)")
    team.add_argument("--retention", default=DEFAULT_RETENTION,
                      help="events the stream keeps for reconnecting subscribers: a count, or a time such as "
                           f"24h (default {DEFAULT_RETENTION})")
    team.add_argument("--redis-buffer", type=int, default=DEFAULT_REDIS_BUFFER,
                      help="events kept while Redis is unreachable, appended once it is back "
                           f"(default {DEFAULT_REDIS_BUFFER})")
    parser.add_argument("--log-level", default="warning", choices=("debug", "info", "warning", "error"))
    parser.add_argument("--exit-on-stdin-close", action="store_true",
                        help="stop when standard input closes (a parent process started us and went away)")
    return parser.parse_args(argv)


def build_settings(args: argparse.Namespace, *, environ: Mapping[str, str] | None = None,
                   warn: Warn | None = None) -> RelaySettings:
    """Settings from the arguments; ValueError (RulesError included) with a sentence when something is wrong."""
    environ = os.environ if environ is None else environ
    warn = warn or (lambda message: print(f"sinch-relay: warning: {message}", file=sys.stderr, flush=True))
    if not args.application_key:
        raise ValueError("an application key is required (--application-key or $SINCH_APPLICATION_KEY)")

    def secret(source: SecretSource) -> str:
        attribute = source.flag.removeprefix("--").replace("-", "_")
        return read_secret(source, flag_value=getattr(args, attribute), environ=environ, warn=warn,
                           file_path=getattr(args, attribute + "_file"))

    rules = Rules.load(args.rules) if args.rules else Rules.empty()
    return RelaySettings(application_key=args.application_key, application_secret=secret(SECRET),
                         previous_application_secret=secret(PREVIOUS_SECRET), token=secret(TOKEN), rules=rules,
                         max_age=args.max_age, path_prefix=args.path_prefix, auth=args.auth,
                         queue_size=args.queue_size, max_body=args.max_body, read_timeout=args.read_timeout,
                         max_connections=args.max_connections,
                         max_connections_per_client=args.max_connections_per_client,
                         max_subscribers=args.max_subscribers, replay_capacity=args.replay_capacity,
                         redis_url=args.redis_url, retention=args.retention, redis_buffer=args.redis_buffer)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        settings = build_settings(args)
    except ValueError as exc:  # RulesError included: its message names the file, rule, line and field
        print(f"sinch-relay: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactTokens())  # whatever logger a line comes from, no token reaches stderr
    try:
        running = start_relay_thread(settings, host=args.host, port=args.port, log_level=args.log_level)
    except (RuntimeError, OSError) as exc:
        print(f"sinch-relay: {exc}", file=sys.stderr)
        return 1
    print(f"Sinch relay listening on {running.url}", flush=True)
    print(f"callbacks: POST {running.callback_url} ({settings.auth}, application {settings.application_key}); "
          f"events: {running.events_url} (token required); rules: {settings.rules.source}"
          + ("; events shared through Redis" if settings.redis_url else ""),
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
