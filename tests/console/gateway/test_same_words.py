"""The console (Pilot), the CLI (main() in this process) and the notebook helper (NotebookChanges on a
SyncSinchVoiceClient) refuse a callout to a restricted number and a read-only change with the same words,
because all three pass the one gateway (console.gateway)."""

from __future__ import annotations

import asyncio
import io
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Input, Static, TextArea

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # console_helpers lives one folder up

from console_helpers import SIZE, Harness, wait_for_roster
from waiting import eventually

from api import SyncSinchVoiceClient
from console.backend import connect_in_process
from console.cli import main
from console.gateway import read_only_text, restricted_text
from console.notebook_changes import NotebookChanges
from console.screens.callouts import CalloutsScreen
from sandbox import server
from widgets import Roster

RESTRICTED = "+46708886666"  # the sandbox's query number calls numbers ending 6666 restricted
RESTRICTED_WORDS = restricted_text(RESTRICTED)
READ_ONLY_MUTE = read_only_text("mute")


def cli(folder: Path, *argv: str) -> tuple[int, str]:
    """Exit code and the words on stderr (without the program's name). main() runs its own event loop: call it
    from a thread."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), backend_factory=lambda resolved: connect_in_process(), folder=folder, stdout=out,
                stderr=err)
    return code, err.getvalue().strip().removeprefix("sinch-console: ")


@pytest.fixture(scope="module")
def running() -> Iterator[server.RunningSandbox]:
    with server.start_sandbox_thread(seed=11) as sandbox:
        yield sandbox


@pytest.fixture
def sync_client(running: server.RunningSandbox) -> Iterator[SyncSinchVoiceClient]:
    with SyncSinchVoiceClient(running.application_key, running.application_secret, base_url=running.url) as client:
        yield client


async def tui_restricted_callout(folder: Path) -> str:
    h = Harness(folder)
    async with h.app.run_test(size=SIZE) as pilot:
        await wait_for_roster(h.app, pilot)
        screen = CalloutsScreen(h.app.session)
        await h.app.push_screen(screen)
        await eventually(lambda: h.app.screen is screen, pilot)
        screen.query_one("#tts-destination", Input).value = RESTRICTED
        screen.query_one("#tts-text", TextArea).text = "Hello"
        await eventually(lambda: screen.preview is not None and screen.preview.restricted, pilot)
        await pilot.press("ctrl+s")
        status = screen.query_one("#callouts-status", Static)
        await eventually(lambda: "Not sent" in str(status.render()), pilot)
        return str(status.render())


async def tui_read_only_mute(folder: Path) -> str:
    h = Harness(folder, read_only=True)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await wait_for_roster(h.app, pilot)
        roster = screen.query_one(Roster)
        roster.focus()
        await pilot.pause()
        offered = {b.binding.action for b in screen.active_bindings.values() if b.binding.show}
        assert "mute_toggle" not in offered and "kick" not in offered  # the footer hides what is refused
        call_id = roster.selected_call_id
        assert call_id is not None
        before = (await h.participants(screen.room or ""))[call_id]["muted"]
        roster.post_message(Roster.MuteToggleRequested(roster, call_id, False))  # mute, reached anyway: refused
        await eventually(lambda: "Read-only" in h.status(), pilot)
        assert (await h.participants(screen.room or ""))[call_id]["muted"] == before  # nothing was sent
        return h.status()


async def test_a_restricted_callout_is_refused_with_the_same_words(tmp_path: Path,
                                                                   sync_client: SyncSinchVoiceClient) -> None:
    tui = await tui_restricted_callout(tmp_path / "tui")
    code, cli_words = await asyncio.to_thread(cli, tmp_path / "cli", "callout", "tts", RESTRICTED, "--text", "Hello")
    notebook = NotebookChanges(sync_client).callout_tts(RESTRICTED, "Hello")
    assert code == 5
    assert notebook.status == "refused"
    assert tui == cli_words == notebook.text == RESTRICTED_WORDS


async def test_a_read_only_change_is_refused_with_the_same_words(tmp_path: Path,
                                                                 sync_client: SyncSinchVoiceClient,
                                                                 running: server.RunningSandbox) -> None:
    tui = await tui_read_only_mute(tmp_path / "tui")
    code, cli_words = await asyncio.to_thread(cli, tmp_path / "cli", "--read-only", "conference", "mute", "standup",
                                             "c-any")
    notebook = NotebookChanges(sync_client, read_only=True).mute(running.rooms[0], "c-any")
    assert code == 5 and notebook.refused
    assert tui == cli_words == notebook.text == READ_ONLY_MUTE
