"""Writing the config file back: only what changed, atomically, owner-only when it holds a secret.

tomlkit (imported only when saving) edits the document in place, so a hand-written file keeps its comments,
layout and the keys this version does not know; a field is rewritten only when its value really changed. The
new text is validated before it is written, and a file that does not load (bad TOML or a bad value) is never
written over: the user is editing it, and their edit wins. Saves within this process are serialised by a
lock; across processes os.replace makes the last writer win whole, never a torn file.

These functions touch the disk and fsync: call them from a worker or asyncio.to_thread, not the UI loop.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from api.models.views import Contact
from console.config.errors import ConfigError
from console.config.load import LoadedFile, parse_config_text, read_config_file
from console.config.models import ConsoleConfig, Profile
from console.files import atomic_write

if TYPE_CHECKING:
    from tomlkit.container import Container
    from tomlkit.items import Table

_LOCK = threading.RLock()


def save_config(config: ConsoleConfig, path: Path) -> None:
    """Write `config` to `path`, keeping the file's comments and unknown keys; raises ConfigError (and
    writes nothing) when the file on disk does not load."""
    with _LOCK:
        _save(config, path, _read_for_save(path))


def update_config(path: Path, change: Callable[[ConsoleConfig], ConsoleConfig]) -> ConsoleConfig:
    """Read-modify-write under the lock: `change` gets the config on disk and returns the one to save."""
    with _LOCK:
        loaded = _read_for_save(path)
        updated = change(loaded.config)
        _save(updated, path, loaded)
        return updated


def add_saved_room(path: Path, profile: str, room: str) -> ConsoleConfig:
    """Save `room` in `profile` (created when missing, e.g. the implicit "default"); saving twice is a no-op."""
    def change(config: ConsoleConfig) -> ConsoleConfig:
        current = config.profiles.get(profile, Profile())
        return with_profile(config, profile, with_fields(current, rooms=[*current.rooms, room]))

    return update_config(path, change)


def remove_saved_room(path: Path, profile: str, room: str) -> ConsoleConfig:
    """Forget a saved room; a room or profile that is not there is not an error."""
    def change(config: ConsoleConfig) -> ConsoleConfig:
        current = config.profiles.get(profile)
        if current is None or room not in current.rooms:
            return config
        return with_profile(config, profile, with_fields(current, rooms=[r for r in current.rooms if r != room]))

    return update_config(path, change)


def set_theme(path: Path, theme: str) -> ConsoleConfig:
    """Remember the Textual theme chosen in the app."""
    return update_config(path, lambda config: ConsoleConfig.model_validate({**_fields(config), "theme": theme}))


def with_fields(profile: Profile, **changes: Any) -> Profile:
    """A validated copy of `profile` with `changes` (model_copy would skip validation)."""
    return Profile.model_validate({**profile.model_dump(), **changes})


def with_profile(config: ConsoleConfig, name: str, profile: Profile) -> ConsoleConfig:
    """A validated copy of `config` with profile `name` added or replaced."""
    return ConsoleConfig.model_validate({**_fields(config), "profiles": {**config.profiles, name: profile}})


def _fields(config: ConsoleConfig) -> dict[str, Any]:
    return {"theme": config.theme, "profiles": config.profiles, "default_profile": config.default_profile}


def _read_for_save(path: Path) -> LoadedFile:
    try:
        return read_config_file(path)
    except ConfigError as exc:
        raise ConfigError(exc.path, f"not saved, because the file does not load: {exc.reason}", line=exc.line,
                          column=exc.column, key=exc.key,
                          advice="Fix it (or move it away) and try again; the file was left as it is") from None


def _save(config: ConsoleConfig, path: Path, on_disk: LoadedFile) -> None:
    import tomlkit

    document = tomlkit.parse(on_disk.text) if on_disk.exists else tomlkit.document()
    if not _merge(document, config, on_disk.config if on_disk.exists else None):
        return
    text = tomlkit.dumps(document)
    written = parse_config_text(path, text).config  # never write a file we could not read back...
    if written != config:  # ...or one that would read back as something else
        raise ConfigError(path, "not saved: the file would not read back as the settings being saved",
                          advice="This is a bug in sinch-console; the file was left as it is")
    private = any(profile.secret_in_file for profile in written.profiles.values())
    atomic_write(path, text, private=private)


def _merge(document: Container, config: ConsoleConfig, old: ConsoleConfig | None) -> bool:
    """Apply `config` to the parsed file; True when anything changed."""
    import tomlkit

    before = old or ConsoleConfig()
    changed = False
    for key in ("theme", "default_profile"):
        value = getattr(config, key)
        if value != getattr(before, key):
            document[key] = value  # tomlkit puts a new top-level key before the first table
            changed = True
    tables = document.get("profiles")
    for name in [n for n in before.profiles if n not in config.profiles]:
        if tables is not None and name in tables:
            del tables[name]
            changed = True
    updates = {name: _profile_changes(profile, before.profiles.get(name) or Profile())
               for name, profile in config.profiles.items()}
    if tables is None and any(updates.values()):
        tables = tomlkit.table(is_super_table=True)
        document["profiles"] = tables
    for name, fields in updates.items():
        # An unchanged empty profile still needs its table once the file has any: "default" is implied
        # only while there are none.
        if tables is None or (not fields and name in tables):
            continue
        if name not in tables:
            tables[name] = tomlkit.table()
        table: Table = tables[name]
        for field, value in fields.items():
            if value is None:
                table.pop(field, None)
            else:
                table[field] = value
        changed = True
    return changed


def _profile_changes(profile: Profile, before: Profile) -> dict[str, Any]:
    """Fields whose value differs from the file's, as TOML-ready values (None: remove the key)."""
    return {field: _toml_value(getattr(profile, field)) for field in Profile.model_fields
            if getattr(profile, field) != getattr(before, field)}


def _toml_value(value: Any) -> Any:
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {k: _toml_value(v) for k, v in value.items()}
    if isinstance(value, Contact):  # an address-book entry: its name, and moderator only when set
        return {"name": value.name, "moderator": True} if value.moderator else {"name": value.name}
    if hasattr(value, "model_dump"):
        return value.model_dump(exclude_defaults=True)
    return value
