"""`sinch-console callout tts|conference` and `call show`: place a callout, look at a call.

Callouts go through the console's own `callouts.check`, `CalloutSender` and the session's gateway (same
checks, restricted-number refusal, words and audit lines as the TUI's callout screen); console.callouts loads
only when a callout is asked for.

JSON shapes (stable; keys in the api's camelCase):

    callout tts|conf.    {"ok", "status", "callId", "correlationId", "kind", "destination", "room", "text"}

A callout sent without an answer exits 6 ("status": "unknown", "callId": null): it may have been placed, so a
script must not send it again blindly; "correlationId" (also in the callout's `custom`) finds the call later.
    call show            CallResult.to_wire()
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from api import errors
from console.cli.context import NOT_FOUND, OK, OTHER, CliError, Context, finish
from console.cli.output import pairs

if TYPE_CHECKING:
    from console.callouts import Form


async def _callout(ctx: Context, form: Form) -> int:
    from console.callouts import CalloutSender, check

    checked = check(form)
    if checked.plan is None:
        raise CliError("not sent: " + "; ".join(checked.problems.values()), OTHER)
    sender = CalloutSender(ctx.session.gateway)
    outcome = await sender.send(checked.plan)
    plan = outcome.plan
    data = {"ok": outcome.ok, "status": outcome.status, "callId": outcome.call_id,
            "correlationId": outcome.correlation_id, "kind": plan.kind, "destination": plan.destination,
            "room": plan.conference_id, "text": outcome.text}
    return finish(ctx, outcome.ok, data, outcome.text, refused=outcome.status == "refused",
                  error_code=outcome.error_code, unknown=outcome.unknown)


async def callout_tts(ctx: Context) -> int:
    from console.callouts import TtsForm

    args = ctx.args
    return await _callout(ctx, TtsForm(destination=args.number, text=args.text, locale=args.locale, cli=args.cli))


async def callout_conference(ctx: Context) -> int:
    from console.callouts import ConferenceForm

    args = ctx.args
    return await _callout(ctx, ConferenceForm(destination=args.number, conference_id=args.room, cli=args.cli))


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
