"""SVAML: the instructions and the action that steer a call (manage call, callback answers, custom callouts).

Both are discriminated unions on `name`, so a misspelt instruction fails validation instead of reaching Sinch.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter

from api.models.base import WireModel

# ---- instructions -------------------------------------------------------------------------------------


class PlayFiles(WireModel):
    """Play prompts: recorded file ids or `#tts[text]` strings."""

    name: Literal["playFiles"] = "playFiles"
    ids: list[str] = Field(min_length=1)
    locale: str | None = None


class Say(WireModel):
    """Speak a text with text-to-speech."""

    name: Literal["say"] = "say"
    text: str = Field(min_length=1, max_length=600)
    locale: str | None = None


class SendDtmf(WireModel):
    """Send DTMF tones on the call."""

    name: Literal["sendDtmf"] = "sendDtmf"
    value: str = Field(pattern=r"^[0-9#*wW]+$")


class SetCookie(WireModel):
    """Keep a key/value on the call session; it comes back in later callbacks."""

    name: Literal["setCookie"] = "setCookie"
    key: str
    value: str


class Answer(WireModel):
    """Answer the call before the action (needed for some PSTN flows)."""

    name: Literal["answer"] = "answer"


class RecordingOptions(WireModel):
    """Where and how a call recording is stored."""

    destination_url: str | None = None
    credentials: str | None = None
    format: str | None = None
    notification_events: bool | None = None
    transcription_options: dict[str, Any] | None = None


class StartRecording(WireModel):
    """Start recording the call."""

    name: Literal["startRecording"] = "startRecording"
    options: RecordingOptions | None = None


class StopRecording(WireModel):
    """Stop recording the call."""

    name: Literal["stopRecording"] = "stopRecording"


Instruction = Annotated[
    PlayFiles | Say | SendDtmf | SetCookie | Answer | StartRecording | StopRecording,
    Field(discriminator="name"),
]

# ---- actions ------------------------------------------------------------------------------------------


class Hangup(WireModel):
    """End the call."""

    name: Literal["hangup"] = "hangup"


class Continue(WireModel):
    """Carry on as already planned (e.g. play the TTS callout's text)."""

    name: Literal["continue"] = "continue"


class ConnectPstn(WireModel):
    """Connect the call to a phone number."""

    name: Literal["connectPstn"] = "connectPstn"
    number: str | None = None
    locale: str | None = None
    max_duration: int | None = Field(default=None, ge=0, le=14400)
    dial_timeout: int | None = None
    cli: str | None = None
    suppress_callbacks: bool | None = None
    dtmf: str | None = None
    indications: str | None = None
    amd: dict[str, Any] | None = None


class ConnectMxp(WireModel):
    """Connect the call to an app user."""

    name: Literal["connectMxp"] = "connectMxp"
    destination: dict[str, Any] | None = None
    call_headers: list[dict[str, str]] | None = None


class ConnectConf(WireModel):
    """Connect the call to a conference room (created with its first participant)."""

    name: Literal["connectConf"] = "connectConf"
    conference_id: str = Field(min_length=1, max_length=64)
    conference_dtmf_options: dict[str, Any] | None = None
    moh: str | None = None


class ConnectSip(WireModel):
    """Connect the call to a SIP endpoint."""

    name: Literal["connectSip"] = "connectSip"
    destination: dict[str, Any]
    max_duration: int | None = None
    cli: str | None = None
    transport: str | None = None
    suppress_callbacks: bool | None = None
    call_headers: list[dict[str, str]] | None = None
    moh: str | None = None


class RunMenu(WireModel):
    """Play an IVR menu and report the caller's choice in a PIE callback."""

    name: Literal["runMenu"] = "runMenu"
    barge: bool | None = None
    locale: str | None = None
    main_menu: str | None = None
    enable_voice: bool | None = None
    menus: list[dict[str, Any]] | None = None


class Park(WireModel):
    """Hold the call (parked) until a manage-call request unparks it."""

    name: Literal["park"] = "park"
    locale: str | None = None
    intro_prompt: str | None = None
    hold_prompt: str | None = None
    max_duration: int | None = None


class StartRecordingAction(WireModel):
    """The API reference's manage-call form: recording started by the action, options under `recordingOptions`."""

    name: Literal["startRecording"] = "startRecording"
    recording_options: RecordingOptions | None = None


class StopRecordingAction(WireModel):
    """The API reference's manage-call form of stopping a recording."""

    name: Literal["stopRecording"] = "stopRecording"


Action = Annotated[
    Hangup
    | Continue
    | ConnectPstn
    | ConnectMxp
    | ConnectConf
    | ConnectSip
    | RunMenu
    | Park
    | StartRecordingAction
    | StopRecordingAction,
    Field(discriminator="name"),
]

INSTRUCTION_NAMES = ("playFiles", "say", "sendDtmf", "setCookie", "answer", "startRecording", "stopRecording")
ACTION_NAMES = (
    "hangup", "continue", "connectPstn", "connectMxp", "connectConf", "connectSip", "runMenu", "park",
    "startRecording", "stopRecording",
)


class Svaml(WireModel):
    """A SVAML document: instructions run in order, then the action."""

    instructions: list[Instruction] = Field(default_factory=list)
    action: Action | None = None


svaml_adapter = TypeAdapter(Svaml)
instruction_adapter: TypeAdapter[Any] = TypeAdapter(Instruction)
action_adapter: TypeAdapter[Any] = TypeAdapter(Action)
