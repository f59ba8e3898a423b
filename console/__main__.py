"""`sinch-console`: start the console on Sinch (credentials from a profile or the environment) or the sandbox."""

from __future__ import annotations

import os
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.config.early import early_look
from console.config.paths import default_config_path
from console.flags import parse_args
from console.sandbox_process import SandboxProcess

if TYPE_CHECKING:
    from console.app import SinchConsole
    from console.backend import Backend
    from console.config import Resolved


def build_app(argv: list[str] | None = None) -> SinchConsole:
    """The app, ready to run; SystemExit(2) with argparse's words for a bad flag. A bad config file or profile
    ends the app (code 2, the reason on stderr) once it has read the settings, right after its first frame."""
    args = parse_args(argv)
    overrides = {"sandbox": args.sandbox, "read_only": args.read_only, "rooms": args.room, "region": args.region,
                 "poll_interval": args.poll_interval}
    config_path = args.config or default_config_path()
    look = early_look(config_path, os.environ, sandbox_flag=args.sandbox)
    # Spawn the sandbox before importing Textual when it is certain: its start-up then overlaps ours on the
    # other core (with credentials somewhere, the settings decide after the first frame).
    sandbox = SandboxProcess(scenario="demo", seed=args.seed) if look.sandbox_certain else None
    from console.app import SinchConsole

    return SinchConsole(partial(_connect, sandbox=sandbox, seed=args.seed),
                        partial(_resolve, args.config, args.profile, overrides), overrides=overrides, theme=look.theme)


def _resolve(config: Path | None, profile: str | None, overrides: dict[str, Any]) -> Resolved:
    """The settings (pydantic: in the app's connect thread, after the first frame); ConfigError ends the app."""
    import dataclasses  # here, not at the top: the sandbox is spawned before the modules it pulls in load

    from console.config import resolve_settings

    resolved = resolve_settings(config, profile, **overrides)
    if config is not None and not config.exists():
        notes = (f"{config} does not exist: starting with an empty configuration", *resolved.warnings)
        return dataclasses.replace(resolved, warnings=notes)
    return resolved


def _connect(resolved: Resolved, *, sandbox: SandboxProcess | None, seed: int | None) -> Backend:
    """The backend for `resolved`, on the sandbox spawned early when the settings chose it."""
    from console.backend import connect

    if sandbox is not None and not resolved.uses_sandbox:
        sandbox.stop()  # unreachable by `early_look`'s rule (no key anywhere), kept in case that rule changes
        sandbox = None
    return connect(resolved, sandbox, seed)


def main(argv: list[str] | None = None) -> int:
    from console.cli import wants_cli  # a light module: the subcommands themselves load only when named

    args = sys.argv[1:] if argv is None else argv
    if wants_cli(args):
        from console.cli import main as cli_main

        return cli_main(args)
    from console import memory

    # This process holds the console for hours: the collector set for it (console/memory.py), from before the
    # imports, which then run far fewer young collections.
    memory.manage()
    app = build_app(argv)
    app.run()
    if app.settings_error:  # printed once the screen is restored, whole (Textual's exit message would wrap it)
        print(f"sinch-console: {app.settings_error}", file=sys.stderr)
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
