"""The argparse tree of `sinch-console SUBCOMMAND`: groups, commands, their flags and the handler each runs.

argparse rather than click/typer: two levels of subcommands and a dozen flags fit it, and it adds no
dependency and no import time to the TUI's entry point. Global options are accepted before the subcommand
(as in the TUI) and after it (`... conference show standup --json`).

Its own module so the tree reads in one place, apart from running a command (console.cli.run) and from the
handlers (console.cli.conference, .calls, .recordings, .configuration).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from console.cli.calls import call_show, callout_conference, callout_tts
from console.cli.conference import conference_action, conference_kick_all, conference_show
from console.cli.configuration import callbacks_set, callbacks_show, number_query, numbers_list
from console.cli.context import Handler
from console.cli.recordings import recordings_delete, recordings_download, recordings_list
from console.config import REGIONS

EPILOG = """\
exit codes:
  0  ok
  1  anything else: network, 5xx, a value the console's checks refuse, a failed action (words on stderr)
  2  usage: bad arguments, a bad config file or profile
  3  not found (40400): unknown room, call or recording
  4  credentials or permission refused (401 / 403)
  5  refused: a destructive command without --yes (kick, kick-all, recordings delete, callbacks set),
     a read-only profile, a callout to a restricted number, or a download that would replace a file
     without --overwrite
  6  unknown: a callout was sent but no answer came: it may have been placed, so check (call show, or
     the callbacks tagged with its correlationId) before sending it again

output: a table on a terminal; JSON when stdout is not a terminal or with --json.

--sandbox (or no credentials) starts the built-in sandbox (its demo scenario) for this one command: its
state lives only as long as the command, so a kick or a delete is forgotten at once. Handy to try the
commands: sinch-console --sandbox conference show standup
Actions are written to the console's audit log, as the TUI does (profile NAME, or NAME@sandbox).
"""

# The (group, command) pairs that change things for good: refused (exit 5, nothing sent) without --yes.
NEEDS_YES = {("conference", "kick"), ("conference", "kick-all"), ("recordings", "delete"), ("callbacks", "set")}


def _global_options(parser: argparse.ArgumentParser, *, default: Any) -> None:
    """The TUI's flags plus --json. On subparsers they default to SUPPRESS, so a flag given before the
    subcommand is not reset by the subparser."""
    def d(value: Any) -> Any:
        return value if default is None else default

    parser.add_argument("--profile", default=d(None), help="profile from the config file")
    parser.add_argument("--config", type=Path, default=d(None), metavar="PATH", help="config file")
    parser.add_argument("--sandbox", action="store_true", default=d(False),
                        help="run on a sandbox started for this command only (its state ends with it)")
    parser.add_argument("--read-only", action="store_true", default=d(False),
                        help="look, never change (changes exit with 5)")
    parser.add_argument("--region", choices=REGIONS, default=d(None), help="traffic region")
    parser.add_argument("--seed", type=int, default=d(None), help="seed of the sandbox's demo scenario")
    parser.add_argument("--json", action="store_true", default=d(False),
                        help="JSON output (the default when stdout is not a terminal)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sinch-console",
        description="Sinch voice from scripts: the console's actions without its screens. "
                    "Run without a subcommand for the full-screen console.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    _global_options(parser, default=None)
    groups = parser.add_subparsers(dest="group", metavar="SUBCOMMAND", required=True)

    def group(name: str, help_text: str) -> argparse._SubParsersAction[argparse.ArgumentParser]:
        sub = groups.add_parser(name, help=help_text, description=help_text, epilog=EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
        return sub.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def leaf(commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str, help_text: str,
             handler: Handler) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text, epilog=EPILOG,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
        _global_options(sub, default=argparse.SUPPRESS)
        sub.set_defaults(handler=handler)
        return sub

    def yes(sub: argparse.ArgumentParser, what: str) -> None:
        sub.add_argument("--yes", action="store_true", help=f"really {what} (without it: exit 5, nothing sent)")

    conference = group("conference", "look at and moderate a conference")
    leaf(conference, "show", "who is in the room", conference_show).add_argument("room")
    for name, verb in (("mute", "mute"), ("unmute", "unmute"), ("kick", "kick (needs --yes)")):
        sub = leaf(conference, name, f"{verb} one participant", conference_action)
        sub.add_argument("room")
        sub.add_argument("call_id", metavar="CALLID")
        if name == "kick":
            yes(sub, "kick them")
    sub = leaf(conference, "kick-all", "everyone out, which ends the conference (needs --yes)", conference_kick_all)
    sub.add_argument("room")
    yes(sub, "kick everyone")

    callout = group("callout", "place a callout (it rings a real phone on the platform)")
    sub = leaf(callout, "tts", "call NUMBER and speak a text", callout_tts)
    sub.add_argument("number")
    sub.add_argument("--text", required=True, help="what to say")
    sub.add_argument("--locale", default="en-US", help="voice locale (default en-US)")
    sub.add_argument("--cli", default="", metavar="NUMBER", help="caller id shown to the callee")
    sub = leaf(callout, "conference", "call NUMBER into a conference room", callout_conference)
    sub.add_argument("number")
    sub.add_argument("--room", required=True, help="conference id to join")
    sub.add_argument("--cli", default="", metavar="NUMBER", help="caller id shown to the callee")

    call = group("call", "look at a call")
    leaf(call, "show", "a call's state and result", call_show).add_argument("call_id", metavar="CALLID")

    recordings = group("recordings", "list, download and delete recordings")
    sub = leaf(recordings, "list", "recordings created in a window (default: the recordings screen's)",
               recordings_list)
    sub.add_argument("--from", dest="start", metavar="WHEN", help="2026-11-20, '2026-11-20 14:30', today, "
                     "--from=-7d (with '=': a leading '-' reads as an option)")
    sub.add_argument("--to", dest="end", metavar="WHEN", help="same forms; a bare date means its end (default now)")
    sub.add_argument("--page", type=int, default=1)
    sub.add_argument("--page-size", type=int, default=50)
    sub = leaf(recordings, "download", "download one recording", recordings_download)
    sub.add_argument("key")
    sub.add_argument("--to", dest="folder", type=Path, metavar="DIR",
                     help="folder (default: the profile's download folder)")
    sub.add_argument("--overwrite", action="store_true", help="replace a file of the same name")
    sub = leaf(recordings, "delete", "delete one recording for good (needs --yes)", recordings_delete)
    sub.add_argument("key")
    yes(sub, "delete it")

    numbers = group("numbers", "the account's numbers")
    leaf(numbers, "list", "numbers and the application each is assigned to", numbers_list)

    callbacks = group("callbacks", "this application's callback URLs")
    leaf(callbacks, "show", "the URLs stored now", callbacks_show)
    sub = leaf(callbacks, "set", "replace the URLs (needs --yes)", callbacks_set)
    sub.add_argument("--primary", required=True, metavar="URL")
    sub.add_argument("--fallback", default="", metavar="URL")
    yes(sub, "replace them")

    number = group("number", "one phone number")
    leaf(number, "query", "country, type and rate of NUMBER", number_query).add_argument("number")
    return parser
