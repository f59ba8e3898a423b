"""What the config file holds: profiles (where to connect and how the operator works) and app-wide choices.

Plain pydantic models, not settings: the file is read by console.config.load (which can name the line of a bad
value) and the environment is layered on top by console.config.resolve. Secrets are SecretStr so no repr, str
or log line ever shows them; `display_label` is the one way a profile describes itself on screen.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr, ValidationInfo, field_validator

from api.models import normalize_number
from api.models.views import Contact

Region = Literal["global", "euc1", "use1", "sae1", "apse1", "apse2"]
DEFAULT_PROFILE = "default"
DEFAULT_THEME = "textual-dark"
SECRET_FIELDS = ("application_secret", "relay_token")
"""Profile fields whose presence in the file makes it owner-only (0600)."""

_PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_BINDING_ID = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")
_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})


def _e164(value: str) -> str:
    try:
        return normalize_number(value)
    except ValueError as exc:
        raise ValueError(f'{exc}; write it in E.164, e.g. "+46708168731"') from None


def _key_string(value: str) -> str:
    """A Textual key, or several separated by commas: "m", "ctrl+m", "shift+f5,K", "question_mark"."""
    if not value or value != value.strip() or " " in value:
        raise ValueError(f'{value!r} is not a key: use Textual key names without spaces, e.g. "ctrl+m" or "m,M"')
    for alternative in value.split(","):
        *modifiers, key = alternative.split("+") if alternative != "+" else ["+"]
        unknown = [m for m in modifiers if m not in _MODIFIERS]
        if not key or unknown:
            raise ValueError(f"{alternative!r} is not a key: modifiers are {', '.join(sorted(_MODIFIERS))}, "
                             f'joined with "+" to one key, e.g. "ctrl+m"')
    return value


def _binding_id(value: str) -> str:
    if not _BINDING_ID.fullmatch(value):
        raise ValueError(f'{value!r} is not a binding id: use "area.action", e.g. "conference.mute"')
    return value


def _url(value: str | None, schemes: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    if not value.startswith(tuple(f"{scheme}://" for scheme in schemes)) or value.endswith("://"):
        raise ValueError(f"{value!r} is not a URL: it must start with {' or '.join(s + '://' for s in schemes)}")
    return value.rstrip("/")


def _loopback(url: str) -> bool:
    """Whether the URL's host is this machine: localhost or a loopback address (127.0.0.0/8, ::1)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return False
    if host == "localhost":  # not *.localhost: plain resolvers do not promise that it stays on this machine
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _named(contact: Contact) -> Contact:
    if not contact.name.strip():
        raise ValueError("name must not be empty")
    return contact


E164 = Annotated[str, AfterValidator(_e164)]
KeyString = Annotated[str, AfterValidator(_key_string)]
BindingId = Annotated[str, AfterValidator(_binding_id)]
# An address-book entry in the file: `name` (shown instead of the number) and `moderator` (spared by "mute all
# except moderators", marked in the roster); other keys are ignored. The one Contact of the whole console.
AddressBookEntry = Annotated[Contact, AfterValidator(_named)]


class Profile(BaseModel):
    """One place to connect to and how to work there. Without key and secret the console runs on the sandbox."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    application_key: str | None = None
    """The application key from the Sinch dashboard (not a secret: it travels in every request)."""
    application_secret: SecretStr | None = None
    """The application secret, base64 as the dashboard shows it. Prefer application_secret_env or the
    SINCH_APPLICATION_SECRET variable; written here it makes the file owner-only (0600)."""
    application_secret_env: str | None = None
    """The name of an environment variable holding the secret, so the file never holds it."""
    region: Region = "global"
    """Traffic region: global (Sinch picks), euc1, use1, sae1, apse1 or apse2."""
    base_url: str | None = None
    """Replaces the regional traffic origin, e.g. a sandbox on another machine."""
    config_base_url: str | None = None
    """Replaces the configuration origin (numbers, callback URLs); defaults to base_url when that is set."""
    relay_url: str | None = None
    """The relay's websocket URL, for live events (sinch-relay)."""
    relay_token: SecretStr | None = None
    """The token the relay asks subscribers for; written here it makes the file owner-only (0600)."""
    poll_interval: float = Field(default=1.0, ge=0.2, le=60)
    """Seconds between polls of a watched conference (0.2 to 60)."""
    rooms: list[str] = Field(default_factory=list)
    """Saved conference ids, watched at start (the API cannot list conferences)."""
    address_book: dict[E164, AddressBookEntry] = Field(default_factory=dict)
    """E.164 number -> contact; numbers are normalised, so "0046 70-816 87 31" and "+46708168731" are one."""
    keymap: dict[BindingId, KeyString] = Field(default_factory=dict)
    """Binding id -> key(s), e.g. "conference.mute" = "ctrl+m"; replaces that binding's default key."""
    read_only: bool = False
    """Refuse every mutating action (mute, kick, callout, delete): for watching production safely."""
    download_dir: Path | None = None
    """Where recordings are downloaded; "~" is expanded. Unset: ~/Downloads/sinch-recordings (or the data
    folder when there is no Downloads folder), with a `sandbox` subfolder for sandbox runs."""

    @field_validator("application_key", "application_secret_env")
    @classmethod
    def _not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("must not be empty: remove the line instead")
        return value.strip() if value is not None else None

    @field_validator("application_secret")
    @classmethod
    def _base64_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        try:
            base64.b64decode(value.get_secret_value(), validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("the application secret is not valid base64: copy it again from the dashboard") from None
        return value

    @field_validator("base_url", "config_base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        return _url(value, ("https", "http"))

    @field_validator("relay_url")
    @classmethod
    def _relay_url(cls, value: str | None) -> str | None:
        url = _url(value, ("wss", "ws", "https", "http"))
        if url is not None and url.startswith(("ws://", "http://")) and not _loopback(url):
            raise ValueError(f"{url!r} is not encrypted: the relay token would travel in clear to another machine. "
                             "Use wss:// (or ws:// only to this machine: 127.0.0.1, localhost, [::1])")
        return url

    @field_validator("rooms")
    @classmethod
    def _rooms(cls, value: list[str]) -> list[str]:
        rooms = [room.strip() for room in value]
        if any(not room for room in rooms):
            raise ValueError("a room id must not be empty")
        return list(dict.fromkeys(rooms))  # saved twice is saved once, in first-saved order

    @field_validator("download_dir")
    @classmethod
    def _expand(cls, value: Path | None) -> Path | None:
        return value.expanduser() if value is not None else None

    @property
    def secret_in_file(self) -> bool:
        """Whether this profile, written out, puts a secret in the file."""
        return self.application_secret is not None or self.relay_token is not None

    def contact(self, number: str) -> Contact | None:
        """The address book entry for a number in any form normalize_number accepts, or None."""
        try:
            return self.address_book.get(normalize_number(number))
        except ValueError:
            return None

    def display_label(self, name: str, *, sandbox: bool = False) -> str:
        """A one-line description for the header and the profile switcher, e.g. "prod · euc1 · key 1a2b…"."""
        # a custom base URL is where the requests go: its host, not a region that is not used
        where = (urlsplit(self.base_url).netloc or self.base_url) if self.base_url else self.region
        parts = [name, "SANDBOX" if sandbox else where]
        if self.application_key and not sandbox:
            parts.append(f"key {self.application_key[:4]}…")
        if self.read_only:
            parts.append("read-only")
        return " · ".join(parts)


def _default_profiles() -> dict[str, Profile]:
    return {DEFAULT_PROFILE: Profile()}


class ConsoleConfig(BaseModel):
    """The whole file: app-wide choices and the named profiles."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    theme: str = DEFAULT_THEME
    """A Textual theme name (ctrl+p "app: change theme" saves it here)."""
    profiles: dict[str, Profile] = Field(default_factory=_default_profiles)
    """Profile name -> profile. A file without profiles has one empty "default" profile (the sandbox)."""
    default_profile: str = Field(default=None, validate_default=True)
    """The profile used without --profile or SINCH_PROFILE. Unset: "default", or else the first in the file.
    (Declared after `profiles` so its validator can check the name against them.)"""

    @field_validator("theme")
    @classmethod
    def _theme(cls, value: str) -> str:
        if not value.strip():
            raise ValueError('a theme name must not be empty, e.g. "textual-dark" or "nord"')
        return value.strip()

    @field_validator("profiles")
    @classmethod
    def _profile_names(cls, value: dict[str, Profile]) -> dict[str, Profile]:
        for name in value:
            if not _PROFILE_NAME.fullmatch(name):
                raise ValueError(f"{name!r} is not a profile name: use letters, digits, '-' and '_'")
        return value or _default_profiles()  # `profiles = {}` written out: still one empty profile to run on

    @field_validator("default_profile", mode="before")
    @classmethod
    def _names_a_profile(cls, value: str | None, info: ValidationInfo) -> str | None:
        profiles = info.data.get("profiles")
        if profiles is None:  # profiles failed validation: that error is the one to report
            return value or DEFAULT_PROFILE
        if value is None:
            return DEFAULT_PROFILE if DEFAULT_PROFILE in profiles else next(iter(profiles))
        if value not in profiles:
            raise ValueError(f"{value!r} names no profile; known profiles: {', '.join(profiles)}")
        return value

    def profile(self, name: str) -> Profile:
        """The named profile; KeyError names the known ones."""
        try:
            return self.profiles[name]
        except KeyError:
            raise KeyError(f"unknown profile {name!r}; known profiles: {', '.join(self.profiles)}") from None
