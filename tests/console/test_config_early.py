"""`console.config.early`: the look at the config file before pydantic loads (the theme of the first frame,
whether the sandbox can be spawned before Textual loads)."""

from __future__ import annotations

from pathlib import Path

from console.config import resolve_settings
from console.config.early import early_look


def test_no_file_and_no_key_in_the_environment_is_certainly_the_sandbox(tmp_path: Path) -> None:
    look = early_look(tmp_path / "missing.toml", {})
    assert look.sandbox_certain and look.theme is None
    assert resolve_settings(tmp_path / "missing.toml", env={}).uses_sandbox  # the settings agree


def test_a_key_in_the_environment_or_any_profile_leaves_it_to_the_settings(tmp_path: Path) -> None:
    assert not early_look(tmp_path / "missing.toml", {"SINCH_APPLICATION_KEY": "k"}).sandbox_certain
    config = tmp_path / "config.toml"
    config.write_text('theme = "nord"\n[profiles.default]\nrooms = ["a"]\n[profiles.prod]\napplication_key = "k"\n')
    look = early_look(config, {})
    assert not look.sandbox_certain and look.theme == "nord"
    assert early_look(config, {}, sandbox_flag=True).sandbox_certain  # --sandbox decides alone


def test_an_unreadable_file_is_not_known_yet_never_an_error(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('theme = "nord\n')  # not TOML: resolving the settings reports it with its line
    look = early_look(config, {})
    assert look.theme is None and not look.sandbox_certain
    assert early_look(config, {"SINCH_APPLICATION_KEY": ""}, sandbox_flag=True).sandbox_certain
    assert early_look(tmp_path, {}).sandbox_certain is False  # a folder where the file should be

