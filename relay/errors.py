"""Sinch-shaped error answers: `{"errorCode", "message", "reference"}`, like the platform's own.

The message is fixed per code and never says *why* a callback was refused (that stays in our log): telling a
forger which check failed helps them. The reference lets an operator find the log line.
"""

from __future__ import annotations

import uuid

from starlette.responses import JSONResponse

STATUS_FOR_CODE = {40001: 400, 40003: 400, 40108: 401, 40400: 404, 50000: 500, 50300: 503}
CLOSE = {"Connection": "close"}
"""For an answer given before the request was read to its end: the rest of it must not be taken as a request."""


def new_reference() -> str:
    return uuid.uuid4().hex[:16]


def error_response(code: int, message: str, *, status: int | None = None, reference: str | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"errorCode": code, "message": message, "reference": reference or new_reference()}
    return JSONResponse(body, status_code=status or STATUS_FOR_CODE.get(code, 500), headers=headers)
