"""Callout requests: text-to-speech, conference and custom (POST /callouts)."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from api.models.base import RequestModel, WireModel
from api.models.common import Destination, Domain, e164_field_validator
from api.models.svaml import Svaml

MAX_TTS_CHARACTERS = 600
DTMF_PATTERN = r"^[0-9#w]*$"
MAX_DURATION_SECONDS = 14400

# The two locale lists of the API reference (TTS callout and conference greeting) merged; `zn-CN` is its typo,
# kept because Sinch accepts what it documents.
LOCALES: dict[str, str] = {
    "cmn-CN": "Chinese, Mandarin",
    "da-DK": "Danish",
    "nl-NL": "Dutch",
    "en-AU": "English, Australian",
    "en-GB": "English, British",
    "en-IN": "English, Indian",
    "en-US": "English, US",
    "en-CA": "English, Canadian",
    "en-GB-WLS": "English, Welsh",
    "fr-FR": "French",
    "fr-CA": "French, Canadian",
    "hi-IN": "Hindi",
    "de-DE": "German",
    "is-IS": "Icelandic",
    "it-IT": "Italian",
    "ja-JP": "Japanese",
    "ko-KR": "Korean",
    "nb-NO": "Norwegian",
    "pl-PL": "Polish",
    "pt-BR": "Portuguese, Brazilian",
    "pt-PT": "Portuguese, European",
    "ro-RO": "Romanian",
    "ru-RU": "Russian",
    "es-ES": "Spanish, European",
    "es-MX": "Spanish, Mexican",
    "es-US": "Spanish, US",
    "es-CA": "Spanish, Catalunya",
    "sv-SE": "Swedish",
    "tr-TR": "Turkish",
    "cy-GB": "Welsh",
    "zh-CN": "Chinese, China",
    "zn-CN": "Chinese, China",
    "zh-HK": "Chinese, Hong Kong",
    "zh-TW": "Chinese, Taiwan",
    "fi-FI": "Finnish",
}


def check_locale(value: str | None) -> str | None:
    if value is not None and value not in LOCALES:
        raise ValueError(f"unknown locale {value!r}; use one of {', '.join(sorted(LOCALES))}")
    return value


class _CalloutBase(RequestModel):
    cli: str | None = None
    destination: Destination | None = None
    dtmf: str | None = Field(default=None, pattern=DTMF_PATTERN)
    domain: Domain | None = None
    custom: str | None = None

    _cli = e164_field_validator("cli")

    @field_validator("destination", mode="before")
    @classmethod
    def _coerce_destination(cls, value: Any) -> Any:
        return Destination.coerce(value) if isinstance(value, str) else value


class TtsCalloutRequest(_CalloutBase):
    """Call a number and speak a text (or play prompts)."""

    destination: Destination
    locale: str = "en-US"
    text: str | None = Field(default=None, max_length=MAX_TTS_CHARACTERS)
    prompts: str | None = Field(default=None, max_length=MAX_TTS_CHARACTERS)
    enable_ace: bool | None = None
    enable_dice: bool | None = None
    enable_pie: bool | None = None

    _locale = field_validator("locale")(classmethod(lambda cls, v: check_locale(v)))

    @model_validator(mode="after")
    def _text_or_prompts(self) -> TtsCalloutRequest:
        if not (self.text or self.prompts):
            raise ValueError("a TTS callout needs `text` or `prompts`")
        return self


class ConferenceCalloutRequest(_CalloutBase):
    """Call a number and connect it to a conference room when answered."""

    destination: Destination
    conference_id: str = Field(min_length=1, max_length=64)
    max_duration: int | None = Field(default=None, ge=0, le=MAX_DURATION_SECONDS)
    enable_ace: bool | None = None
    enable_dice: bool | None = None
    enable_pie: bool | None = None
    locale: str | None = None
    greeting: str | None = Field(default=None, max_length=MAX_TTS_CHARACTERS)
    moh_class: str | None = None
    conference_dtmf_options: dict[str, Any] | None = None

    _locale = field_validator("locale")(classmethod(lambda cls, v: check_locale(v)))


class CustomCalloutRequest(_CalloutBase):
    """A callout steered by SVAML or URLs given for each event (ice, ace, pie, dice)."""

    max_duration: int | None = Field(default=None, ge=0, le=MAX_DURATION_SECONDS)
    ice: str | None = None
    ace: str | None = None
    pie: str | None = None
    dice: str | None = None

    @field_validator("ice", "ace", "pie", "dice", mode="before")
    @classmethod
    def _svaml_to_string(cls, value: Any) -> Any:
        """Accept a Svaml model or a dict and send it as the JSON-escaped string the API expects."""
        if isinstance(value, Svaml):
            return json.dumps(value.to_wire(), separators=(",", ":"))
        if isinstance(value, dict):
            return json.dumps(Svaml.model_validate(value).to_wire(), separators=(",", ":"))
        return value

    @field_validator("ice", "ace", "pie")
    @classmethod
    def _inline_svaml_is_valid(cls, value: str | None) -> str | None:
        """Inline SVAML (a JSON string) must parse; URLs pass through."""
        if value and value.lstrip().startswith("{"):
            Svaml.model_validate_json(value)
        return value


CalloutMethod = Literal["ttsCallout", "conferenceCallout", "customCallout"]


class CalloutRequest(RequestModel):
    """The POST /callouts body: a method name and the one matching request object."""

    method: CalloutMethod
    tts_callout: TtsCalloutRequest | None = None
    conference_callout: ConferenceCalloutRequest | None = None
    custom_callout: CustomCalloutRequest | None = None

    @model_validator(mode="after")
    def _one_matching_body(self) -> CalloutRequest:
        bodies = {
            "ttsCallout": self.tts_callout,
            "conferenceCallout": self.conference_callout,
            "customCallout": self.custom_callout,
        }
        if bodies[self.method] is None:
            raise ValueError(f"method {self.method!r} needs a `{self.method}` object")
        if sum(b is not None for b in bodies.values()) != 1:
            raise ValueError("a callout request carries exactly one callout object")
        return self


class CalloutResponse(WireModel):
    """The answer to POST /callouts."""

    call_id: str
