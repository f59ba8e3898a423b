"""Where secrets may live and travel: an open config file holding one is reported (as ssh does), a relay URL
that would carry the token in clear to another machine is refused, the sandbox child inherits no secret, and
saving keeps a file holding a secret owner-only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from pydantic import ValidationError

from console.config import Profile, add_saved_room, read_config_file, resolve_settings
from console.sandbox_process import SandboxProcess, child_environment

SECRET = "JViE5vDor0Sw3WllZka15Q=="
posix = pytest.mark.skipif(os.name != "posix", reason="file modes and /proc are POSIX")


def config_with(tmp_path: Path, body: str, mode: int) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(body)
    os.chmod(path, mode)
    return path


@posix
@pytest.mark.parametrize(("mode", "can"), [(0o644, "read"), (0o640, "read"), (0o604, "read"), (0o620, "change")])
def test_an_open_file_holding_a_secret_is_reported_with_its_mode_and_the_fix(tmp_path, mode, can):
    path = config_with(tmp_path, f'[profiles.default]\napplication_key = "k"\napplication_secret = "{SECRET}"\n',
                       mode)
    warnings = read_config_file(path).warnings
    assert len(warnings) == 1
    assert str(path) in warnings[0] and f"{mode:04o}" in warnings[0] and f"chmod 600 {path}" in warnings[0]
    assert f"can {can} it" in warnings[0] and SECRET not in warnings[0]
    assert resolve_settings(path, env={}).warnings == warnings  # what the CLI and the console print


@posix
def test_a_relay_token_counts_as_a_secret(tmp_path):
    path = config_with(tmp_path, '[profiles.default]\nrelay_url = "wss://r.example"\nrelay_token = "t"\n', 0o644)
    assert any("chmod 600" in warning for warning in read_config_file(path).warnings)


@posix
@pytest.mark.parametrize(("body", "mode"), [
    (f'[profiles.default]\napplication_secret = "{SECRET}"\n', 0o600),
    (f'[profiles.default]\napplication_secret = "{SECRET}"\n', 0o400),
    ('[profiles.default]\napplication_secret_env = "MY_SECRET"\nrooms = ["a"]\n', 0o644),  # no secret in it
])
def test_owner_only_files_and_files_without_secrets_are_not_reported(tmp_path, body, mode):
    assert not any("chmod" in w for w in read_config_file(config_with(tmp_path, body, mode)).warnings)


@posix
def test_saving_into_an_open_file_with_a_secret_makes_it_owner_only_and_quiet(tmp_path):
    path = config_with(tmp_path, f'[profiles.default]\napplication_secret = "{SECRET}"\n', 0o644)
    add_saved_room(path, "default", "standup")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_config_file(path).warnings == ()
    assert sorted(os.listdir(tmp_path)) == ["config.toml"]  # atomic: no temporary file left


@pytest.mark.parametrize("url", [
    "ws://relay.example.com/events", "http://relay.example.com", "ws://10.0.0.5:8600", "ws://[2001:db8::1]/e",
    "ws://127.0.0.1.evil.example/events", "ws://localhost@evil.example/events", "ws://relay.localhost/events",
])
def test_a_clear_text_relay_url_to_another_machine_is_refused(url):
    with pytest.raises(ValidationError, match="travel in clear"):
        Profile(relay_url=url)


@pytest.mark.parametrize("url", [
    "wss://relay.example.com/events", "https://relay.example.com", "ws://127.0.0.1:8600/events",
    "ws://127.5.6.7/events", "ws://localhost:8600", "http://localhost", "ws://[::1]:8600/events",
])
def test_encrypted_or_loopback_relay_urls_are_accepted(url):
    assert Profile(relay_url=url).relay_url == url


def test_a_clear_text_relay_url_in_the_file_names_its_line(tmp_path):
    path = config_with(tmp_path, '[profiles.default]\nrelay_url = "ws://relay.example.com"\n', 0o600)
    from console.config import ConfigError

    with pytest.raises(ConfigError) as caught:
        read_config_file(path)
    assert caught.value.line == 2 and "wss://" in str(caught.value)


def test_the_sandbox_child_environment_holds_no_secret():
    parent = {"PATH": "/bin", "HOME": "/home/op", "LANG": "C.UTF-8", "SINCH_APPLICATION_SECRET": "real",
              "SINCH_APPLICATION_KEY": "real-key", "SINCH_PROFILE": "prod", "PROD_SINCH_SECRET": "named",
              "GITHUB_TOKEN": "t", "AWS_SECRET_ACCESS_KEY": "a", "DB_PASSWORD": "p", "OPENAI_API_KEY": "o",
              "SINCH_SANDBOX_APPLICATION_SECRET": "inherited-throwaway"}
    own = {"SINCH_SANDBOX_APPLICATION_KEY": "k", "SINCH_SANDBOX_APPLICATION_SECRET": "fresh"}
    assert child_environment(parent, own) == {"PATH": "/bin", "HOME": "/home/op", "LANG": "C.UTF-8", **own}


@posix
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads the child's environment in /proc")
def test_the_real_sandbox_child_does_not_inherit_the_application_secret(monkeypatch):
    monkeypatch.setenv("SINCH_APPLICATION_SECRET", "c2VjcmV0LW9mLXRoZS1wYXJlbnQ=")
    monkeypatch.setenv("SINCH_RELAY_TOKEN", "parent-token")
    child = SandboxProcess(scenario="demo")
    try:
        child.wait_ready()
        environ = Path(f"/proc/{child._process.pid}/environ").read_bytes().split(b"\0")
    finally:
        child.stop()
    names = {entry.split(b"=", 1)[0] for entry in environ if entry}
    assert b"SINCH_APPLICATION_SECRET" not in names and b"SINCH_RELAY_TOKEN" not in names
    assert b"SINCH_SANDBOX_APPLICATION_SECRET" in names and b"PATH" in names
