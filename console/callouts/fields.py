"""One validator per callout field: text as typed in, the value to send out, or a `FieldProblem` in words.

Every validator takes arbitrary text and either returns or raises `FieldProblem` (a ValueError naming the field
and saying why); nothing else escapes, whatever is typed or pasted (the property tests feed them st.text()).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import phonenumbers

from api.models.callouts import LOCALES, MAX_DURATION_SECONDS, MAX_TTS_CHARACTERS
from api.models.common import normalize_number
from api.models.correlation import MAX_TAGGED_TEXT
from console.callouts.country_names import country_name

MAX_CUSTOM_CHARACTERS = MAX_TAGGED_TEXT
"""Sinch allows 1,024 characters in `custom`; the console's correlation tag takes 16 (api.models.correlation)."""
MAX_CONFERENCE_ID = 64
MOH_CLASSES = ("ring", "music1", "music2", "music3")
DOMAINS = ("pstn", "mxp")
DTMF_MODES = ("ignore", "forward", "detect")
_DTMF = re.compile(r"[0-9#w]*")
_USERNAME = re.compile(r"[^\s]{1,255}")


class FieldProblem(ValueError):
    """`field` (as the form labels it) cannot be sent as typed; `reason` says why in words."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


@dataclass(frozen=True)
class Endpoint:
    """A checked destination: what is sent, and what the form shows under the field."""

    type: str
    """"number" or "username"."""
    endpoint: str
    """E.164 for a number; the username as typed (trimmed) otherwise."""
    country: str = ""
    """ISO code, e.g. "SE" (numbers only)."""
    country_name: str = ""

    def describe(self) -> str:
        if self.type != "number":
            return f"app user {self.endpoint}"
        where = self.country_name or self.country
        return f"{self.endpoint} · {where}" if where else self.endpoint


def _short(text: str, limit: int = 24) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def check_number(text: str, field: str = "Destination") -> Endpoint:
    """A phone number in E.164 with its country; "46…", "+46…", "0046…" and "+46(0)…" are all accepted."""
    raw = text.strip()
    if not raw:
        raise FieldProblem(field, "a phone number is required")
    if any(ch.isalpha() for ch in raw):
        raise FieldProblem(field, f"not a phone number ({_short(raw)} has letters)")
    foreign = next((ch for ch in raw if (ch.isdigit() or ch.isnumeric()) and not "0" <= ch <= "9"), None)
    if foreign is not None:  # Arabic-Indic, full-width, math digits: digits, not E.164's
        raise FieldProblem(field, f"not a phone number ({foreign!r} is not one of the digits 0-9)")
    try:
        e164 = normalize_number(raw)
        parsed = phonenumbers.parse(e164, None)
    except Exception:
        raise FieldProblem(field, f"not a phone number ({_short(raw)}; {why_not_a_number(raw)})") from None
    region = phonenumbers.region_code_for_number(parsed) or ""
    if not region or region == "ZZ":
        region = phonenumbers.region_code_for_country_code(parsed.country_code or 0)
    region = "" if region == "ZZ" else region
    # A small table, not phonenumbers' geocoder: that one loads ~100 MB of place names for one country name.
    return Endpoint("number", e164, region, country_name(region) or region)


LENGTH_WORDS = {
    phonenumbers.ValidationResult.TOO_SHORT: "too short",
    phonenumbers.ValidationResult.TOO_LONG: "too long",
    phonenumbers.ValidationResult.INVALID_LENGTH: "the wrong length",
}


def why_not_a_number(raw: str) -> str:
    """What is wrong with a number normalize_number refused, in words: too short or too long for its country, an
    unknown country code, or no country code at all ("type it with its country code")."""
    hint = "e.g. +46 70 123 45 67"
    number_digits = "".join(ch for ch in raw if "0" <= ch <= "9")
    if number_digits.startswith("00"):
        number_digits = number_digits[2:]
    if not number_digits or number_digits.startswith("0"):  # a national number: no country code typed
        return f"type it with its country code, {hint}"
    try:
        parsed = phonenumbers.parse("+" + number_digits, None)
    except phonenumbers.NumberParseException as error:
        if error.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            return f"unknown country code +{number_digits[:3]}, {hint}"
        return "too short"
    where = country_name(phonenumbers.region_code_for_country_code(parsed.country_code or 0))
    country = f"+{parsed.country_code}" + (f" ({where})" if where else "")
    words = LENGTH_WORDS.get(phonenumbers.is_possible_number_with_reason(parsed), "not a possible number")
    return f"{words} for {country}"


def check_destination(text: str, destination_type: str = "number", *, required: bool = True) -> Endpoint | None:
    """The callee: a phone number, or an app username when `destination_type` is "username"."""
    if not text.strip():
        if required:
            raise FieldProblem("Destination", "a phone number is required" if destination_type == "number"
                               else "a username is required")
        return None
    if destination_type == "number":
        return check_number(text)
    if destination_type != "username":
        raise FieldProblem("Destination type", "choose number or username")
    name = text.strip()
    if not _USERNAME.fullmatch(name):
        raise FieldProblem("Destination", "a username has no spaces and at most 255 characters")
    return Endpoint("username", name)


def check_cli(text: str) -> str | None:
    """The number shown to the callee (optional): E.164."""
    if not text.strip():
        return None
    return check_number(text, "Caller id (cli)").endpoint


def check_dtmf(text: str, field: str = "DTMF") -> str | None:
    """Tones played when answered: only 0-9, # and w (a 500 ms pause)."""
    value = text.strip()
    if not value:
        return None
    if not _DTMF.fullmatch(value):
        bad = sorted({ch for ch in value if not ("0" <= ch <= "9" or ch in "#w")})
        shown = " ".join(repr(ch) for ch in bad[:5])
        raise FieldProblem(field, f"only the digits 0-9, # and w (a pause) are allowed, not {shown}")
    return value


def tts_counter(text: str) -> str:
    """"42 / 600" under the text box ("… too long" once past the limit)."""
    count = len(text)
    over = count - MAX_TTS_CHARACTERS
    return f"{count} / {MAX_TTS_CHARACTERS}" + (f" · {over} too many" if over > 0 else "")


def check_spoken(text: str, field: str, *, required: bool = False) -> str | None:
    """A text to speak (TTS text, prompts or greeting): at most 600 characters."""
    if not text.strip():
        if required:
            raise FieldProblem(field, "type what should be said")
        return None
    if len(text) > MAX_TTS_CHARACTERS:
        raise FieldProblem(field, f"{len(text)} characters, at most {MAX_TTS_CHARACTERS} are allowed")
    return text


def check_tts(text: str, prompts: str) -> tuple[str | None, str | None]:
    """A TTS callout speaks `text` or plays `prompts` (";"-separated files or #tts[...]): at least one."""
    spoken = check_spoken(text, "Text")
    played = check_spoken(prompts, "Prompts")
    if spoken is None and played is None:
        raise FieldProblem("Text", "type what should be said (or give prompts under Advanced)")
    if played is not None and any(not part.strip() for part in played.split(";")):
        raise FieldProblem("Prompts", "an empty prompt between two ';'")
    return spoken, played


def check_locale(text: str, *, required: bool = True) -> str | None:
    """One of the API reference's locales, e.g. en-US."""
    value = text.strip()
    if not value:
        if required:
            raise FieldProblem("Locale", "choose a language, e.g. en-US")
        return None
    if value not in LOCALES:
        raise FieldProblem("Locale", f"{_short(value)} is not a supported locale (e.g. en-US, sv-SE, de-DE)")
    return value


def check_conference_id(text: str) -> str:
    """The room to join: 1 to 64 characters."""
    value = text.strip()
    if not value:
        raise FieldProblem("Conference id", "a conference id is required")
    if len(value) > MAX_CONFERENCE_ID:
        raise FieldProblem("Conference id", f"{len(value)} characters, at most {MAX_CONFERENCE_ID} are allowed")
    if any(not ch.isprintable() for ch in value):
        raise FieldProblem("Conference id", "control characters are not allowed")
    return value


def check_max_duration(text: str) -> int | None:
    """Seconds before the call is ended (optional): a whole number from 0 to 14400 (4 hours)."""
    value = text.strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit():
        raise FieldProblem("Max duration", f"a whole number of seconds, not {_short(value)}")
    seconds = int(value)
    if seconds > MAX_DURATION_SECONDS:
        raise FieldProblem("Max duration", f"at most {MAX_DURATION_SECONDS} seconds (4 hours)")
    return seconds


def check_moh_class(text: str) -> str | None:
    """Music on hold while alone in the room (optional)."""
    value = text.strip()
    if not value:
        return None
    if value not in MOH_CLASSES:
        raise FieldProblem("Music on hold", f"use one of {', '.join(MOH_CLASSES)}, not {_short(value)}")
    return value


def check_custom(text: str) -> str | None:
    """Free data echoed back in callbacks (optional), at most 1,008 characters: the console puts its correlation
    tag in front ("sc-0123456789ab|" + the text), within the field's 1,024."""
    if not text:
        return None
    if len(text) > MAX_CUSTOM_CHARACTERS:
        raise FieldProblem("Custom", f"{len(text)} characters, at most {MAX_CUSTOM_CHARACTERS} are allowed")
    return text


def check_domain(text: str) -> str | None:
    """"pstn" for phones, "mxp" for app users (optional)."""
    value = text.strip().lower()
    if not value:
        return None
    if value not in DOMAINS:
        raise FieldProblem("Domain", f"use pstn (phones) or mxp (app users), not {_short(text.strip())}")
    return value


def check_flag(text: str, field: str) -> bool | None:
    """enableAce/Dice/Pie typed as text (config files, pasted forms): yes/no, true/false, on/off, 1/0, or empty."""
    value = text.strip().lower()
    if not value:
        return None
    if value in ("true", "yes", "on", "1"):
        return True
    if value in ("false", "no", "off", "0"):
        return False
    raise FieldProblem(field, f"yes or no, not {_short(text.strip())}")


def _json_object(text: str, field: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        where = f" (line {error.lineno}, column {error.colno})" if isinstance(error, json.JSONDecodeError) else ""
        reason = error.msg if isinstance(error, json.JSONDecodeError) else "too deeply nested"
        raise FieldProblem(field, f"not valid JSON: {reason}{where}") from None
    if not isinstance(data, dict):
        raise FieldProblem(field, "must be a JSON object ({...})")
    return data


def check_conference_dtmf_options(text: str) -> dict[str, Any] | None:
    """JSON like {"mode": "detect", "maxDigits": 4, "timeoutMills": 3000} (optional)."""
    if not text.strip():
        return None
    field = "Conference DTMF options"
    data = _json_object(text, field)
    unknown = sorted(set(data) - {"mode", "maxDigits", "timeoutMills"})
    if unknown:
        raise FieldProblem(field, f"unknown key {unknown[0]!r}; known: mode, maxDigits, timeoutMills")
    if "mode" in data and data["mode"] not in DTMF_MODES:
        raise FieldProblem(field, f"mode is one of {', '.join(DTMF_MODES)}")
    for key in ("maxDigits", "timeoutMills"):
        if key in data and (not isinstance(data[key], int) or isinstance(data[key], bool) or data[key] < 0):
            raise FieldProblem(field, f"{key} is a whole number, 0 or more")
    return data


def is_url(text: str) -> bool:
    try:
        parts = urlsplit(text.strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not any(ch.isspace() for ch in text.strip())
