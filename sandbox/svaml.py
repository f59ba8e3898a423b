"""What SVAML does to a simulated call: how long instructions take, and what the action changes.

Used by manage call (PATCH /calls/id/{callId}) and by custom callouts with inline SVAML in `ice`/`ace`/`pie`.
A runMenu action puts the call in an IVR menu (sandbox.menus).
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from api.models import Svaml
from api.models.svaml import ConnectConf, RunMenu
from sandbox.errors import illegal, invalid
from sandbox.menus import start_menu
from sandbox.validation import drop_nulls, validation_error

if TYPE_CHECKING:
    from sandbox.engine import Sandbox
    from sandbox.state import Call

CHARACTERS_PER_SECOND = 15.0
PROMPT_SECONDS = 3.0
_TTS_PROMPT = re.compile(r"^#tts\[(.*)\]$", re.DOTALL)


def speech_seconds(text: str | None) -> float:
    """How long text-to-speech takes: about 15 characters a second, at least one second."""
    return max(1.0, len(text or "") / CHARACTERS_PER_SECOND)


def prompts_seconds(prompts: list[str]) -> float:
    """`#tts[...]` prompts are spoken; other prompts are recorded files of a few seconds."""
    total = 0.0
    for prompt in prompts:
        match = _TTS_PROMPT.match(prompt.strip())
        total += speech_seconds(match.group(1)) if match else PROMPT_SECONDS
    return total


def dtmf_seconds(dtmf: str | None) -> float:
    """`w` is a 500 ms pause; each tone takes about 100 ms."""
    return sum(0.5 if ch == "w" else 0.1 for ch in dtmf or "")


def parse_svaml(data: Any, *, field: str = "body") -> Svaml:
    """SVAML from a dict or an inline JSON string; nulls and snake_case keys (sinch 1.1.4) are accepted."""
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            raise illegal(f"Illegal parameter '{field}': inline SVAML is not valid JSON") from None
    if not isinstance(data, dict):
        raise invalid(f"Invalid request: '{field}' must be a SVAML object")
    try:
        return Svaml.model_validate(drop_nulls(data))
    except ValidationError as exc:
        raise validation_error(exc, "" if field == "body" else field) from None


def instructions_seconds(doc: Svaml) -> float:
    total = 0.0
    for item in doc.instructions:
        if item.name == "say":
            total += speech_seconds(item.text)
        elif item.name == "playFiles":
            total += prompts_seconds(item.ids)
        elif item.name == "sendDtmf":
            total += dtmf_seconds(item.value)
    return total


def apply_to_call(sb: Sandbox, call: Call, doc: Svaml) -> None:
    """Manage an ongoing call: run the instructions, then the action."""
    now = sb.now()
    if call.is_final:
        raise invalid("Invalid request: the call has already ended")
    action = doc.action.name if doc.action else None
    if call.status != "ONGOING" and action != "hangup":
        raise invalid("Invalid request: the call is not connected yet")
    menu = start_menu(doc.action) if isinstance(doc.action, RunMenu) else None
    for item in doc.instructions:
        if item.name == "startRecording":
            sb.start_recording(call, now)
        elif item.name == "stopRecording":
            sb.stop_recording(call, now)
    spoken = instructions_seconds(doc)
    if action == "hangup":
        sb.plan_end(call, now + timedelta(seconds=spoken), "MANAGERHANGUP")
        return
    if action == "startRecording":
        sb.start_recording(call, now)
    elif action == "stopRecording":
        sb.stop_recording(call, now)
    elif isinstance(doc.action, ConnectConf):
        call.menu = None
        sb.join(doc.action.conference_id, call, now)
    elif menu is not None:
        call.menu = menu
    if spoken and call.planned_end is not None and call.planned_end > now:
        # a message played on a call that was going to end anyway (a TTS callout) makes it last longer
        sb.plan_end(call, call.planned_end + timedelta(seconds=spoken), "CALLERHANGUP")
