"""`sinch-console conference show|mute|unmute|kick|kick-all`: look at and moderate one conference room.

Actions go through the console's `Moderator`, polled first so the outcome and the audit line name the person,
exactly as in the TUI.

JSON shapes (stable; keys in the api's camelCase):

    conference show      {"conferenceId", "participants": [Participant.to_wire(): {"id", "cli", "duration",
                          "muted", "onhold"?}]}
    conference mute/...  {"ok", "action", "room", "callId", "cli", "text"}   (kick-all: callId and cli null)
"""

from __future__ import annotations

from api import errors
from api.models.display import clock
from console.cli.context import NOT_FOUND, OK, CliError, Context, finish
from console.cli.output import table
from console.rooms.wording import ROOM, describe_error


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
             clock(p.duration)) for p in people]
    heading = f"{room}: {len(people)} participant{'' if len(people) == 1 else 's'}"
    ctx.printer.result(data, heading + "\n" + table(("call id", "who", "muted", "on hold", "in call"), rows))
    return OK


async def conference_action(ctx: Context) -> int:
    moderator, room, call_id = ctx.session.moderator, ctx.args.room, ctx.args.call_id
    await moderator.poll(room)  # who they are: the outcome and the audit line name them
    act = {"mute": moderator.mute, "unmute": moderator.unmute, "kick": moderator.kick}[ctx.args.command]
    outcome = await act(room, call_id)
    data = {"ok": outcome.ok, "action": outcome.action, "room": room, "callId": call_id, "cli": outcome.cli or None,
            "text": outcome.text}
    return finish(ctx, outcome.ok, data, outcome.text, refused=outcome.refused, error_code=outcome.code)


async def conference_kick_all(ctx: Context) -> int:
    moderator, room = ctx.session.moderator, ctx.args.room
    await moderator.poll(room)
    outcome = await moderator.kick_all(room)
    data = {"ok": outcome.ok, "action": outcome.action, "room": room, "callId": None, "cli": None,
            "text": outcome.text}
    return finish(ctx, outcome.ok, data, outcome.text, refused=outcome.refused, error_code=outcome.code)
