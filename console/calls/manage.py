"""Manage call: the SVAML for each action the Calls mode offers, its preview, and sending it with an audit trail.

Builders raise ValueError with a sentence a person can act on (the dialog shows it); `manage` never raises:
it returns a `ManageOutcome` whose text says what happened ("Hung up +46 70 123 45 67", "Call is not ongoing
(40003): the call has already ended").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from api import errors
from api.models import LOCALES, MAX_TTS_CHARACTERS
from api.models.svaml import (
    Continue,
    Hangup,
    PlayFiles,
    RecordingOptions,
    Say,
    StartRecordingAction,
    StopRecordingAction,
    Svaml,
)
from console.gateway import Gateway
from console.rooms.wording import describe_error

if TYPE_CHECKING:
    from api import SinchVoiceClient

RECORDING_FORMATS = ("mp3", "wav")
ACTIONS = {
    "hangup": "call_hangup",
    "startRecording": "call_record_start",
    "stopRecording": "call_record_stop",
    "say": "call_say",
    "playFiles": "call_play",
}
"""Audit action names, by SVAML action or first instruction."""
VERBS = {"call_hangup": "Hang up", "call_record_start": "Start recording", "call_record_stop": "Stop recording",
         "call_say": "Say", "call_play": "Play files", "manage_call": "Steer"}
"""What a failure says was asked, so a notice names the action and the call it was about."""


def _check_locale(locale: str | None) -> str | None:
    locale = (locale or "").strip() or None
    if locale is not None and locale not in LOCALES:
        raise ValueError(f"unknown locale {locale!r}: use one Sinch supports, e.g. en-US, sv-SE, de-DE")
    return locale


def _then(hang_up: bool) -> Hangup | Continue:
    return Hangup() if hang_up else Continue()


def say_svaml(text: str, locale: str | None = "en-US", *, hang_up: bool = False) -> Svaml:
    """Speak `text` on the call, then carry on (or hang up)."""
    text = text.strip()
    if not text:
        raise ValueError("type the text to say")
    if len(text) > MAX_TTS_CHARACTERS:
        raise ValueError(f"the text is {len(text)} characters; at most {MAX_TTS_CHARACTERS} can be spoken")
    return Svaml(instructions=[Say(text=text, locale=_check_locale(locale))], action=_then(hang_up))


def parse_prompts(text: str) -> list[str]:
    """`welcome;#tts[Hello; world]` -> ["welcome", "#tts[Hello; world]"]: `;` or `,` separate prompts, except
    inside a `#tts[...]`."""
    prompts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        if ch == "[":
            depth += 1
        elif ch == "]" and depth:
            depth -= 1
        if ch in ";," and depth == 0:
            prompts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    prompts.append("".join(current).strip())
    return [prompt for prompt in prompts if prompt]


def play_svaml(prompts: str | list[str], locale: str | None = "en-US", *, hang_up: bool = False) -> Svaml:
    """Play recorded prompts (file ids) and `#tts[...]` prompts, then carry on (or hang up)."""
    ids = parse_prompts(prompts) if isinstance(prompts, str) else [p.strip() for p in prompts if p.strip()]
    if not ids:
        raise ValueError("give at least one prompt: a file id or #tts[text], separated by ;")
    for prompt in ids:
        if prompt.startswith("#tts[") and not prompt.endswith("]"):
            raise ValueError(f"{prompt!r} is missing its closing ]")
        if prompt.startswith("#tts[") and len(prompt) - 6 > MAX_TTS_CHARACTERS:
            raise ValueError(f"a #tts prompt may hold at most {MAX_TTS_CHARACTERS} characters")
    return Svaml(instructions=[PlayFiles(ids=ids, locale=_check_locale(locale))], action=_then(hang_up))


def recording_options(destination_url: str = "", credentials: str = "", format: str = "",
                      notification_events: bool | None = None) -> RecordingOptions | None:
    """The API reference's recording options; None when none are given (the platform's defaults apply)."""
    fmt = format.strip().lower() or None
    if fmt is not None and fmt not in RECORDING_FORMATS:
        raise ValueError(f"format must be one of {', '.join(RECORDING_FORMATS)}, not {format!r}")
    url = destination_url.strip() or None
    if url is not None and "://" not in url:
        raise ValueError(f"destination URL {url!r} needs a scheme, e.g. s3://my-bucket or https://...")
    secret = credentials.strip() or None
    if url is None and secret is None and fmt is None and notification_events is None:
        return None
    return RecordingOptions(destination_url=url, credentials=secret, format=fmt,
                            notification_events=notification_events)


def start_recording_svaml(options: RecordingOptions | None = None) -> Svaml:
    """The API reference's manage-call form: `{"action": {"name": "startRecording", "recordingOptions": {...}}}`."""
    return Svaml(action=StartRecordingAction(recording_options=options))


def stop_recording_svaml() -> Svaml:
    return Svaml(action=StopRecordingAction())


def hangup_svaml() -> Svaml:
    return Svaml(action=Hangup())


def masked_wire(svaml: Svaml) -> dict[str, Any]:
    """The body as sent, with recording credentials masked (for previews and the audit log)."""
    body = svaml.to_wire()
    options = (body.get("action") or {}).get("recordingOptions")
    if isinstance(options, dict) and options.get("credentials"):
        options["credentials"] = "********"
    return body


def render_svaml(svaml: Svaml) -> str:
    """The JSON body as it is sent, indented for a preview (credentials masked)."""
    return json.dumps(masked_wire(svaml), indent=2, ensure_ascii=False)


def audit_action(svaml: Svaml) -> str:
    """"call_say", "call_play", "call_record_start", "call_record_stop", "call_hangup" (or "manage_call")."""
    action = svaml.action.name if svaml.action is not None else ""
    if action in ("hangup", "startRecording", "stopRecording") and not svaml.instructions:
        return ACTIONS[action]
    for item in svaml.instructions:
        if item.name in ACTIONS:
            return ACTIONS[item.name]
    return ACTIONS.get(action, "manage_call")


@dataclass(frozen=True)
class ManageOutcome:
    ok: bool
    text: str
    call_id: str
    action: str
    error_code: int | None = None
    unknown: bool = False
    """Sent, but no answer came: it may have been carried out (audited as "unknown")."""


def _done(svaml: Svaml, who: str) -> str:
    ends = svaml.action is not None and svaml.action.name == "hangup"
    for item in svaml.instructions:
        if isinstance(item, Say):
            return f"Said {len(item.text)} characters to {who}" + (", then hung up" if ends else "")
        if isinstance(item, PlayFiles):
            count = len(item.ids)
            return f"Played {count} prompt{'s' if count != 1 else ''} to {who}" + (", then hung up" if ends else "")
    name = svaml.action.name if svaml.action is not None else ""
    return {"hangup": f"Hung up {who}", "startRecording": f"Recording started on {who}",
            "stopRecording": f"Recording stopped on {who}"}.get(name, f"Sent to {who}")


def describe_manage_error(error: BaseException) -> str:
    """Manage-call failures in words: 40003 is nearly always a call that is not (or no longer) connected."""
    if isinstance(error, errors.BadRequestError) and error.error_code == 40003:
        why = error.message.removeprefix("Invalid request").lstrip(": ").strip()
        return "Call is not ongoing (40003)" + (f": {why}" if why else "")
    if isinstance(error, errors.NotFoundError):
        return f"Call not found ({error.error_code or 40400}): it ended long ago or belongs to another application"
    if isinstance(error, errors.OutcomeUnknownError):
        return ("No answer came, so it may have been carried out: check the call (r refreshes it) before sending "
                "again")
    return describe_error(error, subject="call")


async def manage(gateway: Gateway, call_id: str, svaml: Svaml, *, who: str | None = None) -> ManageOutcome:
    """Send `svaml` to the call through the gateway (read-only refusal, audit before and after). Never raises.

    `who` names the call in the outcome (a formatted number); the callId is used when it is not given.
    """
    action = audit_action(svaml)
    who = who or call_id

    def failed(error: BaseException) -> str:
        return f"{VERBS.get(action, 'Steer')} {who}: {describe_manage_error(error)}"

    change = await gateway.change(action, lambda: _send(gateway.client, call_id, svaml), call_id=call_id, cli=who,
                                  message=json.dumps(masked_wire(svaml)), done=lambda _: _done(svaml, who),
                                  failed=failed)
    return ManageOutcome(change.ok, change.text, call_id, action, change.error_code, unknown=change.unknown)


async def _send(client: SinchVoiceClient, call_id: str, svaml: Svaml) -> None:
    wire = svaml.to_wire()
    await client.calls.manage(call_id, instructions=wire.get("instructions") or [], action=wire.get("action"))
