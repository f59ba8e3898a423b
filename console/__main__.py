"""`sinch-console`: start the console on Sinch (credentials from a profile or the environment) or the sandbox."""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from console.backend import connect
from console.config import REGIONS, ConfigError, resolve_settings
from console.sandbox_process import SandboxProcess

if TYPE_CHECKING:
    from console.app import SinchConsole


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="sinch-console",
        description="Watch and moderate Sinch voice conferences from the terminal. Without an application key "
        "and secret (profile or SINCH_APPLICATION_KEY / SINCH_APPLICATION_SECRET) it runs on a built-in sandbox.",
        epilog="Scripts: sinch-console SUBCOMMAND ... runs headless (conference, callout, call, recordings, numbers, "
        "callbacks, number); see sinch-console conference --help. In a browser: sinch-console serve "
        "[--host 127.0.0.1] [--port 8000].",
    )
    parser.add_argument("--profile", help="profile from the config file (default: SINCH_PROFILE or the file's)")
    parser.add_argument("--config", type=Path, metavar="PATH", help="config file (default: the user config dir)")
    parser.add_argument("--sandbox", action="store_true", help="use the built-in sandbox even if credentials are set")
    parser.add_argument("--read-only", action="store_true", help="look, never change (refuses mute, kick, ...)")
    parser.add_argument("--room", action="append", default=None, metavar="ID", help="conference id to watch (repeat)")
    parser.add_argument("--region", choices=REGIONS, help="traffic region (default: the profile's or SINCH_REGION)")
    parser.add_argument("--poll-interval", type=float, metavar="SECONDS", help="seconds between polls (default 1)")
    parser.add_argument("--seed", type=int, help="seed for the sandbox's demo scenario (a repeatable demo)")
    return parser.parse_args(argv)


def build_app(argv: list[str] | None = None) -> SinchConsole:
    """The configured app; SystemExit(2) with the reason for a bad config, profile or flag."""
    args = parse_args(argv)
    overrides = {"sandbox": args.sandbox, "read_only": args.read_only, "rooms": args.room, "region": args.region,
                 "poll_interval": args.poll_interval}
    try:
        resolved = resolve_settings(args.config, args.profile, **overrides)
    except ConfigError as error:
        print(f"sinch-console: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    if args.config is not None and not args.config.exists():
        print(f"sinch-console: {args.config} does not exist: starting with an empty configuration", file=sys.stderr)
    for warning in resolved.warnings:
        print(f"sinch-console: {warning}", file=sys.stderr)
    # Spawn the sandbox before importing Textual: its start-up then overlaps ours on the other core.
    sandbox = SandboxProcess(scenario="demo", seed=args.seed) if resolved.uses_sandbox else None
    from console.app import SinchConsole  # Textual loads only once the arguments are known to be good

    return SinchConsole(partial(connect, resolved, sandbox, args.seed), resolved, overrides=overrides)


def main(argv: list[str] | None = None) -> int:
    from console.cli import wants_cli  # a light module: the subcommands themselves load only when named

    args = sys.argv[1:] if argv is None else argv
    if wants_cli(args):
        from console.cli import main as cli_main

        return cli_main(args)
    build_app(argv).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
