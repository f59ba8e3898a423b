"""`sinch-console SUBCOMMAND ...`: the headless command line twin of the console, for scripts.

    sinch-console [--profile NAME] [--config PATH] [--sandbox] [--read-only] [--region R] [--json] SUBCOMMAND ...

    conference show ROOM                      who is in a room
    conference mute|unmute ROOM CALLID        mute or unmute one participant
    conference kick ROOM CALLID --yes         kick one participant
    conference kick-all ROOM --yes            everyone out (ends the conference)
    callout tts NUMBER --text T [--locale L] [--cli N]
    callout conference NUMBER --room ROOM [--cli N]
    call show CALLID                          a call's result
    recordings list [--from F] [--to T] [--page N] [--page-size N]
    recordings download KEY [--to DIR] [--overwrite]
    recordings delete KEY --yes
    numbers list                              the account's numbers
    callbacks show                            this application's callback URLs
    callbacks set --primary URL [--fallback URL] --yes
    number query NUMBER                       country, type and rate of a number
    serve [--host H] [--port P]               the full console in a browser (textual-serve; console.serve)

Everything goes through `api/` and the console's own actions (console.rooms.Moderator,
console.callouts.CalloutSender, console.recordings, console.numbers), so the words, the checks and the audit
log (same file and profile names as the TUI, `NAME@sandbox` on the sandbox) are the TUI's. Textual is never
imported on this path.

Output: aligned plain-text tables on a terminal; JSON when stdout is not a terminal or with `--json`.

Exit codes:

    0  ok
    1  anything else: network, 5xx, a value the checks refuse (a bad number, date or URL), a failed action
       (the reason in words on stderr)
    2  usage: bad arguments, a bad config or profile
    3  not found (40400): unknown room, call or recording
    4  authentication or permission refused (401 / 403)
    5  refused: a destructive command without --yes (kick, kick-all, recordings delete, callbacks set),
       a read-only profile, a callout to a number query number calls restricted, or a download that would
       replace a file without --overwrite
    6  unknown outcome: a callout was sent but no answer came, so it may have been placed; check before
       sending again (JSON on stdout carries its "correlationId", the tag in the callout's `custom`)

This package's `__init__` stays light: `console.__main__` imports it to tell a subcommand from the TUI's flags;
the commands themselves load only when a subcommand is given.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

SUBCOMMANDS = ("conference", "callout", "call", "recordings", "numbers", "callbacks", "number", "serve")
_VALUE_FLAGS = frozenset({"--profile", "--config", "--room", "--region", "--poll-interval", "--seed"})


def _subcommand_index(argv: Sequence[str]) -> int | None:
    """Where the first positional word (the subcommand) is in `argv`, skipping the global flags' values."""
    skip = False
    for index, arg in enumerate(argv):
        if skip:
            skip = False
            continue
        if arg == "--":
            return None
        if arg.startswith("-"):
            skip = arg in _VALUE_FLAGS
            continue
        return index
    return None


def wants_cli(argv: Sequence[str]) -> bool:
    """True when `argv` names a subcommand (or any positional word: the TUI takes none, so argparse's usage
    error then comes from the CLI, which lists the subcommands)."""
    return _subcommand_index(argv) is not None


def main(argv: Sequence[str] | None = None, **options: Any) -> int:
    """Run one subcommand; returns the exit code. `options` go to console.cli.run.main (tests inject a backend).
    `serve` is no headless command: it goes to console.serve with the global flags for the console it serves."""
    args = list(argv) if argv is not None else sys.argv[1:]
    index = _subcommand_index(args)
    if index is not None and args[index] == "serve":
        from console.serve import main as serve_main

        return serve_main(args[:index] + args[index + 1:])
    from console.cli.run import main as run_main

    return run_main(argv, **options)


__all__ = ["SUBCOMMANDS", "main", "wants_cli"]
