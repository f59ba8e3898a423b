"""The three callout forms as plain data (text as typed), checked field by field into a `CalloutPlan`.

A plan is exactly the client call to make (`client.callouts.<kind>(**arguments)`); the screen only reads widgets
into a form and shows `check(form)`'s problems. No Textual here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal

from api import SinchVoiceClient
from api.models import Destination
from console.callouts import fields as f
from console.callouts.svaml_check import check_event

Kind = Literal["tts", "conference", "custom"]
KIND_NAMES = {"tts": "text-to-speech callout", "conference": "conference callout", "custom": "custom callout"}


@dataclass
class _Common:
    destination: str = ""
    destination_type: str = "number"
    cli: str = ""
    dtmf: str = ""
    domain: str = ""
    custom: str = ""


@dataclass
class TtsForm(_Common):
    text: str = ""
    prompts: str = ""
    locale: str = "en-US"
    enable_ace: bool = False
    enable_dice: bool = False
    enable_pie: bool = False
    kind: Kind = "tts"


@dataclass
class ConferenceForm(_Common):
    conference_id: str = ""
    greeting: str = ""
    locale: str = ""
    max_duration: str = ""
    moh_class: str = ""
    conference_dtmf_options: str = ""
    enable_ace: bool = False
    enable_dice: bool = False
    enable_pie: bool = False
    kind: Kind = "conference"


@dataclass
class CustomForm(_Common):
    max_duration: str = ""
    ice: str = ""
    ace: str = ""
    pie: str = ""
    dice: str = ""
    kind: Kind = "custom"


Form = TtsForm | ConferenceForm | CustomForm


@dataclass(frozen=True)
class CalloutPlan:
    """What will be sent: `client.callouts.<kind>(**arguments)`, and how to describe it."""

    kind: Kind
    arguments: dict[str, Any]
    destination: str
    """E.164 or username; "" for a custom callout steered only by its ICE SVAML."""
    country: str = ""
    cli: str | None = None
    conference_id: str | None = None
    detail: str = ""

    @property
    def kind_name(self) -> str:
        return KIND_NAMES[self.kind]

    async def send(self, client: SinchVoiceClient) -> str:
        """Place the callout; returns the call id. The client validates again and never retries blindly."""
        callouts = client.callouts
        if self.kind == "tts":
            return await callouts.tts(**self.arguments)
        if self.kind == "conference":
            return await callouts.conference(**self.arguments)
        return await callouts.custom(**self.arguments)


@dataclass
class Checked:
    """The outcome of checking a form: a plan, or problems by field key (in form order)."""

    plan: CalloutPlan | None
    problems: dict[str, str] = field(default_factory=dict)
    """Field key ("destination", "text", ...) -> "Destination: not a phone number (…)"."""
    endpoint: f.Endpoint | None = None

    @property
    def block_reason(self) -> str | None:
        """Why Send is disabled: the first problem, or None when the form can be sent."""
        return next(iter(self.problems.values()), None)


def _flag(value: bool) -> bool | None:
    return True if value else None  # unset flags are left out of the request, as the API reference's examples do


def check(form: Form) -> Checked:
    """Check every field of `form`; never raises (a field that cannot be checked becomes a worded problem)."""
    problems: dict[str, str] = {}
    values: dict[str, Any] = {}

    def run(key: str, validator: Callable[[], Any]) -> Any:
        try:
            values[key] = validator()
        except f.FieldProblem as problem:
            problems[key] = str(problem)
            values[key] = None
        except Exception as error:  # a validator bug must not take the form down; say it instead
            problems[key] = f"{key}: cannot be checked ({type(error).__name__})"
            values[key] = None
        return values[key]

    required = not (isinstance(form, CustomForm) and form.ice.strip())
    endpoint = run("destination", lambda: f.check_destination(form.destination, form.destination_type,
                                                              required=required))
    run("cli", lambda: f.check_cli(form.cli))
    if isinstance(form, TtsForm):
        run("text", lambda: f.check_tts(form.text, form.prompts))
        run("locale", lambda: f.check_locale(form.locale))
    if isinstance(form, ConferenceForm):
        run("conference_id", lambda: f.check_conference_id(form.conference_id))
        run("greeting", lambda: f.check_spoken(form.greeting, "Greeting"))
        run("locale", lambda: f.check_locale(form.locale, required=False))
        run("moh_class", lambda: f.check_moh_class(form.moh_class))
        run("conference_dtmf_options", lambda: f.check_conference_dtmf_options(form.conference_dtmf_options))
    if isinstance(form, ConferenceForm | CustomForm):
        run("max_duration", lambda: f.check_max_duration(form.max_duration))
    if isinstance(form, CustomForm):
        for event in ("ice", "ace", "pie", "dice"):
            run(event, partial(check_event, getattr(form, event), event))
    run("dtmf", lambda: f.check_dtmf(form.dtmf))
    run("domain", lambda: f.check_domain(form.domain))
    run("custom", lambda: f.check_custom(form.custom))
    if problems:
        return Checked(None, problems, endpoint if "destination" not in problems else None)
    return Checked(_plan(form, values, endpoint), {}, endpoint)


def _plan(form: Form, v: dict[str, Any], endpoint: f.Endpoint | None) -> CalloutPlan:
    destination: str | Destination | None = None
    if endpoint is not None:
        destination = endpoint.endpoint if endpoint.type == "number" else Destination(type="username",
                                                                                      endpoint=endpoint.endpoint)
    common = {"cli": v["cli"], "dtmf": v["dtmf"], "domain": v["domain"], "custom": v["custom"]}
    shown = endpoint.endpoint if endpoint else ""
    country = endpoint.country if endpoint else ""
    if isinstance(form, TtsForm):
        text, prompts = v["text"]
        args = {"destination": destination, "text": text, "prompts": prompts, "locale": v["locale"], **common,
                "enable_ace": _flag(form.enable_ace), "enable_dice": _flag(form.enable_dice),
                "enable_pie": _flag(form.enable_pie)}
        detail = " ".join((text or prompts or "").split())[:40]
        return CalloutPlan("tts", _compact(args), shown, country, v["cli"], None, detail)
    if isinstance(form, ConferenceForm):
        args = {"destination": destination, "conference_id": v["conference_id"], "greeting": v["greeting"],
                "locale": v["locale"], "max_duration": v["max_duration"], "moh_class": v["moh_class"],
                "conference_dtmf_options": v["conference_dtmf_options"], **common,
                "enable_ace": _flag(form.enable_ace), "enable_dice": _flag(form.enable_dice),
                "enable_pie": _flag(form.enable_pie)}
        room = v["conference_id"]
        return CalloutPlan("conference", _compact(args), shown, country, v["cli"], room, f"into {room}")
    args = {"destination": destination, "ice": v["ice"], "ace": v["ace"], "pie": v["pie"], "dice": v["dice"],
            "max_duration": v["max_duration"], **common}
    steered = [name for name in ("ice", "ace", "pie", "dice") if v[name]]
    return CalloutPlan("custom", _compact(args), shown, country, v["cli"], None,
                       "steered by " + ", ".join(steered) if steered else "application callbacks")


def _compact(arguments: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in arguments.items() if value is not None}
