"""The Callouts mode: text-to-speech, conference and custom callouts, and dial-in many, checked as typed.

Logic lives in console.callouts (no Textual); this screen reads widgets into forms, shows each field's problem
under it, looks the settled destination up (cost, restriction), and sends once after confirmation, in a
worker. Every success posts `CallPlaced` to the app (Calls tracks it; a conference room gets watched).
The screen composes two parts that own their state, timers and workers: the destination preview
(`console.screens.callout_preview`) and dial-in many (`console.screens.callout_dial_in`, whose retry key the
screen binds and hands over).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import ClassVar

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import (
    Button,
    Checkbox,
    Footer,
    Header,
    Input,
    Select,
    SelectionList,
    Static,
    Tab,
    Tabs,
    TextArea,
)

from console.callouts import (
    CalloutSender,
    Checked,
    Endpoint,
    NumberPreview,
    SendOutcome,
    check,
    load_recent,
    recent_path,
    remember,
    save_recent,
)
from console.messages import CallPlaced
from console.screens.callout_dial_in import RETRY_KEY, DialInPart
from console.screens.callout_forms import (
    PREFIX,
    FieldIndex,
    conference_form,
    custom_form,
    read_form,
    show_messages,
    show_text,
    tts_form,
)
from console.screens.callout_preview import DestinationPreview
from console.screens.dialogs import ConfirmScreen
from console.screens.mode import ModeScreen, is_field
from console.screens.topbar import topbar
from console.session import Session
from widgets.compositor import row_crop_compositor
from widgets.counted_text import CountedTextArea

TITLES = {"tts": "Text-to-speech (t)", "conference": "Conference (c)", "custom": "Custom (u)",
          "dialin": "Dial-in many (d)"}
"""The forms by kind (each form's id) and their tabs' titles."""
KINDS = tuple(TITLES)


class CalloutsScreen(ModeScreen):
    """Place callouts. `t`/`c`/`u`/`d` switch forms, ctrl+s sends, `r` retries failed dial-in legs."""

    MODE = "callouts"
    """The app mode this screen is (the mode bar marks it)."""

    CHANGES: ClassVar[dict[str, str]] = {"send": "callout", "retry": "callout"}
    BINDINGS = [
        Binding("t", "show('tts')", "TTS", id="callouts.tts"),
        Binding("c", "show('conference')", "Conference", id="callouts.conference"),
        Binding("u", "show('custom')", "Custom", id="callouts.custom"),
        Binding("d", "show('dialin')", "Dial-in many", id="callouts.dialin"),
        Binding("ctrl+s", "send", "Send", id="callouts.send"),
        RETRY_KEY,
        # Out of a field, the letters switch forms and the digits switch modes (inside one they are typed).
        Binding("escape", "leave_field", "Leave field", id="callouts.leave_field"),
    ]

    DEFAULT_CSS = """
    /* the top bar and the mode bar span both columns; the side pane's column is #side's width (console.tcss) */
    CalloutsScreen { layout: grid; grid-size: 2; grid-columns: 1fr 42; grid-rows: 1 1 1fr; }
    CalloutsScreen.-narrow { grid-columns: 1fr 30; }
    CalloutsScreen > #topbar, CalloutsScreen > ModeBar { column-span: 2; }
    CalloutsScreen #forms { width: 1fr; height: 1fr; }
    CalloutsScreen #side { width: 42; padding: 0 1; border-left: solid $primary-darken-2; }
    CalloutsScreen .form { height: 1fr; }
    CalloutsScreen #forms > .form { display: none; overflow-y: auto; }  /* not focusable, as a TabPane */
    CalloutsScreen #forms > .form.-shown { display: block; }
    CalloutsScreen .field-box { height: auto; }
    CalloutsScreen .field { height: 3; }
    CalloutsScreen .field-label { width: 15; padding: 1 1 0 0; }
    CalloutsScreen .field-input { width: 1fr; }
    CalloutsScreen .dest-type { width: 16; }
    CalloutsScreen .field-msg { color: $error; height: auto; padding-left: 15; }
    CalloutsScreen .field-msg.ok { color: $success; }
    CalloutsScreen .editor-label { padding: 0 0 0 0; color: $text-muted; }
    CalloutsScreen .editor { height: 5; }
    CalloutsScreen .flags { height: 3; }
    CalloutsScreen #dial-book { height: 6; }
    CalloutsScreen #legs-box { height: auto; min-height: 5; }
    CalloutsScreen #legs { height: auto; max-height: 12; }
    CalloutsScreen #preview { height: auto; margin-bottom: 1; }
    CalloutsScreen #send-reason { color: $warning; height: auto; margin-bottom: 1; }
    CalloutsScreen #send { width: 100%; }
    CalloutsScreen #callouts-status { height: auto; margin-top: 1; }
    """

    def __init__(self, session: Session) -> None:
        super().__init__()
        self._compositor = row_crop_compositor()  # a key redraws the rows it changed, not the whole screen
        self.session = session
        self.sender = CalloutSender(session.gateway, clock=session.clock)
        self.kind = "tts"
        self.checked: Checked | None = None
        self._sending = False  # from the press of Send until the answer: a second press does nothing
        self._complaint: str | None = None
        """Why a press of Send did nothing, shown in the side pane until the form no longer says it."""
        self._recent: dict[str, dict[str, str]] = {}
        self._recent_path = recent_path(session.data_dir, session.profile_name)
        self.destination_preview = DestinationPreview(self, id="preview")
        self.dial_in = DialInPart(self, id="dialin")
        self.fields = FieldIndex(self)

    @property
    def preview(self) -> NumberPreview | None:
        """What the preview found for the visible form's destination, if it has an answer yet."""
        return self.destination_preview.preview

    def destination(self) -> Endpoint | None:
        """The visible form's checked destination (what the preview looks up); dial-in many has none."""
        return self.checked.endpoint if self.checked is not None and self.kind != "dialin" else None

    # ---- layout ---------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield from topbar(self.session, "callouts-title")
        # The forms and the side pane are cells of the screen's grid, not children of a row container, and a
        # form scrolls itself (`.form`) rather than holding a scrolling container: a key typed into a field wakes
        # every node above it (the text area's styles walk them too). So the tabs and the four forms sit in one
        # column whose hidden forms are `display: none`, not in a TabbedContent > ContentSwitcher > TabPane.
        with Vertical(id="forms"):
            yield Tabs(*(Tab(title, id=f"tab-{kind}") for kind, title in TITLES.items()), id="form-tabs",
                       active="tab-tts")
            with Vertical(id="tts", classes="form -shown"):
                yield from tts_form()
            with Vertical(id="conference", classes="form"):
                yield from conference_form()
            with Vertical(id="custom", classes="form"):
                yield from custom_form()
            yield self.dial_in
        with Vertical(id="side"):
            yield self.destination_preview
            yield Static("", id="send-reason")
            yield Button("Send (ctrl+s)", id="send", variant="primary", disabled=True)
            yield Static("", id="callouts-status")
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_field":  # offered (and in the footer) only in a field, where letters are typed
            focused = self.focused
            return focused is not None and any(is_field(node) for node in focused.ancestors_with_self)
        return super().check_action(action, parameters)

    def action_leave_field(self) -> None:
        self.set_focus(None)

    def on_mount(self) -> None:
        self.query_one("#callouts-title", Static).update(
            Text.assemble(("Callouts", "bold"), " · t c u d switch forms, ctrl+s sends, escape leaves a field"))
        refused = self.session.gateway.refusal("callout")
        if refused is not None:
            self.status(refused, error=True)
        self.revalidate()
        self.call_after_refresh(self.query_one("#tts-destination", Input).focus)
        self.load_recent_forms()

    def status(self, text: str, *, error: bool = False) -> None:
        self._complaint = None
        self.query_one("#callouts-status", Static).update(Text(text, style="bold red" if error else ""))

    # ---- recent forms ---------------------------------------------------------------------------------

    @work(group="recent", exit_on_error=False)
    async def load_recent_forms(self) -> None:
        self._recent = await asyncio.to_thread(load_recent, self._recent_path)
        for kind, values in self._recent.items():
            prefix = PREFIX.get(kind)
            for name, value in values.items() if prefix else ():
                for widget in self.query(f"#{prefix}-{name}"):
                    if isinstance(widget, Input) and not widget.value:
                        widget.value = value
                    elif isinstance(widget, Select):
                        with contextlib.suppress(Exception):  # a locale no longer offered: keep the default
                            widget.value = value
        self.revalidate()

    async def remember_form(self, kind: str, values: dict[str, object]) -> None:
        """Keep a sent form's values to fill it next time (a failure to save only warns)."""
        self._recent = remember(self._recent, kind, values)
        try:
            await asyncio.to_thread(save_recent, self._recent_path, self._recent)
        except OSError as error:
            self.notify(f"Recent forms not saved: {error}", severity="warning", markup=False)

    # ---- live validation ------------------------------------------------------------------------------

    def action_show(self, kind: str) -> None:
        if kind in KINDS:
            self.query_one("#form-tabs", Tabs).active = f"tab-{kind}"
            self._show_form(kind)
            for first in self.query_one(f"#{kind}").query(Input).results(Input):  # focus follows the form
                first.focus()
                break
            self._activated(kind)

    def _show_form(self, kind: str) -> None:
        for form in self.query_one("#forms").query_children(".form"):
            form.set_class(form.id == kind, "-shown")

    def _activated(self, kind: str) -> None:
        if kind != self.kind:
            self.kind = kind
            self.destination_preview.forget()
            self.revalidate()
            self.destination_preview.settle()

    @on(Tabs.TabActivated, "#form-tabs")
    def _tab(self, event: Tabs.TabActivated) -> None:
        # A tab clicked or chosen with the arrows; the tabs' own state, not the event's tab: the first
        # TabActivated may arrive after a switch.
        kind = (self.query_one("#form-tabs", Tabs).active or "tab-tts").removeprefix("tab-")
        self._show_form(kind)
        self._activated(kind)

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(CountedTextArea.Settled)  # the TTS text: once typing pauses, not per key
    @on(Select.Changed)
    @on(Checkbox.Changed)
    @on(SelectionList.SelectedChanged)
    def _changed(self, event: object) -> None:
        widget = getattr(event, "control", None) or getattr(event, "text_area", None)
        widget_id = getattr(widget, "id", "") or ""
        self.revalidate()
        if widget_id.endswith("-destination") or widget_id.endswith("-destination_type"):
            self.destination_preview.settle()

    def revalidate(self) -> None:
        """Check the visible form: messages under fields, Send enabled or why not (the TTS text counts itself)."""
        if self.kind == "dialin":
            reason = self.dial_in.check()
        else:
            self.checked = checked = check(read_form(self.fields, self.kind))
            show_messages(self.fields, PREFIX[self.kind], checked.problems, ok=checked.endpoint)
            reason = checked.block_reason
        plan = self.checked.plan if self.kind != "dialin" and self.checked is not None else None
        if reason is None:  # the gateway's words: read-only, or the preview found the number restricted
            reason = self.sender.refusal(plan, self.preview) if plan is not None else self.sender.refusal_now()
        if reason is None and self._sending:
            reason = "Sending…"
        show_text(self.query_one("#send-reason", Static), reason or "Ready to send.")
        if self._complaint is not None and reason != self._complaint:  # fixed, or another problem: not stale
            self.status("")
        self.query_one("#send", Button).disabled = reason is not None

    # ---- sending --------------------------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "send":
            self.action_send()

    def action_send(self) -> None:
        if self._sending or self.sender.in_flight:
            return  # a double press does nothing
        self.revalidate()
        if self.query_one("#send", Button).disabled:
            complaint = str(self.query_one("#send-reason", Static).render())
            self.status(complaint, error=True)
            self._complaint = complaint
            return
        self._sending = True
        self.revalidate()
        self.confirm_and_send(self.kind)

    @work(group="send", exit_on_error=False)
    async def confirm_and_send(self, kind: str) -> None:
        try:
            if kind == "dialin":
                await self.dial_in.send()
            else:
                await self._send_one()
        finally:
            self._sending = False
            self.revalidate()

    async def _send_one(self) -> None:
        plan = self.checked.plan if self.checked is not None else None
        if plan is None:
            return
        preview = self.preview if self.preview is not None and self.preview.normalized == plan.destination else None
        cost = f", {preview.rate}" if preview is not None and preview.rate else ""
        who = plan.destination or "the ICE SVAML's number"
        question = f"Place a [b]{plan.kind_name}[/b] to [b]{escape(who)}[/b]{escape(cost)}?"
        if plan.conference_id:
            question += f"\nThey join conference [b]{escape(plan.conference_id)}[/b]."
        if not await self.app.push_screen_wait(ConfirmScreen(question, confirm_label="Call", danger=False)):
            self.status("Not sent: cancelled.")
            return
        self.status(f"Sending {plan.kind_name}…")
        outcome = await self.sender.send(plan, preview)
        self.report(outcome)
        if outcome.ok:
            form = read_form(self.fields, plan.kind)
            await self.remember_form(plan.kind, {**vars(form), "destination": plan.destination or form.destination})

    def report(self, outcome: SendOutcome) -> None:
        """Say how a send went; a placed callout (or one whose outcome is unknown) goes to the app to track."""
        self.status(outcome.text, error=not outcome.ok)
        if outcome.unknown:  # Calls keeps it under its tag until an event names the call
            self.notify(outcome.text, severity="warning", markup=False, timeout=15)
        elif not outcome.ok or outcome.call_id is None:
            if outcome.status != "ignored":
                self.notify(outcome.text, severity="error", markup=False)
            return
        plan = outcome.plan
        self.app.post_message(CallPlaced(call_id=outcome.call_id or outcome.correlation_id or "", kind=plan.kind,
                                         destination=plan.destination,
                                         placed_at=outcome.placed_at or self.session.clock(), cli=plan.cli,
                                         conference_id=plan.conference_id, detail=plan.detail,
                                         correlation_id=outcome.correlation_id,
                                         outcome_unknown=outcome.unknown))

    # ---- the key dial-in many answers (bound here: see RETRY_KEY) -------------------------------------

    def action_retry(self) -> None:
        self.dial_in.action_retry()
