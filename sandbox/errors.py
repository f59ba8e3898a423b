"""Sinch-shaped errors: `{"errorCode", "message", "reference"}` with the matching HTTP status."""

from __future__ import annotations

from starlette.responses import JSONResponse

STATUS_FOR_CODE = {40001: 400, 40002: 400, 40003: 400, 40108: 401, 40301: 403, 40400: 404, 50000: 500}


class SandboxError(Exception):
    """Raised anywhere in the engine or routes; turned into a Sinch error body at the edge."""

    def __init__(self, code: int, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or STATUS_FOR_CODE.get(code, 500)


def illegal(message: str) -> SandboxError:
    return SandboxError(40001, message)


def missing(message: str) -> SandboxError:
    return SandboxError(40002, message)


def invalid(message: str) -> SandboxError:
    return SandboxError(40003, message)


def not_found(message: str) -> SandboxError:
    return SandboxError(40400, message)


def error_body(code: int, message: str, reference: str) -> dict[str, object]:
    return {"errorCode": code, "message": message, "reference": reference}


def error_response(code: int, message: str, reference: str, *, status: int | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(code, message, reference), status_code=status or STATUS_FOR_CODE.get(code, 500),
                        headers=headers)
