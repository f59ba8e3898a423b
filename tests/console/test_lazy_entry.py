"""The entry point stays light: `sinch-console --help`, a bad flag and the choice between TUI and CLI are made
before Textual or the API client (httpx) is imported, and serve reads the console's flags without importing
`console.__main__` back (the cycle import-linter also forbids)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HEAVY = ("textual", "api.client", "httpx", "console.app", "console.backend")
CONFIG = ("pydantic", "api.models.base", "console.config.models")  # ~0.15 s: no flag check needs them
HTTPX_CLI = ("click", "pygments")  # httpx's command-line tool, loaded by httpx when click is there


def _loaded_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    return set(done.stdout.split())


def test_importing_the_entry_point_loads_neither_textual_nor_the_api_client() -> None:
    loaded = _loaded_after("import console.__main__")
    assert "console.flags" in loaded  # the probe sees the modules the entry point does import
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_help_and_a_bad_flag_are_answered_before_the_configuration_is_loaded() -> None:
    for argv in (["--help"], ["--poll-interval", "soon"]):
        code = (f"from console.__main__ import build_app\ntry:\n    build_app({argv!r})\n"
                "except SystemExit:\n    pass")
        loaded = _loaded_after(code)
        assert "console.flags" in loaded
        assert loaded.isdisjoint(CONFIG), (argv, sorted(loaded & set(CONFIG)))


def test_the_app_is_built_before_the_configuration_and_the_api_client_are_loaded() -> None:
    """Its first frame is drawn before them: the connect worker loads them (`mode_screens.load_session_code`)."""
    loaded = _loaded_after("from console.__main__ import build_app\nbuild_app(['--sandbox'])")
    assert "console.app" in loaded and "textual.app" in loaded
    assert loaded.isdisjoint((*CONFIG, "httpx", "api.client", "console.session", "widgets.roster")), sorted(
        loaded & {*CONFIG, "httpx", "api.client", "console.session", "widgets.roster"})


def test_the_api_client_does_not_load_the_httpx_command_line_tool() -> None:
    loaded = _loaded_after("import api.client\nimport httpx\nassert callable(httpx.main)")
    assert "httpx" in loaded
    assert loaded.isdisjoint(HTTPX_CLI), sorted(loaded & set(HTTPX_CLI))


def test_serve_reads_the_console_flags_without_importing_the_entry_point(tmp_path: Path) -> None:
    flags = ["--sandbox", "--read-only", "--config", str(tmp_path / "config.toml")]
    loaded = _loaded_after(f"from console.serve import parse\nparse({flags!r})")
    assert "console.flags" in loaded
    assert "console.__main__" not in loaded


def test_the_lazy_packages_still_list_and_give_their_names() -> None:
    """dir() (completion in a REPL or notebook), a submodule as an attribute on first use, a star import."""
    code = ("import api.models, console.config, widgets\n"
            "assert {'Conference', 'parse_callback_event'} <= set(dir(api.models))\n"
            "assert 'resolve_settings' in dir(console.config) and 'Roster' in dir(widgets)\n"
            "assert console.config.save.__name__ == 'console.config.save'\n"
            "from api.models import *\n"
            "assert Conference.__name__ == 'Conference'")
    loaded = _loaded_after(code)
    assert "api.models.conferences" in loaded


def test_every_listed_name_of_a_lazy_package_resolves_from_its_type_checking_import() -> None:
    """`__all__` and the TYPE_CHECKING block agree: a name missing from the block would fail only when used."""
    code = ("import importlib\n"
            "for package in ('api.models', 'api.resources', 'console.calls', 'console.config', 'widgets'):\n"
            "    module = importlib.import_module(package)\n"
            "    for name in module.__all__:\n"
            "        assert getattr(module, name) is not None, (package, name)")
    assert "api.models.svaml" in _loaded_after(code)


def test_a_lazy_name_loads_only_the_submodule_that_defines_it() -> None:
    """`normalize_number` is in api.models.common: looking through the submodules in turn had loaded the callout
    models and SVAML (~15 ms of start-up) on the way."""
    loaded = _loaded_after("from api.models import normalize_number\nfrom widgets import Contact")
    assert "api.models.common" in loaded and "widgets.people" in loaded
    assert loaded.isdisjoint(("api.models.callouts", "api.models.svaml", "api.models.callbacks", "widgets.roster"))


def test_a_session_and_the_conferences_screen_load_no_callout_recording_or_svaml_code() -> None:
    """What the first roster needs (`mode_screens.load_session_code`) leaves the other modes' models and the
    Conferences dialogs to their first use (~40 ms of start-up)."""
    loaded = _loaded_after("from console import mode_screens\nmode_screens.load_session_code()")
    assert {"console.session", "console.screens.conferences", "api.client", "console.calls.poller"} <= loaded
    later = ("api.models.svaml", "api.models.callouts", "api.models.recordings", "api.resources.callouts",
             "api.resources.recordings", "console.calls.manage", "console.screens.conference_dialogs",
             "console.screens.participant_panel")
    assert loaded.isdisjoint(later), sorted(loaded & set(later))


def test_no_lazy_package_exports_a_name_its_submodule_has() -> None:
    """`console.calls.manage` was both a submodule and a function the package exported: once anything imported
    the submodule, `from console.calls import manage` gave the module."""
    import importlib

    from api.lazy import type_checking_imports

    for package in ("api.models", "api.resources", "console.calls", "console.config", "widgets"):
        init = Path(importlib.import_module(package).__file__ or "")
        sources = type_checking_imports(init)
        submodules = {module.rpartition(".")[2] for module, _ in sources.values()}
        assert not set(sources) & submodules, (package, sorted(set(sources) & submodules))


def test_a_lazy_name_imported_under_another_name_is_the_object_it_names(tmp_path: Path) -> None:
    from api.lazy import type_checking_imports

    init = tmp_path / "__init__.py"
    init.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from json import dumps as to_json\n")
    assert type_checking_imports(init) == {"to_json": ("json", "dumps")}


def test_the_field_check_knows_textuals_fields_by_name_without_importing_them() -> None:
    """Printable keys stay with a focused field (console.screens.mode.is_field); the check named the classes
    through imports, which loaded TextArea and the other fields with the Conferences screen."""
    loaded = _loaded_after("import console.screens.mode")
    assert loaded.isdisjoint(("textual.widgets._text_area", "textual.widgets._selection_list",
                              "textual.widgets._radio_set", "textual.widgets._checkbox"))
    from textual.widgets import Input, Static, TextArea

    from console.screens.mode import is_field
    from widgets.counted_text import CountedTextArea

    class Input2(Static):  # a name alone is not Textual's field
        pass

    Input2.__name__ = "Input"
    assert is_field(TextArea()) and is_field(Input()) and is_field(CountedTextArea(limit=10))
    assert not is_field(Static()) and not is_field(Input2())
