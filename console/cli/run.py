"""The subcommands: argparse, one async handler each, exit codes (documented in console.cli's docstring).

argparse rather than click/typer: two levels of subcommands and a dozen flags fit it, and it adds no
dependency and no import time to the TUI's entry point. Global options are accepted before the subcommand
(as in the TUI) and after it (`... conference show standup --json`).

Each handler reuses the console's own logic: `Moderator` for conference actions (polled first, so outcomes
and audit lines name the person), `CalloutSender` + `callouts.check` for callouts, `recordings.Downloader` and
`delete_recordings` for recordings, `numbers.save_callbacks`, `check_callbacks` and `look_up` for numbers.

JSON shapes (stable; keys in the api's camelCase):

    conference show      {"conferenceId", "participants": [Participant.to_wire(): {"id", "cli", "duration",
                          "muted", "onhold"?}]}
    conference mute/...  {"ok", "action", "room", "callId", "cli", "text"}
    callout tts|conf.    {"ok", "status", "callId", "kind", "destination", "room", "text"}
    call show            CallResult.to_wire()
    recordings list      {"from", "to", "page", "pageSize", "recordings": [Recording.to_wire()]}
    recordings download  {"key", "state", "path", "text"}
    recordings delete    {"key", "deleted", "alreadyGone", "text"}
    numbers list         {"applicationKey", "numbers": [NumberItem.to_wire() + "assignment"]}
    callbacks show       {"primary", "fallback"} (null when not set)
    callbacks set        {"ok", "text", "stored": {"primary", "fallback"}}
    number query         {"typed", "number", "numberItem": NumberInfo.to_wire()}
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from api import errors
from console.backend import Backend, connect
from console.cli.output import Printer, pairs, table
from console.config import REGIONS, ConfigError, Resolved, resolve_settings
from console.rooms.wording import PARTICIPANT, RECORDING, ROOM, describe_error
from console.session import Session, open_session

OK, OTHER, USAGE, NOT_FOUND, AUTH, REFUSED = 0, 1, 2, 3, 4, 5

EPILOG = """\
exit codes:
  0  ok
  1  anything else: network, 5xx, a value the console's checks refuse, a failed action (words on stderr)
  2  usage: bad arguments, a bad config file or profile
  3  not found (40400): unknown room, call or recording
  4  credentials or permission refused (401 / 403)
  5  refused: a destructive command without --yes (kick, kick-all, recordings delete, callbacks set),
     a read-only profile, or a download that would replace a file without --overwrite

output: a table on a terminal; JSON when stdout is not a terminal or with --json.

--sandbox (or no credentials) starts the built-in sandbox (its demo scenario) for this one command: its
state lives only as long as the command, so a kick or a delete is forgotten at once. Handy to try the
commands: sinch-console --sandbox conference show standup
Actions are written to the console's audit log, as the TUI does (profile NAME, or NAME@sandbox).
"""

BackendFactory = Callable[[Resolved], Backend]


class CliError(Exception):
    """A failure in words with its exit code."""

    def __init__(self, words: str, code: int = OTHER) -> None:
        super().__init__(words)
        self.words = words
        self.code = code


# ---- the parser ------------------------------------------------------------------------------------------


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
    sub.add_argument("--from", dest="start", metavar="WHEN", help="2026-11-20, '2026-11-20 14:30', today, -7d, ...")
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


# ---- running ---------------------------------------------------------------------------------------------


@dataclass
class Context:
    args: argparse.Namespace
    session: Session
    printer: Printer

    @property
    def client(self) -> Any:
        return self.session.backend.client


Handler = Callable[[Context], Awaitable[int]]
NEEDS_YES = {("conference", "kick"), ("conference", "kick-all"), ("recordings", "delete"), ("callbacks", "set")}


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


def code_for_error(error: BaseException) -> int:
    if isinstance(error, errors.NotFoundError):
        return NOT_FOUND
    if isinstance(error, errors.AuthenticationError | errors.PermissionDeniedError):
        return AUTH
    return OTHER


def code_for(error_code: int | None, words: str = "") -> int:
    """The exit code of a worded failure: from its Sinch errorCode (or HTTP status), else from its words."""
    if error_code is not None:
        if error_code == 404 or 40400 <= error_code < 40500:
            return NOT_FOUND
        if error_code in (401, 403) or 40100 <= error_code < 40200 or 40300 <= error_code < 40400:
            return AUTH
        return OTHER
    if "Not found (" in words:
        return NOT_FOUND
    if "Credentials refused (" in words or "Not allowed (" in words:
        return AUTH
    return OTHER


def _finish(ctx: Context, ok: bool, data: dict[str, Any], text: str, *, refused: bool = False,
            error_code: int | None = None) -> int:
    if ok:
        ctx.printer.result(data, text)
        return OK
    ctx.printer.problem(text)
    return REFUSED if refused else code_for(error_code, text)


# ---- conference ------------------------------------------------------------------------------------------


async def conference_show(ctx: Context) -> int:
    room = ctx.args.room
    try:
        conference = await ctx.client.conferences.get(room)
    except errors.NotFoundError as error:
        raise CliError(f"{room}: {describe_error(error, subject=ROOM)}", NOT_FOUND) from None
    people = conference.participants
    data = {"conferenceId": room, "participants": [p.to_wire() for p in people]}
    name = ctx.session.moderator.name
    rows = [(p.call_id, name(p.cli, p.call_id), "yes" if p.muted else "no", "yes" if p.on_hold else "no",
             _duration(p.duration)) for p in people]
    heading = f"{room}: {len(people)} participant{'' if len(people) == 1 else 's'}"
    ctx.printer.result(data, heading + "\n" + table(("call id", "who", "muted", "on hold", "in call"), rows))
    return OK


def _duration(seconds: int) -> str:
    minutes, second = divmod(max(0, int(seconds)), 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours}:{minute:02d}:{second:02d}" if hours else f"{minute}:{second:02d}"


async def conference_action(ctx: Context) -> int:
    moderator, room, call_id = ctx.session.moderator, ctx.args.room, ctx.args.call_id
    await moderator.poll(room)  # who they are: the outcome and the audit line name them
    act = {"mute": moderator.mute, "unmute": moderator.unmute, "kick": moderator.kick}[ctx.args.command]
    outcome = await act(room, call_id)
    data = {"ok": outcome.ok, "action": outcome.action, "room": room, "callId": call_id, "cli": outcome.cli or None,
            "text": outcome.text}
    return _finish(ctx, outcome.ok, data, outcome.text, refused=outcome.refused, error_code=outcome.code)


async def conference_kick_all(ctx: Context) -> int:
    moderator, room = ctx.session.moderator, ctx.args.room
    await moderator.poll(room)
    outcome = await moderator.kick_all(room)
    data = {"ok": outcome.ok, "action": outcome.action, "room": room, "callId": None, "cli": None,
            "text": outcome.text}
    return _finish(ctx, outcome.ok, data, outcome.text, refused=outcome.refused, error_code=outcome.code)


# ---- callouts --------------------------------------------------------------------------------------------


async def _callout(ctx: Context, form: Any) -> int:
    from console.callouts import CalloutSender, check

    checked = check(form)
    if checked.plan is None:
        raise CliError("not sent: " + "; ".join(checked.problems.values()), OTHER)
    sender = CalloutSender(ctx.client, ctx.session.audit, read_only=ctx.session.read_only)
    outcome = await sender.send(checked.plan)
    plan = outcome.plan
    data = {"ok": outcome.ok, "status": outcome.status, "callId": outcome.call_id, "kind": plan.kind,
            "destination": plan.destination, "room": plan.conference_id, "text": outcome.text}
    return _finish(ctx, outcome.ok, data, outcome.text, refused=outcome.status == "refused",
                   error_code=outcome.error_code)


async def callout_tts(ctx: Context) -> int:
    from console.callouts import TtsForm

    args = ctx.args
    return await _callout(ctx, TtsForm(destination=args.number, text=args.text, locale=args.locale, cli=args.cli))


async def callout_conference(ctx: Context) -> int:
    from console.callouts import ConferenceForm

    args = ctx.args
    return await _callout(ctx, ConferenceForm(destination=args.number, conference_id=args.room, cli=args.cli))


# ---- calls -----------------------------------------------------------------------------------------------


async def call_show(ctx: Context) -> int:
    call_id = ctx.args.call_id
    try:
        result = await ctx.client.calls.get(call_id)
    except errors.NotFoundError as error:
        raise CliError(f"call {call_id}: Not found ({error.error_code or 40400}): the platform does not know "
                       "this call", NOT_FOUND) from None
    data = result.to_wire()
    rows = [(key, _flat(value)) for key, value in data.items()]
    ctx.printer.result(data, pairs(rows))
    return OK


def _flat(value: Any) -> str:
    if isinstance(value, dict):
        return " ".join(str(v) for v in value.values())
    return str(value)


# ---- recordings ------------------------------------------------------------------------------------------


async def recordings_list(ctx: Context) -> int:
    from console.recordings.listing import call_id_of, human_size, size_of
    from console.recordings.range import RangeError, default_range, parse_range
    from console.recordings.wording import describe_list_error

    args, now = ctx.args, datetime.now(UTC)
    if args.page < 1 or args.page_size < 1:
        raise CliError("--page and --page-size must be 1 or more", USAGE)
    try:
        window = (default_range(now) if args.start is None and args.end is None
                  else parse_range(args.start or "-7d", args.end or "now", now))
    except RangeError as error:
        raise CliError(str(error), OTHER) from None
    try:
        found = await ctx.client.recordings.list(window.start, window.end, args.page, args.page_size)
    except errors.SinchError as error:
        raise CliError(describe_list_error(error), code_for_error(error)) from None
    data = {"from": window.start.isoformat(), "to": window.end.isoformat(), "page": args.page,
            "pageSize": args.page_size, "recordings": [r.to_wire() for r in found]}
    rows = [(r.key, call_id_of(r), _when(r.created_on), _when(r.expires_on), human_size(size_of(r))) for r in found]
    heading = (f"{len(found)} recording{'' if len(found) == 1 else 's'} from {_when(window.start)} "
               f"to {_when(window.end)} (page {args.page})")
    ctx.printer.result(data, heading + "\n" + table(("key", "call id", "created", "expires", "size"), rows))
    return OK


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if moment else ""


async def recordings_download(ctx: Context) -> int:
    from api.models import Recording
    from console.recordings.downloads import Conflict, ConflictAnswer, Downloader, State

    args = ctx.args
    folder = args.folder or ctx.session.download_dir
    replaced: list[Path] = []

    async def ask(recording: Recording, taken: Path, left: int) -> ConflictAnswer | None:
        replaced.append(taken)
        return ConflictAnswer(Conflict.OVERWRITE) if args.overwrite else None

    downloader = Downloader(ctx.client, ctx.session.audit)
    try:
        planned = await downloader.plan([Recording(key=args.key)], folder, ask)
    except OSError as error:
        raise CliError(f"cannot use the folder {folder}: {error.strerror or error}", OTHER) from None
    if planned is None:
        raise CliError(f"not downloaded: {replaced[0]} exists; add --overwrite to replace it", REFUSED)
    await downloader.run(planned)
    item = planned[0]
    text = f"{item.key}: {item.describe()}" + (f" ({item.landed})" if item.landed else "")
    data = {"key": item.key, "state": item.state.value, "path": str(item.landed) if item.landed else None,
            "text": text}
    return _finish(ctx, item.state is State.DONE, data, text)


async def recordings_delete(ctx: Context) -> int:
    from api.models import Recording
    from console.recordings.deletes import delete_recordings

    read_only = ctx.session.read_only
    outcome = (await delete_recordings(ctx.client, [Recording(key=ctx.args.key)], ctx.session.audit,
                                       read_only=read_only))[0]
    text = f"{outcome.key}: {outcome.text}" if outcome.already else outcome.text
    data = {"key": outcome.key, "deleted": outcome.gone and not outcome.already, "alreadyGone": outcome.already,
            "text": text}
    if outcome.already:
        ctx.printer.problem(text)
        return NOT_FOUND
    return _finish(ctx, outcome.gone, data, text, refused=read_only)


# ---- numbers and callbacks -------------------------------------------------------------------------------


async def numbers_list(ctx: Context) -> int:
    from console.numbers import number_rows, summary

    this_app = ctx.client.application_key
    items = await ctx.client.numbers.list()
    rows = number_rows(items, this_app)
    by_number = {row.number: row for row in rows}
    data = {"applicationKey": this_app,
            "numbers": [{**item.to_wire(), "assignment": by_number[item.number].assignment} for item in items]}
    lines = [(row.number, row.formatted, row.country_text, row.capability, row.application) for row in rows]
    ctx.printer.result(data, summary(rows) + "\n" + table(("number", "formatted", "country", "capability",
                                                            "application"), lines))
    return OK


def _urls(urls: Any) -> dict[str, str | None]:
    return {"primary": urls.primary or None, "fallback": urls.fallback or None}


async def callbacks_show(ctx: Context) -> int:
    from console.numbers import shown_url

    urls = await ctx.client.callbacks.get()
    ctx.printer.result(_urls(urls), pairs([("primary", shown_url(urls.primary)),
                                           ("fallback", shown_url(urls.fallback))]))
    return OK


async def callbacks_set(ctx: Context) -> int:
    from console.numbers import check_callbacks, save_callbacks

    checked = check_callbacks(ctx.args.primary, ctx.args.fallback)
    if checked.urls is None:
        raise CliError("not saved: " + "; ".join(f"{k}: {v}" for k, v in checked.problems.items()), OTHER)
    for name, warning in checked.warnings.items():
        ctx.printer.problem(f"warning: {name}: {warning}")
    old = await ctx.client.callbacks.get()
    outcome = await save_callbacks(ctx.client, old, checked.urls, ctx.session.audit,
                                   read_only=ctx.session.read_only)
    data = {"ok": outcome.ok, "text": outcome.text, "stored": _urls(outcome.stored) if outcome.stored else None}
    return _finish(ctx, outcome.ok, data, outcome.text, refused=ctx.session.read_only,
                   error_code=outcome.error_code)


async def number_query(ctx: Context) -> int:
    from console.numbers import look_up

    lookup = await look_up(ctx.client, ctx.args.number)
    if lookup.info is None:
        raise CliError(lookup.error or "no answer", code_for(None, lookup.error or ""))
    data = {"typed": lookup.typed, "number": lookup.number, "numberItem": lookup.info.to_wire()}
    ctx.printer.result(data, pairs([("Number", lookup.number), *lookup.rows()]))
    return OK
