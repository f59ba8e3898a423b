"""`sinch-console recordings list|download|delete`: the recordings screen's actions for scripts.

They reuse console.recordings (the screen's default window and date forms, `Downloader`, `delete_recordings`),
so file names, conflicts, words and audit lines are the TUI's; those modules load only when a recordings
command runs.

JSON shapes (stable; keys in the api's camelCase):

    recordings list      {"from", "to", "page", "pageSize", "recordings": [Recording.to_wire()]}
    recordings download  {"key", "state", "path", "text"}
    recordings delete    {"key", "deleted", "alreadyGone", "text"}
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from api import errors
from console.cli.context import NOT_FOUND, OK, OTHER, REFUSED, USAGE, CliError, Context, code_for_error, finish
from console.cli.output import table


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
    return finish(ctx, item.state is State.DONE, data, text)


async def recordings_delete(ctx: Context) -> int:
    from api.models import Recording
    from console.recordings.deletes import delete_recordings

    outcome = (await delete_recordings(ctx.session.gateway, [Recording(key=ctx.args.key)]))[0]
    text = f"{outcome.key}: {outcome.text}" if outcome.already else outcome.text
    data = {"key": outcome.key, "deleted": outcome.gone and not outcome.already, "alreadyGone": outcome.already,
            "text": text}
    if outcome.already:
        ctx.printer.problem(text)
        return NOT_FOUND
    return finish(ctx, outcome.gone, data, text, refused=ctx.session.gateway.refuses("delete_recording"))
