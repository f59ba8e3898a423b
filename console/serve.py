"""`sinch-console serve`: the full console in a browser, through textual-serve.

    sinch-console [--sandbox] [--profile NAME] [--config PATH] [--read-only] [--room ID] ... serve
                  [--host 127.0.0.1] [--port 8000] [--title T] [--public-url URL] [--allow-origin ORIGIN] ...
                  [--allow-remote] [--token TOKEN]

Every browser session runs its own `sinch-console` process with the same global flags (the console's flags,
given before or after `serve`), so a session is exactly the terminal console. Credentials travel the way they
do for the terminal console: from the profile or the SINCH_* environment, which the session processes inherit;
they never appear on a command line, and nothing here prints them.

`--port 0` picks a free port. Whoever drives a session can mute and kick on live calls, so (console.serve_guard)
every request needs this launch's token (printed once, in the URL to open; or fixed with SINCH_CONSOLE_SERVE_TOKEN
or --token, 32 characters at least), websockets must come from an allowed origin, and the server listens on
loopback only unless --allow-remote says otherwise.
"""

from __future__ import annotations

import argparse
import os
import shlex
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from console.serve_guard import (
    TOKEN_ENV,
    GuardConfigError,
    ServeGuard,
    allowed_origins,
    check_frame_ancestor,
    check_token,
    is_loopback,
    new_token,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from console.serve_server import ConsoleServer

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_TITLE = "sinch-console"
READY_PREFIX = "sinch-console: serving on "


def free_port(host: str = DEFAULT_HOST) -> int:
    """A port nobody listens on right now (the OS's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def console_command(flags: Sequence[str]) -> str:
    """The shell command textual-serve runs per browser session: this environment's console with `flags`."""
    script = Path(sys.executable).with_name("sinch-console")
    argv = [str(script)] if script.exists() else [sys.executable, "-m", "console"]
    return shlex.join([*argv, *flags])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sinch-console serve",
        allow_abbrev=False,  # the console's own flags (--profile, --poll-interval, ...) pass through untouched
        description="Serve the full console in a browser (textual-serve). The console's flags (--sandbox, "
        "--profile, --config, --read-only, --room, --region, --poll-interval, --seed) apply to every session.",
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0: any free)")
    parser.add_argument("--title", default=DEFAULT_TITLE, help="the page's title")
    parser.add_argument("--public-url", metavar="URL", help="the URL browsers use, behind a proxy (default: host:port)")
    parser.add_argument("--allow-origin", action="append", default=[], metavar="ORIGIN",
                        help="also accept websockets from this origin, scheme://host[:port] (repeat); the served "
                        "origin and the --public-url's are always accepted")
    parser.add_argument("--allow-frame-ancestor", action="append", default=[], metavar="ORIGIN",
                        help="a page that may show the console in a frame, scheme://host[:port] (repeat; * for any): "
                        "e.g. your Jupyter's http://localhost:8888. Others may not frame it")
    parser.add_argument("--allow-remote", action="store_true",
                        help="allow a --host other than loopback (the console becomes reachable from other machines)")
    parser.add_argument("--token", help=f"the token browsers must present (at least 32 characters; default: "
                        f"{TOKEN_ENV} or a random one per launch). Prefer the variable: a flag shows in ps")
    parser.add_argument("--debug", action="store_true", help="textual-serve's debug logging")
    return parser


def parse(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    """Serve's own options and the console flags to pass on; SystemExit(2) for a bad flag of either."""
    args, console_flags = build_parser().parse_known_args(list(argv))
    from console.flags import parse_args as parse_console_flags  # validates them: usage error, exit 2

    console_args = parse_console_flags(console_flags)
    from console.config import ConfigError, resolve_settings

    try:  # a bad profile or config fails here, once, rather than in every browser session
        resolve_settings(console_args.config, console_args.profile, sandbox=console_args.sandbox,
                         read_only=console_args.read_only, rooms=console_args.room, region=console_args.region,
                         poll_interval=console_args.poll_interval)
    except ConfigError as error:
        print(f"sinch-console: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    return args, console_flags


def check_host(host: str, allow_remote: bool) -> None:
    """GuardConfigError for a host beyond loopback without --allow-remote."""
    if not allow_remote and not is_loopback(host):
        raise GuardConfigError(f"--host {host} would serve the console to other machines, where anyone holding "
                               "the URL could moderate your calls. Keep the default (127.0.0.1), or add "
                               "--allow-remote to do this on purpose")


def take_token(flag: str | None) -> str:
    """--token, else SINCH_CONSOLE_SERVE_TOKEN, else a new random token; checked. The variable is removed from
    this process's environment, so the console sessions (which inherit it) never hold the token."""
    from_env = os.environ.pop(TOKEN_ENV, None)
    given = flag if flag is not None else from_env
    return new_token() if given is None else check_token(given)


def make_server(args: argparse.Namespace, console_flags: Sequence[str]) -> ConsoleServer:
    """The guarded server; GuardConfigError for a host, token or origin it must not start with."""
    check_host(args.host, args.allow_remote)
    token = take_token(args.token)
    port = args.port or free_port(args.host)
    origins = allowed_origins(args.host, port, args.public_url, args.allow_origin)
    guard = ServeGuard(token=token, origins=origins, cookie_name=f"sinch-console-token-{port}",
                       secure_cookie=(args.public_url or "").lower().startswith("https:"),
                       frame_ancestors=tuple(check_frame_ancestor(source) for source in args.allow_frame_ancestor))
    from console.serve_server import ConsoleServer  # aiohttp and textual-serve load only to serve

    return ConsoleServer(console_command(console_flags), guard=guard, host=args.host, port=port, title=args.title,
                         public_url=args.public_url)


def main(argv: Sequence[str] | None = None) -> int:
    """`argv`: everything after `sinch-console` but the word `serve`. Returns the exit code."""
    try:
        args, console_flags = parse(sys.argv[1:] if argv is None else argv)
    except SystemExit as stop:  # argparse: --help (0) or a usage error (2), already printed
        return stop.code if isinstance(stop.code, int) else 2
    try:
        server = make_server(args, console_flags)
    except GuardConfigError as error:
        print(f"sinch-console serve: {error}", file=sys.stderr)
        return 2
    if not is_loopback(args.host):
        print(f"sinch-console serve: listening on {args.host}: other machines can reach it. Only holders of the "
              "token get in, but over plain http the token travels in clear: put a TLS proxy in front and pass "
              "its https address as --public-url.", file=sys.stderr)
    try:
        server.serve(debug=args.debug)
    except OSError as error:  # the port is taken, the host is not ours, ...
        print(f"sinch-console: cannot serve on {args.host}:{server.port}: {error.strerror or error}", file=sys.stderr)
        return 1
    return 0


__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "READY_PREFIX", "check_host", "console_command", "free_port", "main",
           "make_server", "take_token"]
