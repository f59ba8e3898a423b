"""Running one subcommand: `main()` parses (console.cli.parser), connects (spawning the sandbox when needed),
opens the console's session, runs the chosen handler, closes, and maps what went wrong to an exit code
(documented in console.cli's docstring).

The handlers live by area, each with the JSON shapes it prints: console.cli.conference (conference show, mute,
unmute, kick, kick-all), console.cli.calls (callout tts|conference, call show), console.cli.recordings
(list, download, delete) and console.cli.configuration (numbers list, callbacks show|set, number query).
Each reuses the console's own logic: `Moderator` for conference actions, `CalloutSender` + `callouts.check`
for callouts, `recordings.Downloader` and `delete_recordings` for recordings, `numbers.save_callbacks`,
`check_callbacks` and `look_up` for numbers. What they share (exit codes, `CliError`, `Context`) is in
console.cli.context; this module re-exports those names and the handlers so `console.cli.run.X` keeps working.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from api import errors
from console.backend import Backend, connect
from console.cli.calls import call_show, callout_conference, callout_tts
from console.cli.conference import conference_action, conference_kick_all, conference_show
from console.cli.configuration import callbacks_set, callbacks_show, number_query, numbers_list
from console.cli.context import (
    AUTH,
    NOT_FOUND,
    OK,
    OTHER,
    REFUSED,
    UNKNOWN,
    USAGE,
    CliError,
    Context,
    Handler,
    code_for,
    code_for_error,
)
from console.cli.output import Printer
from console.cli.parser import EPILOG, NEEDS_YES, build_parser
from console.cli.recordings import recordings_delete, recordings_download, recordings_list
from console.config import ConfigError, Resolved, resolve_settings
from console.rooms.wording import PARTICIPANT, RECORDING, ROOM, describe_error
from console.session import open_session

BackendFactory = Callable[[Resolved], Backend]


def main(argv: Sequence[str] | None = None, *, backend_factory: BackendFactory | None = None,
         folder: Path | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Parse, connect (spawning the sandbox when needed), run one handler, close; returns the exit code.

    `backend_factory(resolved)` replaces `console.backend.connect` (tests: an in-process sandbox, or a client
    with a wrong secret); `folder` replaces the data folder (audit log, attendance), as open_session's does.
    """
    printer = Printer(stdout or sys.stdout, stderr or sys.stderr)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse: --help (0) or a usage error (2), already printed
        return stop.code if isinstance(stop.code, int) else USAGE
    printer.force_json = args.json
    if (args.group, args.command) in NEEDS_YES and not args.yes:
        printer.problem(f"{args.group} {args.command} changes things for good: refused without --yes "
                        "(nothing was sent)")
        return REFUSED
    try:
        resolved = resolve_settings(args.config, args.profile, sandbox=args.sandbox, read_only=args.read_only,
                                    region=args.region)
    except ConfigError as error:
        printer.problem(str(error))
        return USAGE
    for warning in resolved.warnings:
        printer.problem(warning)
    factory = backend_factory or (lambda resolved: connect(resolved, None, args.seed))
    try:
        backend = factory(resolved)
    except Exception as error:  # the sandbox did not start, a bad base URL, ...
        printer.problem(f"could not connect: {error}")
        return OTHER
    try:
        return asyncio.run(_run(args, resolved, backend, printer, folder))
    except KeyboardInterrupt:
        printer.problem("interrupted")
        return 130


async def _run(args: argparse.Namespace, resolved: Resolved, backend: Backend, printer: Printer,
               folder: Path | None) -> int:
    try:
        session = await asyncio.to_thread(open_session, resolved, backend, folder=folder, on_problem=printer.problem)
        return await args.handler(Context(args, session, printer))
    except CliError as error:
        printer.problem(error.words)
        return error.code
    except errors.SinchError as error:
        printer.problem(describe_error(error, subject=_subject(args)))
        return code_for_error(error)
    except Exception as error:  # never a traceback: the words and exit 1
        printer.problem(f"unexpected error: {type(error).__name__}: {error}")
        return OTHER
    finally:
        try:
            await backend.close()
        except Exception as error:
            printer.problem(f"could not close cleanly: {error}")


def _subject(args: argparse.Namespace) -> str:
    if args.group == "recordings":
        return RECORDING
    if args.group == "conference" and args.command in ("show", "kick-all"):
        return ROOM
    return PARTICIPANT


__all__ = [
    "AUTH", "EPILOG", "NEEDS_YES", "NOT_FOUND", "OK", "OTHER", "REFUSED", "UNKNOWN", "USAGE",
    "BackendFactory", "CliError", "Context", "Handler",
    "build_parser", "call_show", "callbacks_set", "callbacks_show", "callout_conference", "callout_tts", "code_for",
    "code_for_error", "conference_action", "conference_kick_all", "conference_show", "main", "number_query",
    "numbers_list", "recordings_delete", "recordings_download", "recordings_list",
]
