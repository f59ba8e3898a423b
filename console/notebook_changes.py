"""Changes from a notebook or a script, through the console's gateway: the same refusals, words and audit.

    from api import SyncSinchVoiceClient
    from console.notebook_changes import NotebookChanges

    with SyncSinchVoiceClient(key, secret) as client:
        changes = NotebookChanges(client, read_only=True)
        changes.mute("standup", call_id).text        # 'Read-only profile: mute refused; nothing was sent'
        changes.callout_tts("+46708886666", "Hi").text  # 'Not sent: Destination: … is restricted …'

Blocking calls for notebook cells. Everything runs on the SyncSinchVoiceClient's own loop
(`SyncSinchVoiceClient.call`), where its async client lives: a Gateway, the Moderator and the CalloutSender
are built there once and used there only. No Textual is imported.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

from api.sync import SyncSinchVoiceClient
from console.audit import AuditLog
from console.callouts import CalloutSender, ConferenceForm, Form, SendOutcome, TtsForm, check
from console.calls.manage import ManageOutcome, hangup_svaml, manage
from console.gateway import Gateway
from console.recordings.deletes import DeleteOutcome, delete_recordings
from console.rooms import Moderator, Outcome

T = TypeVar("T")


class NotebookChanges:
    """Mute, kick, callouts, hang-up and recording deletes for a notebook, each a worded outcome."""

    def __init__(self, client: SyncSinchVoiceClient, *, read_only: bool = False,
                 audit_path: Path | None = None, profile: str = "notebook") -> None:
        self.client = client
        self.read_only = read_only
        self.audit = AuditLog(audit_path, profile) if audit_path is not None else None
        """None unless asked for: a notebook does not write to the console's own log by surprise."""
        self._parts: tuple[Gateway, Moderator, CalloutSender] | None = None

    async def _ready(self) -> tuple[Gateway, Moderator, CalloutSender]:
        if self._parts is None:  # built on the client's loop, where they will be used
            gateway = Gateway(self.client.async_client, self.audit, read_only=self.read_only)
            self._parts = (gateway, Moderator(gateway.client, gateway=gateway), CalloutSender(gateway))
        return self._parts

    def _run(self, work: Callable[[], Coroutine[Any, Any, T]]) -> T:
        return self.client.call(work)

    # ---- conferences -------------------------------------------------------------------------------------

    def _moderate(self, command: str, room: str, call_id: str | None = None) -> Outcome:
        async def work() -> Outcome:
            _, moderator, _ = await self._ready()
            await moderator.poll(room)  # who they are: the outcome and the audit line name them
            if command == "kick_all":
                return await moderator.kick_all(room)
            act = {"mute": moderator.mute, "unmute": moderator.unmute, "kick": moderator.kick}[command]
            return await act(room, call_id or "")

        return self._run(work)

    def mute(self, room: str, call_id: str) -> Outcome:
        return self._moderate("mute", room, call_id)

    def unmute(self, room: str, call_id: str) -> Outcome:
        return self._moderate("unmute", room, call_id)

    def kick(self, room: str, call_id: str) -> Outcome:
        return self._moderate("kick", room, call_id)

    def kick_all(self, room: str) -> Outcome:
        return self._moderate("kick_all", room)

    # ---- callouts, calls, recordings -----------------------------------------------------------------------

    def _callout(self, form: Form) -> SendOutcome:
        checked = check(form)
        if checked.plan is None:
            raise ValueError("not sent: " + "; ".join(checked.problems.values()))
        plan = checked.plan

        async def work() -> SendOutcome:
            _, _, sender = await self._ready()
            return await sender.send(plan)

        return self._run(work)

    def callout_tts(self, number: str, text: str, *, locale: str = "en-US", cli: str = "") -> SendOutcome:
        return self._callout(TtsForm(destination=number, text=text, locale=locale, cli=cli))

    def callout_conference(self, number: str, room: str, *, cli: str = "") -> SendOutcome:
        return self._callout(ConferenceForm(destination=number, conference_id=room, cli=cli))

    def hang_up(self, call_id: str) -> ManageOutcome:
        async def work() -> ManageOutcome:
            gateway, _, _ = await self._ready()
            return await manage(gateway, call_id, hangup_svaml())

        return self._run(work)

    def delete_recording(self, key: str) -> DeleteOutcome:
        from api.models import Recording

        async def work() -> DeleteOutcome:
            gateway, _, _ = await self._ready()
            return (await delete_recordings(gateway, [Recording(key=key)]))[0]

        return self._run(work)
