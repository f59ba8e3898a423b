"""Every subcommand of the command line twin against the in-process sandbox: output, JSON shapes, exit codes,
audit lines. `main()` runs in this process with an injected backend (console.backend.connect_in_process)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from console.backend import connect_in_process
from console.cli import SUBCOMMANDS, main, wants_cli
from console.cli.output import table
from console.gateway import read_only_text


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


class Run:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __call__(self, *argv: str, tty: bool = False) -> tuple[int, str, str]:
        out, err = (Tty() if tty else io.StringIO()), io.StringIO()
        code = main(list(argv), backend_factory=lambda resolved: connect_in_process(), folder=self.folder,
                    stdout=out, stderr=err)
        return code, out.getvalue(), err.getvalue()

    def json(self, *argv: str) -> Any:
        code, out, err = self(*argv)
        assert code == 0, err
        assert "Traceback" not in err
        return json.loads(out)

    def audit(self) -> list[dict[str, Any]]:
        path = self.folder / "audit.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
def run(tmp_path: Path) -> Run:
    return Run(tmp_path / "data")


def first_call(run: Run, room: str = "standup") -> dict[str, Any]:
    return run.json("conference", "show", room)["participants"][0]


# ---- conference ------------------------------------------------------------------------------------------

def test_cli_conference_show_json_shape(run: Run) -> None:
    data = run.json("conference", "show", "standup", "--json")
    assert data["conferenceId"] == "standup"
    assert data["participants"]
    assert {"id", "cli", "duration", "muted"} <= set(data["participants"][0])


def test_cli_conference_show_table_on_a_terminal(run: Run) -> None:
    code, out, err = run("conference", "show", "standup", tty=True)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("standup: ") and "participant" in lines[0]
    assert lines[1].split()[:3] == ["CALL", "ID", "WHO"]
    assert len(lines) >= 3
    with pytest.raises(json.JSONDecodeError):
        json.loads(out)


def test_cli_json_flag_wins_on_a_terminal(run: Run) -> None:
    code, out, _ = run("--json", "conference", "show", "standup", tty=True)
    assert code == 0 and json.loads(out)["conferenceId"] == "standup"


def test_cli_conference_show_unknown_room_is_not_found(run: Run) -> None:
    code, out, err = run("conference", "show", "no-such-room")
    assert code == 3 and out == ""
    assert "Not found (40400)" in err


def test_cli_mute_unmute_are_audited_like_the_tui(run: Run) -> None:
    person = first_call(run)
    data = run.json("conference", "mute", "standup", person["id"])
    assert data["ok"] is True and data["action"] == "mute" and data["callId"] == person["id"]
    assert data["cli"] == person["cli"]
    assert {"ok", "action", "room", "callId", "cli", "text"} == set(data)
    assert run.json("conference", "unmute", "standup", person["id"])["action"] == "unmute"
    lines = run.audit()
    assert [(line["action"], line["phase"], line["outcome"]) for line in lines] == [
        ("mute", "attempt", None), ("mute", "outcome", "ok"), ("unmute", "attempt", None), ("unmute", "outcome", "ok")]
    assert {line["profile"] for line in lines} == {"default@sandbox"}
    assert lines[0]["room"] == "standup" and lines[0]["call_id"] == person["id"] and lines[0]["cli"] == person["cli"]


def test_cli_mute_unknown_call_is_not_found(run: Run) -> None:
    code, _, err = run("conference", "mute", "standup", "no-such-call")
    assert code == 3 and "Not found (40400)" in err


def test_cli_kick_needs_yes(run: Run) -> None:
    person = first_call(run)
    code, out, err = run("conference", "kick", "standup", person["id"])
    assert code == 5 and out == "" and "--yes" in err
    assert run.audit() == []  # nothing was sent
    data = run.json("conference", "kick", "standup", person["id"], "--yes")
    assert data["ok"] and data["action"] == "kick"
    assert [line["action"] for line in run.audit()] == ["kick", "kick"]


def test_cli_kick_all_needs_yes(run: Run) -> None:
    code, _, err = run("conference", "kick-all", "standup")
    assert code == 5 and "--yes" in err
    data = run.json("conference", "kick-all", "standup", "--yes")
    assert data["ok"] and data["action"] == "kick_all" and "Kicked everyone" in data["text"]
    assert [(line["action"], line["outcome"]) for line in run.audit()] == [("kick_all", None), ("kick_all", "ok")]


def test_cli_read_only_refuses_with_5(run: Run) -> None:
    person = first_call(run)
    code, _, err = run("--read-only", "conference", "mute", "standup", person["id"])
    assert code == 5 and err == f"sinch-console: {read_only_text('mute')}\n"
    code, _, err = run("recordings", "delete", "some-key.wav", "--yes", "--read-only")
    assert code == 5 and err == f"sinch-console: {read_only_text('delete_recording')}\n"
    refused = [line for line in run.audit() if line["outcome"] == "refused"]  # the gateway audits each refusal
    assert [line["action"] for line in refused] == ["mute", "delete_recording"]


# ---- callouts and calls ----------------------------------------------------------------------------------

def test_cli_callout_tts_then_call_show(run: Run) -> None:
    data = run.json("callout", "tts", "+46701234567", "--text", "Hello from a script", "--locale", "en-GB")
    assert data["ok"] and data["status"] == "placed" and data["kind"] == "tts" and data["callId"]
    assert data["destination"] == "+46701234567"
    assert [(line["action"], line["outcome"]) for line in run.audit()] == [("callout", None), ("callout", "ok")]


def test_cli_callout_conference(run: Run) -> None:
    data = run.json("callout", "conference", "+46701234567", "--room", "standup", "--cli", "+46850512345")
    assert data["ok"] and data["kind"] == "conference" and data["room"] == "standup"


def test_cli_callout_bad_number_is_refused_in_words(run: Run) -> None:
    code, out, err = run("callout", "tts", "not a number", "--text", "hi")
    assert code == 1 and out == "" and "not sent" in err.lower() and "Traceback" not in err


def test_cli_call_show(run: Run) -> None:
    person = first_call(run)
    data = run.json("call", "show", person["id"])
    assert data["callId"] == person["id"]
    assert {"callId", "status"} <= set(data)
    code, out, _ = run("call", "show", person["id"], tty=True)
    assert code == 0 and "callId" in out and person["id"] in out


def test_cli_call_show_unknown_is_3(run: Run) -> None:
    code, out, err = run("call", "show", "no-such-call")
    assert code == 3 and out == "" and "Not found (40400)" in err


# ---- recordings ------------------------------------------------------------------------------------------

def listed(run: Run) -> dict[str, Any]:
    return run.json("recordings", "list", "--from", "2026-11-01", "--to", "2026-11-30")


def test_cli_recordings_list(run: Run) -> None:
    data = listed(run)
    assert {"from", "to", "page", "pageSize", "recordings"} == set(data)
    assert data["recordings"] and {"key", "createdOn"} <= set(data["recordings"][0])
    paged = run.json("recordings", "list", "--from", "2026-11-01", "--to", "2026-11-30", "--page-size", "1")
    assert len(paged["recordings"]) == 1 and paged["pageSize"] == 1
    code, out, _ = run("recordings", "list", "--from", "2026-11-01", "--to", "2026-11-30", tty=True)
    assert code == 0 and out.splitlines()[1].split()[:3] == ["KEY", "CALL", "ID"]


def test_cli_recordings_list_bad_range(run: Run) -> None:
    code, _, err = run("recordings", "list", "--from", "2026-11-30", "--to", "2026-11-01")
    assert code == 1 and "Traceback" not in err and err


def test_cli_recordings_download_and_conflicts(run: Run, tmp_path: Path) -> None:
    key = listed(run)["recordings"][0]["key"]
    folder = tmp_path / "downloads"
    data = run.json("recordings", "download", key, "--to", str(folder))
    assert data["state"] == "done" and Path(data["path"]).is_file() and Path(data["path"]).parent == folder
    code, _, err = run("recordings", "download", key, "--to", str(folder))
    assert code == 5 and "--overwrite" in err
    assert run.json("recordings", "download", key, "--to", str(folder), "--overwrite")["state"] == "done"
    assert [line["action"] for line in run.audit()] == ["download_recording"] * 4


def test_cli_recordings_download_unknown_is_3(run: Run, tmp_path: Path) -> None:
    code, _, err = run("recordings", "download", "no-such-key.wav", "--to", str(tmp_path))
    assert code == 3 and "Not found" in err


def test_cli_recordings_delete_needs_yes(run: Run) -> None:
    key = listed(run)["recordings"][0]["key"]
    code, out, err = run("recordings", "delete", key)
    assert code == 5 and out == "" and "--yes" in err
    data = run.json("recordings", "delete", key, "--yes")
    assert data == {"key": key, "deleted": True, "alreadyGone": False, "text": f"Deleted {key}"}
    assert [(line["action"], line["outcome"]) for line in run.audit()] == [
        ("delete_recording", None), ("delete_recording", "ok")]
    code, _, err = run("recordings", "delete", "no-such-key.wav", "--yes")
    assert code == 3 and "Not found" in err


# ---- numbers and callbacks -------------------------------------------------------------------------------

def test_cli_numbers_list(run: Run) -> None:
    data = run.json("numbers", "list")
    assert data["applicationKey"] and data["numbers"]
    assert {"number", "assignment"} <= set(data["numbers"][0])
    code, out, _ = run("numbers", "list", tty=True)
    assert code == 0 and "numbers" in out.splitlines()[0] and out.splitlines()[1].startswith("NUMBER")


def test_cli_callbacks_show_and_set(run: Run) -> None:
    assert run.json("callbacks", "show") == {"primary": None, "fallback": None}
    code, _, err = run("callbacks", "set", "--primary", "https://a.example/cb")
    assert code == 5 and "--yes" in err
    data = run.json("callbacks", "set", "--primary", "https://a.example/cb", "--fallback", "https://b.example/cb",
                    "--yes")
    assert data["ok"] and data["stored"] == {"primary": "https://a.example/cb", "fallback": "https://b.example/cb"}
    assert [(line["action"], line["outcome"]) for line in run.audit()] == [
        ("update_callbacks", None), ("update_callbacks", "ok")]
    code, _, err = run("callbacks", "set", "--primary", "ftp://nope", "--yes")
    assert code == 1 and "primary" in err
    code, _, err = run("--read-only", "callbacks", "set", "--primary", "https://a.example/cb", "--yes")
    assert code == 5 and "Read-only" in err
    code, out, _ = run("callbacks", "show", tty=True)
    assert code == 0 and out.startswith("primary")
    secret = run.json("callbacks", "set", "--primary", "https://bob:s3cret@a.example/cb", "--yes")
    assert secret["ok"] and "s3cret" not in json.dumps(secret)  # JSON lands in CI logs: masked like the screen
    assert secret["stored"]["primary"].startswith("https://bob:") and secret["stored"]["primary"].endswith(
        "@a.example/cb")


def test_cli_number_query(run: Run) -> None:
    data = run.json("number", "query", "+46 70 123 45 67")
    assert data["number"] == "+46701234567"
    assert {"countryId", "numberType"} <= set(data["numberItem"])
    code, out, _ = run("number", "query", "+46701234567", tty=True)
    assert code == 0 and "Country" in out and "SE" in out
    code, _, err = run("number", "query", "hello")
    assert code == 1 and "Not sent" in err


# ---- usage -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("argv", [["nope"], ["conference"], ["conference", "show"], ["--region", "mars", "numbers",
                                                                                     "list"],
                                  ["recordings", "list", "--page", "x"]])
def test_cli_usage_errors_are_2(run: Run, argv: list[str]) -> None:
    code, out, _ = run(*argv)
    assert code == 2 and out == ""


def test_cli_help_documents_exit_codes(run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("--help")[0] == 0
    text = capsys.readouterr().out
    assert "exit codes:" in text and "5  refused" in text and "--sandbox" in text and "only as long" in text
    assert run("recordings", "delete", "--help")[0] == 0
    assert "--yes" in capsys.readouterr().out


def test_cli_bad_config_is_2(run: Run, tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("this is = = not toml\n")
    code, _, err = run("--config", str(config), "numbers", "list")
    assert code == 2 and str(config.name) in err


def test_cli_wants_cli_tells_subcommands_from_tui_flags() -> None:
    assert not wants_cli([])
    assert not wants_cli(["--sandbox", "--room", "standup", "--seed", "3"])
    assert not wants_cli(["--profile", "conference"])  # a profile named like a subcommand
    assert wants_cli(["--sandbox", "conference", "show", "standup"])
    assert wants_cli(["--profile=prod", "numbers", "list"])
    assert all(wants_cli([name]) for name in SUBCOMMANDS)


def test_cli_table_aligns_columns() -> None:
    assert table(("a", "long name"), [("xyz", None), ("1", "2")]).splitlines() == [
        "A    LONG NAME", "xyz", "1    2"]
