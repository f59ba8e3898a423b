"""The Calls screen's keys that steer the selected live call: say, play, record, stop recording, hang up.

`ManageCallActions` is a collaborator `CallsScreen` composes (a widget that shows nothing: one for its workers
and the app it reaches); it asks the screen, through `CallsHost`, for the selected call, the status line and a
poll. The keys are bound on the screen, declared here beside their actions (Textual reads bindings from the
focused widget up, and this hidden widget is never focused nor above the focused one); the screen's
`check_action` hides them on a read-only profile. Each action asks for its options (or a confirmation), then
sends SVAML in a worker via `console.calls.manage`; a read-only profile reaching one anyway is refused at once,
in words and audited, without a form first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from rich.markup import escape
from textual.binding import Binding
from textual.widget import Widget

from api.models.svaml import Svaml
from console.calls.manage import (
    audit_action,
    hangup_svaml,
    manage,
    play_svaml,
    recording_options,
    render_svaml,
    say_svaml,
    start_recording_svaml,
    stop_recording_svaml,
)
from console.calls.poller import CallsPoller
from console.calls.tracker import CallTracker, TrackedCall
from console.screens.call_dialogs import Field, ManageCallDialog, Values
from console.screens.dialogs import ConfirmScreen
from console.session import Session

SAY_KEY = Binding("s", "say", "Say", id="calls.say")
PLAY_KEY = Binding("f", "play", "Play files", id="calls.play")
RECORD_START_KEY = Binding("R", "record_start", "Record", id="calls.record_start")
RECORD_STOP_KEY = Binding("X", "record_stop", "Stop rec.", id="calls.record_stop")
HANGUP_KEY = Binding("h", "hangup", "Hang up", id="calls.hangup")


class CallsHost(Protocol):
    """What steering a call asks of the Calls screen."""

    session: Session
    tracker: CallTracker
    poller: CallsPoller

    def selected(self) -> TrackedCall | None: ...
    def status(self, text: str, *, error: bool = False) -> None: ...


class ManageCallActions(Widget):
    """Say, play, record and hang up on the selected call of a `CallsScreen`."""

    DEFAULT_CSS = "ManageCallActions { display: none; }"

    def __init__(self, host: CallsHost, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.host = host

    def _target(self) -> TrackedCall | None:
        call = self.host.selected()
        if call is None:
            self.host.status("No call selected.", error=True)
            return None
        if call.outcome_unknown:
            self.host.status(f"No callId yet: this callout's outcome is unknown (tagged {call.correlation_id}); it can "
                             "be steered once an event or a callId typed in (a) names the call.", error=True)
            return None
        if call.is_final:
            result = call.result
            self.host.status(f"Call is not ongoing: {call.number} already ended "
                        f"({result.result if result else ''}, {result.reason if result else ''}).", error=True)
            return None
        return call

    def _ask(self, title: str, fields: list[Field], build: Callable[[Values], Svaml], send_label: str,
             example: Svaml) -> None:
        call = self._target()
        if call is None:
            return
        if self.host.session.gateway.refuses(audit_action(example)):  # refused at once, in the gateway's words; no form
            self._send(call, example)
            return

        def answered(svaml: Svaml | None) -> None:
            if svaml is not None:
                self._send(call, svaml)

        self.app.push_screen(ManageCallDialog(f"{title} {call.number} (call {call.call_id})", fields, build,
                                              send_label=send_label), answered)

    def action_say(self) -> None:
        fields = [Field("text", "Text to say (at most 600 characters)", "", "Hello, this is the operator."),
                  Field("locale", "Locale (en-US, sv-SE, de-DE, ...)", "en-US"),
                  Field("hang_up", "Hang up afterwards", False)]
        self._ask("Say to", fields, lambda v: say_svaml(str(v["text"]), str(v["locale"]),
                                                                    hang_up=bool(v["hang_up"])),
                  "Say", say_svaml("(read-only)"))

    def action_play(self) -> None:
        fields = [Field("prompts", "Prompts: file ids or #tts[text], separated by ;", "", "welcome;#tts[Hello]"),
                  Field("locale", "Locale", "en-US"),
                  Field("hang_up", "Hang up afterwards", False)]
        self._ask("Play to", fields, lambda v: play_svaml(str(v["prompts"]), str(v["locale"]),
                                                                      hang_up=bool(v["hang_up"])),
                  "Play", play_svaml("welcome"))

    def action_record_start(self) -> None:
        fields = [Field("url", "Destination URL (empty: the platform's storage)", "", "s3://my-bucket"),
                  Field("credentials", "Credentials (access key:secret:region)", "", password=True),
                  Field("format", "Format (mp3 or wav, empty: default)", ""),
                  Field("notify", "Notification events", False)]

        def build(v: Values) -> Svaml:
            options = recording_options(str(v["url"]), str(v["credentials"]), str(v["format"]),
                                                    True if v["notify"] else None)
            return start_recording_svaml(options)

        self._ask("Start recording", fields, build, "Start recording", start_recording_svaml())

    def action_record_stop(self) -> None:
        self._confirm(stop_recording_svaml(), "Stop recording", danger=False)

    def action_hangup(self) -> None:
        self._confirm(hangup_svaml(), "Hang up", danger=True)

    def _confirm(self, svaml: Svaml, verb: str, *, danger: bool) -> None:
        call = self._target()
        if call is None:
            return
        if self.host.session.gateway.refuses(audit_action(svaml)):
            self._send(call, svaml)
            return
        question = (f"{verb} [b]{escape(call.number)}[/b] (call {escape(call.call_id)})?\n\n"
                    f"SVAML to send:\n{escape(render_svaml(svaml))}\n\n(y sends, n or escape cancels)")

        def answered(yes: bool | None) -> None:
            if yes:
                self._send(call, svaml)

        self.app.push_screen(ConfirmScreen(question, confirm_label=verb, danger=danger), answered)

    def _send(self, call: TrackedCall, svaml: Svaml) -> None:
        """Send in a worker, report the outcome in words, then look at the call again."""
        gateway = self.host.session.gateway

        async def run() -> None:
            outcome = await manage(gateway, call.call_id, svaml, who=call.number)
            self.host.status(outcome.text, error=not outcome.ok)
            self.notify(outcome.text, severity="information" if outcome.ok else "error",
                        timeout=4 if outcome.ok else 8, markup=False)
            self.host.poller.wake(call.call_id)

        self.run_worker(run(), group=f"manage:{call.call_id}", exit_on_error=False)
