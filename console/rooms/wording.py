"""One place that turns a failure into words a person understands, never a traceback.

The same 40400 means different things depending on what was asked: a participant command that gets it
means the person already left; a conference poll that gets it means the room is empty right now; a recording
that gets it was deleted (by someone else, or by the platform when it expired).
"""

from __future__ import annotations

from api import errors

PARTICIPANT = "participant"
ROOM = "room"
RECORDING = "recording"
_NOT_FOUND = {PARTICIPANT: "the participant already left", RECORDING: "the recording was already deleted"}


def describe_error(error: BaseException, *, subject: str = PARTICIPANT) -> str:
    """"Not found (40400): the participant already left", "Service unavailable (50000)", ..."""
    if isinstance(error, errors.NotFoundError):
        code = error.error_code or 40400
        why = _NOT_FOUND.get(subject, "no participants right now")
        return f"Not found ({code}): {why}"
    if isinstance(error, errors.RateLimitError):
        later = f", retry in {error.retry_after:g} s" if error.retry_after else ""
        return f"Too many requests ({error.error_code or 429}): the platform asked to slow down{later}"
    if isinstance(error, errors.AuthenticationError):
        return f"Credentials refused ({error.error_code or 401}): check the application key and secret"
    if isinstance(error, errors.PermissionDeniedError):
        return f"Not allowed ({error.error_code or 403}): this application may not do that"
    if isinstance(error, errors.APIError):
        return str(error)  # "<platform message> (<errorCode or HTTP status>)"
    if isinstance(error, errors.APITimeoutError):
        return "No answer in time: the platform did not respond"
    if isinstance(error, errors.APIConnectionError):
        return f"No connection to the platform: {error}"
    if isinstance(error, errors.InvalidArgumentError):
        return f"Not sent: {error}"
    if isinstance(error, errors.ResponseValidationError):
        return f"Unexpected answer from the platform: {error}"
    return f"Unexpected error: {type(error).__name__}: {error}"


def error_code(error: BaseException) -> int | None:
    """The Sinch errorCode (or HTTP status) of an API error, for the audit log and bulk reports."""
    if isinstance(error, errors.APIError):
        return error.error_code or error.status
    return None
