"""`sinch-console callout ...` when the answer never came: exit 6, the words, the correlation tag on stdout, the
audit line `unknown` (issue 12, item 4); and a number with lookalike digits is refused (item 8)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from api.models.correlation import is_tag
from console.backend import Backend, connect_in_process
from console.cli import main
from console.cli.context import UNKNOWN


class Run:
    """`main()` in this process on an in-process sandbox; `faults` are added to it before the command runs."""

    def __init__(self, folder: Path, faults: list[dict[str, Any]] | None = None) -> None:
        self.folder = folder
        self.faults = faults or []
        self.backend: Backend | None = None

    def _backend(self, resolved: object) -> Backend:
        self.backend = connect_in_process()
        book = self.backend.client._http._transport.app.state.faults
        for number, spec in enumerate(self.faults):
            book.add(f"test-fault-{number}", spec)
        return self.backend

    def __call__(self, *argv: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        code = main(list(argv), backend_factory=self._backend, folder=self.folder, stdout=out, stderr=err)
        return code, out.getvalue(), err.getvalue()

    def calls_custom(self) -> list[str]:
        assert self.backend is not None
        sandbox = self.backend.client._http._transport.app.state.sandbox
        return [call.custom for call in sandbox.calls.values() if call.kind == "tts"]

    def audit(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in (self.folder / "audit.jsonl").read_text().splitlines()]


DROP_AFTER = {"kind": "drop_after", "count": 1, "path": "/calling/v1/callouts"}


def test_an_unanswered_callout_exits_6_with_its_tag(tmp_path: Path) -> None:
    run = Run(tmp_path / "data", [DROP_AFTER])
    code, out, err = run("callout", "tts", "+46701234567", "--text", "Hello from a script")
    assert code == UNKNOWN == 6
    assert "may have been placed: check Calls before sending again" in err and "Traceback" not in err
    data = json.loads(out)
    assert data["status"] == "unknown" and data["ok"] is False and data["callId"] is None
    assert is_tag(data["correlationId"])
    assert run.calls_custom() == [data["correlationId"]]  # placed once, carrying the tag
    assert [(line["phase"], line["outcome"]) for line in run.audit()] == [("attempt", None), ("outcome", "unknown")]


def test_a_placed_callout_reports_its_tag_too(tmp_path: Path) -> None:
    run = Run(tmp_path / "data")
    code, out, err = run("callout", "tts", "+46701234567", "--text", "Hello")
    assert code == 0, err
    data = json.loads(out)
    assert data["callId"] and is_tag(data["correlationId"]) and run.calls_custom() == [data["correlationId"]]


def test_help_documents_exit_code_6(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["callout", "tts", "--help"]) == 0
    assert "6  unknown" in capsys.readouterr().out


def test_a_number_with_lookalike_digits_is_not_sent(tmp_path: Path) -> None:
    run = Run(tmp_path / "data")
    code, out, err = run("callout", "tts", "+7\U0001d7d93\u06647203", "--text", "hi")
    assert code == 1 and out == "" and "not sent" in err.lower() and "0-9" in err
    assert run.calls_custom() == []
