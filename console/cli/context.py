"""What every subcommand handler shares: the exit codes, `CliError`, the `Context` a handler gets, and the
mapping from a failure (an api error, or an outcome's errorCode and words) to its exit code.

Its own module so the handlers (console.cli.conference, .calls, .recordings, .configuration) and the runner
(console.cli.run) use one definition without importing each other. The codes are documented in console.cli's
docstring and in the parser's epilog (console.cli.parser).
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from api import errors
from console.cli.output import Printer
from console.session import Session

if TYPE_CHECKING:
    from api import SinchVoiceClient

OK, OTHER, USAGE, NOT_FOUND, AUTH, REFUSED, UNKNOWN = 0, 1, 2, 3, 4, 5, 6


class CliError(Exception):
    """A failure in words with its exit code."""

    def __init__(self, words: str, code: int = OTHER) -> None:
        super().__init__(words)
        self.words = words
        self.code = code


@dataclass
class Context:
    args: argparse.Namespace
    session: Session
    printer: Printer

    @property
    def client(self) -> SinchVoiceClient:
        return self.session.backend.client


Handler = Callable[[Context], Awaitable[int]]


def code_for_error(error: BaseException) -> int:
    if isinstance(error, errors.OutcomeUnknownError):
        return UNKNOWN
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


def finish(ctx: Context, ok: bool, data: dict[str, Any], text: str, *, refused: bool = False,
           error_code: int | None = None, unknown: bool = False) -> int:
    """Print an action's outcome: `data`/`text` on stdout when it worked (exit 0), else its words on stderr
    and the exit code they map to (5 when the console refused it, 6 when it was sent and never answered: then
    `data` goes to stdout too, so a script learns the callout's correlation tag)."""
    if ok:
        ctx.printer.result(data, text)
        return OK
    ctx.printer.problem(text)
    if unknown:
        ctx.printer.result(data, f"correlation tag {data.get('correlationId')}")
        return UNKNOWN
    return REFUSED if refused else code_for(error_code, text)
