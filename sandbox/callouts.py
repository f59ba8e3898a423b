"""Turning a POST /callouts body into a simulated call (text-to-speech, conference or custom)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from api.models import ConferenceCalloutRequest, CustomCalloutRequest, Destination, TtsCalloutRequest
from api.models.svaml import ConnectConf, RunMenu
from sandbox.errors import illegal, missing
from sandbox.menus import start_menu
from sandbox.rates import normalize
from sandbox.svaml import dtmf_seconds, instructions_seconds, parse_svaml, prompts_seconds, speech_seconds
from sandbox.validation import validate

if TYPE_CHECKING:
    from sandbox.engine import Sandbox
    from sandbox.state import Call

MODELS = {"ttsCallout": TtsCalloutRequest, "conferenceCallout": ConferenceCalloutRequest,
          "customCallout": CustomCalloutRequest}


def _member(body: dict[str, Any], name: str) -> Any:
    """`body[name]`, forgiving case (`ttscallout`)."""
    if name in body:
        return body[name]
    return next((v for k, v in body.items() if k.lower() == name.lower()), None)


def place_callout(sb: Sandbox, body: dict[str, Any], application_key: str) -> Call:
    method = body.get("method")
    if not method:
        raise missing("Missing parameter 'method'")
    model = next((m for name, m in MODELS.items() if name.lower() == str(method).lower()), None)
    if model is None:
        raise illegal(f"Illegal parameter 'method': use one of {', '.join(MODELS)}")
    method = next(name for name, m in MODELS.items() if m is model)
    inner = _member(body, method)
    if not isinstance(inner, dict):
        raise missing(f"Missing parameter '{method}'")
    if method == "ttsCallout":
        return _tts(sb, validate(TtsCalloutRequest, inner, prefix=method), application_key)
    if method == "conferenceCallout":
        return _conference(sb, validate(ConferenceCalloutRequest, inner, prefix=method), application_key)
    return _custom(sb, validate(CustomCalloutRequest, inner, prefix=method), application_key)


def _to(destination: Destination) -> dict[str, str]:
    return {"type": destination.type, "endpoint": destination.endpoint}


def _quiet(req: TtsCalloutRequest | ConferenceCalloutRequest) -> frozenset[str]:
    """Callbacks the callout turned off. Only an explicit false counts: the sandbox sends ACE and DiCE by
    default (Sinch's documented default is off), so a console sees its callouts without extra flags."""
    return frozenset(kind for kind, flag in (("ace", req.enable_ace), ("dice", req.enable_dice)) if flag is False)


def _tts(sb: Sandbox, req: TtsCalloutRequest, key: str) -> Call:
    spoken = speech_seconds(req.text) if req.text else prompts_seconds((req.prompts or "").split(";"))
    return sb.place_call(kind="tts", to=_to(req.destination), cli=req.cli, application_key=key, plan="speak",
                         speak_seconds=spoken + dtmf_seconds(req.dtmf), custom=req.custom,
                         domain=req.domain or "pstn", quiet=_quiet(req))


def _conference(sb: Sandbox, req: ConferenceCalloutRequest, key: str) -> Call:
    return sb.place_call(kind="conference", to=_to(req.destination), cli=req.cli, application_key=key,
                         plan="join", conference_id=req.conference_id, max_duration=req.max_duration or None,
                         custom=req.custom, domain=req.domain or "pstn", quiet=_quiet(req),
                         dtmf_detect=str((req.conference_dtmf_options or {}).get("mode", "")).lower() == "detect")


def _custom(sb: Sandbox, req: CustomCalloutRequest, key: str) -> Call:
    """Inline SVAML is honoured: ICE connectPstn picks the number, ACE says what happens on answer.
    Without inline ICE SVAML an ICE callback goes to the application's callback URL (when one is configured;
    per-event URLs in `ice`/`ace`/... are not called: the application's URL gets every callback).
    An event given inline SVAML sends no callback of its own. An inline ACE runMenu puts the call in that menu
    once answered; an inline `pie` SVAML is applied to the menu's result instead of sending a PIE."""
    to = _to(req.destination) if req.destination else None
    cli = req.cli
    if req.ice and req.ice.lstrip().startswith("{"):
        ice = parse_svaml(req.ice, field="customCallout.ice")
        if ice.action is not None and ice.action.name == "connectPstn":
            if ice.action.number:
                to = {"type": "number", "endpoint": normalize(ice.action.number, "customCallout.ice.action.number")}
            cli = ice.action.cli or cli
    if to is None:
        raise missing("Missing parameter 'customCallout.destination'")
    plan, room, spoken, menu = "stay", None, 0.0, None
    if req.ace and req.ace.lstrip().startswith("{"):
        ace = parse_svaml(req.ace, field="customCallout.ace")
        spoken = instructions_seconds(ace)
        name = ace.action.name if ace.action else None
        if name == "hangup":
            plan = "hangup"
        elif isinstance(ace.action, ConnectConf):
            plan, room = "join", ace.action.conference_id
        elif isinstance(ace.action, RunMenu):
            menu = start_menu(ace.action)  # the menu runs once the callee answers
    pie = None
    if req.pie and req.pie.lstrip().startswith("{"):
        pie = parse_svaml(req.pie, field="customCallout.pie").to_wire()
    inline = frozenset(kind for kind, value in (("ace", req.ace), ("pie", req.pie), ("dice", req.dice))
                       if value and value.lstrip().startswith("{"))
    call = sb.place_call(kind="custom", to=to, cli=cli, application_key=key, plan=plan, speak_seconds=spoken,
                         conference_id=room, max_duration=req.max_duration or None, custom=req.custom,
                         quiet=inline, ice=not (req.ice and req.ice.lstrip().startswith("{")))
    if not call.is_final:
        call.menu, call.inline_pie = menu, pie
    return call
