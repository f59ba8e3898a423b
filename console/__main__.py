"""`sinch-console`: start the console on Sinch (credentials from a profile or the environment) or the sandbox."""

from __future__ import annotations

import sys
from functools import partial
from typing import TYPE_CHECKING

from console.flags import parse_args
from console.sandbox_process import SandboxProcess

if TYPE_CHECKING:
    from console.app import SinchConsole


def build_app(argv: list[str] | None = None) -> SinchConsole:
    """The configured app; SystemExit(2) with the reason for a bad config, profile or flag."""
    args = parse_args(argv)
    # Only now the configuration (pydantic and the wire models it validates with, ~0.5 s): `--help` and a bad flag
    # are answered without it.
    from console.config import ConfigError, resolve_settings

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
    # Spawn the sandbox before importing the API client (httpx) and Textual: its start-up then overlaps ours on
    # the other core, and a bad flag or profile is reported without loading either.
    sandbox = SandboxProcess(scenario="demo", seed=args.seed) if resolved.uses_sandbox else None
    from console.app import SinchConsole
    from console.backend import connect

    return SinchConsole(partial(connect, resolved, sandbox, args.seed), resolved, overrides=overrides)


def main(argv: list[str] | None = None) -> int:
    from console.cli import wants_cli  # a light module: the subcommands themselves load only when named

    args = sys.argv[1:] if argv is None else argv
    if wants_cli(args):
        from console.cli import main as cli_main

        return cli_main(args)
    app = build_app(argv)
    from console import memory

    memory.manage()  # this process holds the console for hours: the collector set for it (console/memory.py)
    app.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
