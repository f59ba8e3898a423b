"""`sinch-console numbers list`, `callbacks show|set` and `number query`: the account's numbers and this
application's setup, as the numbers screen shows and edits them.

They reuse console.numbers (`number_rows`, `check_callbacks`, `save_callbacks`, `look_up`), so the checks,
words and audit lines are the TUI's; it loads only when one of these commands runs.

JSON shapes (stable; keys in the api's camelCase):

    numbers list         {"applicationKey", "numbers": [NumberItem.to_wire() + "assignment"]}
    callbacks show       {"primary", "fallback"} (null when not set)
    callbacks set        {"ok", "text", "stored": {"primary", "fallback"}}
    number query         {"typed", "number", "numberItem": NumberInfo.to_wire()}
"""

from __future__ import annotations

from typing import Any

from console.cli.context import OK, OTHER, CliError, Context, code_for, finish
from console.cli.output import pairs, table


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
    """The URLs as shown everywhere else: a password inside one is masked (JSON ends up in CI logs)."""
    from console.numbers import shown_url

    return {name: shown_url(value) if value else None
            for name, value in (("primary", urls.primary), ("fallback", urls.fallback))}


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
    outcome = await save_callbacks(ctx.session.gateway, old, checked.urls)
    data = {"ok": outcome.ok, "text": outcome.text, "stored": _urls(outcome.stored) if outcome.stored else None}
    return finish(ctx, outcome.ok, data, outcome.text, refused=ctx.session.gateway.refuses("update_callbacks"),
                  error_code=outcome.error_code)


async def number_query(ctx: Context) -> int:
    from console.numbers import look_up

    lookup = await look_up(ctx.client, ctx.args.number)
    if lookup.info is None:
        raise CliError(lookup.error or "no answer", code_for(None, lookup.error or ""))
    data = {"typed": lookup.typed, "number": lookup.number, "numberItem": lookup.info.to_wire()}
    ctx.printer.result(data, pairs([("Number", lookup.number), *lookup.rows()]))
    return OK
