"""The console's own flags (`sinch-console [--profile NAME] [--sandbox] ...`), parsed in one place.

Both entries read them: `console.__main__` when it starts the TUI, and `console.serve` when it checks the flags
of the console it will serve. Keeping the parser here, below both, is what keeps `__main__ -> cli -> serve`
from importing `__main__` back (an import-linter contract in pyproject.toml holds that).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from api.regions import REGIONS  # not console.config: --help and a bad flag need no pydantic


def build_parser() -> argparse.ArgumentParser:
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
    return parser


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The console's flags from `argv` (sys.argv when None); SystemExit(2) with argparse's usage for a bad one."""
    return build_parser().parse_args(argv)
