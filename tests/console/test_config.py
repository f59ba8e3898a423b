"""Config and profiles: the TOML file, environment and flag precedence, errors that name the line, safe saves."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr, ValidationError

from console.config import (
    ConfigError,
    ConsoleConfig,
    Contact,
    Profile,
    UnknownProfileError,
    add_saved_room,
    atomic_write,
    data_dir,
    default_config_path,
    load_config,
    read_config_file,
    remove_saved_room,
    resolve_settings,
    save_config,
    set_theme,
    with_fields,
    with_profile,
)
from console.config.errors import line_of
from console.config.save import _toml_value

SECRET = "JViE5vDor0Sw3WllZka15Q=="
OTHER_SECRET = "c2Vjb25kIHNlY3JldA=="
EXAMPLE = """\
# written by hand
default_profile = "prod"
theme = "nord"  # the theme I like

[profiles.prod]
application_key = "1a2b3c4d5e6f"
region = "euc1"
rooms = ["standup"]  # every morning
future_option = 3

[profiles.prod.address_book."+46708168731"]
name = "Ada"
moderator = true

[profiles.prod.keymap]
"conference.mute" = "ctrl+m"

[profiles.dev]
base_url = "http://127.0.0.1:8700/"
"""


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(EXAMPLE)
    return path


def no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


# ---- paths -----------------------------------------------------------------------------------------------


def test_paths_follow_platformdirs(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_config_path() == tmp_path / "cfg" / "sinch-console" / "config.toml"
    assert not default_config_path().parent.exists()  # reading never creates anything
    folder = data_dir()
    assert folder == tmp_path / "data" / "sinch-console" and folder.is_dir()


# ---- models ----------------------------------------------------------------------------------------------


def test_example_file_loads(config_file):
    config = load_config(config_file)
    assert (config.default_profile, config.theme, list(config.profiles)) == ("prod", "nord", ["prod", "dev"])
    prod = config.profiles["prod"]
    assert prod.region == "euc1" and prod.rooms == ["standup"] and prod.poll_interval == 1.0
    assert prod.address_book == {"+46708168731": Contact(name="Ada", moderator=True)}
    assert prod.keymap == {"conference.mute": "ctrl+m"}
    assert config.profiles["dev"].base_url == "http://127.0.0.1:8700"


def test_missing_file_is_one_sandbox_profile(tmp_path):
    config = load_config(tmp_path / "nope.toml")
    assert config.default_profile == "default" and list(config.profiles) == ["default"]
    resolved = resolve_settings(tmp_path / "nope.toml", env={})
    assert resolved.uses_sandbox and resolved.profile_name == "default" and resolved.label == "default · SANDBOX"


def test_an_address_book_entry_needs_a_name_and_saves_as_written():
    with pytest.raises(ValidationError, match="name must not be empty"):
        Profile(address_book={"+46708168731": {"name": " ", "moderator": True}})
    profile = Profile(address_book={"+46708168731": {"name": "Ada", "moderator": True, "note": "ignored"},
                                    "+46701234567": {"name": "Bo"}})
    assert profile.address_book["+46708168731"] == Contact("Ada", moderator=True)
    assert _toml_value(profile.address_book) == {"+46708168731": {"name": "Ada", "moderator": True},
                                                 "+46701234567": {"name": "Bo"}}


def test_address_book_numbers_are_normalised():
    profile = Profile(address_book={"0046 70-816 87 31": {"name": "Ada"}, "46701234567": {"name": "Bo"}})
    assert set(profile.address_book) == {"+46708168731", "+46701234567"}
    assert profile.contact("+46 70 816 87 31") == Contact(name="Ada") and profile.contact("garbage") is None


@pytest.mark.parametrize("keys", ["", "ctrl+", "hyperspace+m", "ctrl m", " m"])
def test_bad_key_strings_are_refused(keys):
    with pytest.raises(ValidationError):
        Profile(keymap={"conference.mute": keys})


@pytest.mark.parametrize("keys", ["m", "M", "ctrl+m", "shift+f5,K", "question_mark", "+", "ctrl+shift+k"])
def test_good_key_strings(keys):
    assert Profile(keymap={"conference.mute": keys}).keymap["conference.mute"] == keys


@pytest.mark.parametrize("binding", ["mute", "Conference.mute", "conference.", "conference mute"])
def test_binding_ids_are_area_dot_action(binding):
    with pytest.raises(ValidationError):
        Profile(keymap={binding: "m"})


def test_profile_fields_are_checked():
    for bad in ({"region": "moon"}, {"poll_interval": 0.1}, {"poll_interval": 61}, {"base_url": "calling.example"},
                {"application_secret": "not base64!"}, {"rooms": ["  "]}, {"application_key": " "}):
        with pytest.raises(ValidationError):
            Profile(**bad)
    assert Profile(rooms=["a", " b ", "a"]).rooms == ["a", "b"]
    assert Profile(download_dir="~/calls").download_dir == Path.home() / "calls"


def test_every_field_has_a_docstring():
    for model in (Profile, ConsoleConfig):  # an address-book entry is api.models.views.Contact, described there
        source = Path(__import__(model.__module__, fromlist=["x"]).__file__).read_text()
        for name in model.model_fields:
            block = source.split(f"class {model.__name__}(", 1)[1]
            after = block.split(f"\n    {name}:", 1)[1].split("\n", 2)[1]
            assert after.strip().startswith('"""'), f"{model.__name__}.{name} has no docstring"


def test_secrets_never_in_repr_or_label():
    profile = Profile(application_key="1a2b3c4d", application_secret=SECRET, relay_token="tok-123", region="euc1")
    config = ConsoleConfig(profiles={"prod": profile})
    for text in (repr(profile), str(profile), repr(config), str(config), profile.model_dump_json()):
        assert SECRET not in text and "tok-123" not in text
    assert profile.display_label("prod") == "prod · euc1 · key 1a2b…"
    assert with_fields(profile, read_only=True).display_label("prod") == "prod · euc1 · key 1a2b… · read-only"


def test_a_custom_base_url_is_named_by_its_host_not_a_region():
    profile = Profile(application_key="1a2b3c4d", base_url="https://calling.proxy.example:8443", region="euc1")
    assert profile.display_label("staging") == "staging · calling.proxy.example:8443 · key 1a2b…"


def test_default_profile_rules():
    assert ConsoleConfig(profiles={"b": Profile(), "a": Profile()}).default_profile == "b"  # first in the file
    assert ConsoleConfig(profiles={"b": Profile(), "default": Profile()}).default_profile == "default"
    assert list(ConsoleConfig(profiles={}).profiles) == ["default"]
    with pytest.raises(ValidationError, match="names no profile; known profiles: a"):
        ConsoleConfig(default_profile="zz", profiles={"a": Profile()})
    with pytest.raises(ValidationError):
        ConsoleConfig(profiles={"has space": Profile()})


# ---- errors name the line ---------------------------------------------------------------------------------


def test_syntax_error_names_file_and_line(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('theme = "nord"\n\n[profiles.prod]\nregion = euc1\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    error = caught.value
    assert error.path == path and error.line == 4 and error.column
    assert str(error).startswith(f"{path}, line 4, column") and "not valid TOML" in str(error)
    assert "Fix that line" in str(error)


@pytest.mark.parametrize(("text", "line", "key"), [
    ('[profiles.prod]\nregion = "euc1"\npoll_interval = 100\n', 3, "profiles.prod.poll_interval"),
    ('[profiles.prod]\nregion = "mars"\n', 2, "profiles.prod.region"),
    ('theme = "x"\n[profiles.a]\n[profiles.b]\nrooms = ["a", ""]\n', 4, "profiles.b.rooms"),
    ('[profiles.prod]\nregion = "euc1"\n\n[profiles.prod.address_book."+1 2"]\nname = "Bob"\n', 4,
     'profiles.prod.address_book."+1 2"'),
    ('[profiles.prod.address_book]\n"+46708168731" = { name = "Ada" }\n"12" = { name = "Bo" }\n', 3,
     'profiles.prod.address_book.12'),
    ('[profiles.prod]\nkeymap = { "conference.mute" = "ctrl+" }\n', 2, 'profiles.prod.keymap."conference.mute"'),
    ('[profiles.prod.keymap]\n"conference.mute" = "m"\n"bad id" = "k"\n', 3, 'profiles.prod.keymap."bad id"'),
    ('default_profile = "nope"\n[profiles.prod]\n', 1, "default_profile"),
    ('profiles.prod.region = "x"\n', 1, "profiles.prod.region"),
])
def test_validation_error_names_the_line(tmp_path, text, line, key):
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert (caught.value.line, caught.value.key) == (line, key)
    assert str(caught.value).startswith(f"{path}, line {line} ({key}): ")


def test_wrong_number_error_says_how_to_write_it(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[profiles.prod.address_book."+46 70 1"]\nname = "Ada"\n')
    with pytest.raises(ConfigError, match=r'line 1 .*E\.164, e\.g\. "\+46708168731"'):
        load_config(path)


def test_bad_secret_is_never_quoted(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[profiles.prod]\napplication_secret = "sup3r secret!"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.line == 2 and "sup3r" not in str(caught.value) and "base64" in str(caught.value)


def test_unknown_keys_are_warnings_with_lines(config_file):
    loaded = read_config_file(config_file)
    assert loaded.warnings == (f"{config_file}, line 9: unknown key profiles.prod.future_option is ignored (a typo?)",)


def test_line_of_skips_multiline_strings():
    text = 'note = """\n[profiles.x]\nregion = 1\n"""\n[profiles.x]\nregion = "bad"\n'
    assert line_of(text, ("profiles", "x", "region")) == 6


def test_unreadable_file(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes(b"theme = '\xff'\n")
    with pytest.raises(ConfigError, match="cannot be read"):
        load_config(path)


# ---- environment and flags --------------------------------------------------------------------------------


def test_file_profile_with_env_secret(config_file):
    resolved = resolve_settings(config_file, env={"SINCH_APPLICATION_SECRET": SECRET})
    assert resolved.profile_name == "prod" and not resolved.uses_sandbox
    assert resolved.profile.application_secret == SecretStr(SECRET)
    assert resolved.secret_source == "SINCH_APPLICATION_SECRET"
    assert resolved.label == "prod · euc1 · key 1a2b…"
    assert resolved.config.profiles["prod"].application_secret is None  # the file's view stays the file's
    assert SECRET not in repr(resolved)


def test_secret_precedence(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(f'[profiles.p]\napplication_key = "k"\napplication_secret = "{SECRET}"\n'
                    'application_secret_env = "MY_SECRET"\n')
    file_only = resolve_settings(path, env={})
    named = resolve_settings(path, env={"MY_SECRET": OTHER_SECRET})
    both = resolve_settings(path, env={"MY_SECRET": OTHER_SECRET, "SINCH_APPLICATION_SECRET": "ZW52"})
    assert file_only.profile.application_secret.get_secret_value() == SECRET
    assert file_only.secret_source == "config file"
    assert named.profile.application_secret.get_secret_value() == OTHER_SECRET and named.secret_source == "$MY_SECRET"
    assert both.profile.application_secret.get_secret_value() == "ZW52"
    assert "MY_SECRET, which is not set" in file_only.warnings[-1]


def test_env_and_flag_precedence(config_file):
    env = {"SINCH_APPLICATION_KEY": "envkey", "SINCH_REGION": "use1", "SINCH_PROFILE": "dev",
           "SINCH_APPLICATION_SECRET": SECRET}
    from_env = resolve_settings(config_file, env=env)
    assert (from_env.profile_name, from_env.profile.region, from_env.profile.application_key) == ("dev", "use1",
                                                                                                   "envkey")
    flags = resolve_settings(config_file, "prod", env=env, region="apse2", rooms=["extra", "standup"],
                             read_only=True, poll_interval=5)
    assert (flags.profile_name, flags.profile.region, flags.profile.read_only) == ("prod", "apse2", True)
    assert flags.profile.rooms == ["standup", "extra"] and flags.saved_rooms == ["standup"]
    assert flags.profile.poll_interval == 5
    assert resolve_settings(config_file, env=env, sandbox=True).uses_sandbox


def test_empty_env_variables_count_as_unset(config_file):
    resolved = resolve_settings(config_file, env={"SINCH_REGION": "", "SINCH_PROFILE": " "})
    assert (resolved.profile_name, resolved.profile.region) == ("prod", "euc1")


def test_no_secret_means_sandbox(config_file):
    resolved = resolve_settings(config_file, env={})
    assert resolved.uses_sandbox and resolved.profile.application_key == "1a2b3c4d5e6f"
    assert resolved.label == "prod · SANDBOX"


def test_bad_env_value_blames_the_variable(config_file):
    with pytest.raises(ConfigError) as caught:
        resolve_settings(config_file, env={"SINCH_REGION": "moon"})
    assert caught.value.path is None and str(caught.value).startswith("SINCH_REGION: ")
    with pytest.raises(ConfigError, match=r"^SINCH_APPLICATION_SECRET: .*base64"):
        resolve_settings(config_file, env={"SINCH_APPLICATION_SECRET": "nope nope"})


@pytest.mark.parametrize(("flag", "env", "source"), [("staging", {}, "--profile"),
                                                     (None, {"SINCH_PROFILE": "staging"}, "SINCH_PROFILE")])
def test_unknown_profile_lists_known_ones(config_file, flag, env, source):
    with pytest.raises(UnknownProfileError) as caught:
        resolve_settings(config_file, flag, env=env)
    message = str(caught.value)
    assert f"unknown profile 'staging' (from {source}); known profiles: prod, dev" in message
    assert "[profiles.staging]" in message


def test_broken_file_stops_resolve(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[profiles.prod\n")
    with pytest.raises(ConfigError, match="line 1"):
        resolve_settings(path, env={})


# ---- saving -------------------------------------------------------------------------------------------------


def test_helpers_keep_comments_unknown_keys_and_other_profiles(config_file):
    add_saved_room(config_file, "prod", "retro")
    add_saved_room(config_file, "prod", "retro")  # twice is once
    set_theme(config_file, "gruvbox")
    text = config_file.read_text()
    assert "# written by hand" in text and "# the theme I like" in text and "future_option = 3" in text
    assert 'rooms = ["standup", "retro"]  # every morning' in text and 'theme = "gruvbox"' in text
    assert '[profiles.dev]\nbase_url = "http://127.0.0.1:8700/"' in text  # untouched profiles untouched
    config = load_config(config_file)
    assert config.profiles["prod"].rooms == ["standup", "retro"] and config.theme == "gruvbox"
    remove_saved_room(config_file, "prod", "standup")
    remove_saved_room(config_file, "prod", "never-saved")
    remove_saved_room(config_file, "ghost", "x")
    assert load_config(config_file).profiles["prod"].rooms == ["retro"]
    assert no_temp_files(config_file.parent)


def test_first_save_creates_file_owner_only(tmp_path):
    path = tmp_path / "new" / "config.toml"
    add_saved_room(path, "default", "standup")
    assert path.read_text() == '[profiles.default]\nrooms = ["standup"]\n'
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    set_theme(path, "nord")
    assert path.read_text().startswith('theme = "nord"\n')
    add_saved_room(path, "prod", "x")
    config = load_config(path)
    assert config.default_profile == "default" and config.profiles["prod"].rooms == ["x"]


def test_secret_makes_file_0600(config_file):
    os.chmod(config_file, 0o644)
    add_saved_room(config_file, "prod", "retro")
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o644  # no secret: the user's mode is kept
    config = load_config(config_file)
    prod = with_fields(config.profiles["prod"], application_secret=SECRET)
    save_config(with_profile(config, "prod", prod), config_file)
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600
    assert load_config(config_file).profiles["prod"].application_secret.get_secret_value() == SECRET


def test_relay_token_also_makes_file_0600(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("")
    os.chmod(path, 0o664)
    save_config(ConsoleConfig(profiles={"default": Profile(relay_token="tok")}), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_save_round_trips_every_field(tmp_path):
    path = tmp_path / "config.toml"
    profile = Profile(application_key="k", application_secret=SECRET, application_secret_env="S", region="sae1",
                      base_url="https://a.example", config_base_url="https://b.example", relay_url="wss://r.example",
                      relay_token="t", poll_interval=2.5, rooms=["r1", "r2"],
                      address_book={"+46708168731": {"name": "Ada", "moderator": True}, "+46701234567": {"name": "B"}},
                      keymap={"conference.mute": "ctrl+m", "app.help": "f1"}, read_only=True, download_dir="/tmp/x")
    config = ConsoleConfig(theme="nord", default_profile="p", profiles={"p": profile, "q": Profile()})
    save_config(config, path)
    assert load_config(path) == config
    save_config(ConsoleConfig(profiles={"q": Profile()}), path)  # profiles removed from the config go
    assert list(load_config(path).profiles) == ["q"]


@pytest.mark.parametrize("broken", ["[profiles.prod\n", '[profiles.prod]\npoll_interval = 0\n'])
def test_broken_file_is_never_overwritten(tmp_path, broken):
    path = tmp_path / "config.toml"
    path.write_text(broken)
    before = path.stat().st_mtime_ns
    for attempt in (lambda: add_saved_room(path, "prod", "x"), lambda: set_theme(path, "nord"),
                    lambda: save_config(ConsoleConfig(), path)):
        with pytest.raises(ConfigError) as caught:
            attempt()
        assert "not saved, because the file does not load" in str(caught.value) and caught.value.line
        assert "left as it is" in str(caught.value)
    assert path.read_text() == broken and path.stat().st_mtime_ns == before
    assert no_temp_files(tmp_path)


def test_unchanged_save_does_not_touch_the_file(config_file):
    before = config_file.stat().st_mtime_ns
    save_config(load_config(config_file), config_file)
    remove_saved_room(config_file, "prod", "absent")
    assert config_file.stat().st_mtime_ns == before and config_file.read_text() == EXAMPLE


def test_save_writes_through_a_symlink(tmp_path, config_file):
    link = tmp_path / "link.toml"
    link.symlink_to(config_file)
    set_theme(link, "dracula")
    assert link.is_symlink() and load_config(config_file).theme == "dracula"


def test_atomic_write_cleans_up_on_failure(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    path.write_text("old")

    def fail(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="No space"):
        atomic_write(path, "new", private=False)
    assert path.read_text() == "old" and no_temp_files(tmp_path)


def test_concurrent_helpers_lose_no_room(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    path = tmp_path / "config.toml"
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: add_saved_room(path, "default", f"room-{i}"), range(24)))
    assert sorted(load_config(path).profiles["default"].rooms) == sorted(f"room-{i}" for i in range(24))


@given(st.lists(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12)
                .filter(str.strip), max_size=5),
       st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20).filter(str.strip))
def test_any_room_and_theme_round_trip(tmp_path_factory, rooms, theme):
    path = tmp_path_factory.mktemp("rt") / "config.toml"
    config = ConsoleConfig(theme=theme, profiles={"default": Profile(rooms=rooms)})
    save_config(config, path)
    assert load_config(path) == config


def test_missing_file_with_env_credentials_is_live(tmp_path):
    env = {"SINCH_APPLICATION_KEY": "k", "SINCH_APPLICATION_SECRET": SECRET, "SINCH_REGION": "euc1"}
    resolved = resolve_settings(tmp_path / "none.toml", env=env)
    assert not resolved.uses_sandbox and resolved.label == "default · euc1 · key k…"
    with pytest.raises(UnknownProfileError, match="known profiles: default"):
        resolve_settings(tmp_path / "none.toml", "prod", env=env)
