"""The Numbers mode's forms (assign numbers, edit the callback URLs) and its query-number pane; all check as
you type.

Each field has a message line under it (red: refused, yellow: accepted with a warning, green: fine) and the
form says what will be sent; the primary button is enabled only when there is something valid to send.
Everything shown is rich `Text`: numbers, keys and URLs are typed or come from the platform, never markup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from api.models import CallbackUrls
from console.numbers import (
    CAPABILITIES,
    AssignPlan,
    CheckedAssign,
    Lookup,
    changes,
    check_callbacks,
    look_up,
    normalise,
    shown_url,
    target_name,
)

if TYPE_CHECKING:
    from api import SinchVoiceClient

CheckAssign = Callable[[str, str, str], CheckedAssign]
MESSAGE_CLASSES = ("error", "warning", "ok")
T = TypeVar("T")


class FormDialog(ModalScreen[T | None]):
    """A modal form: labelled inputs with message lines, a summary, a primary button; escape cancels."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        Binding("ctrl+s", "submit", "Save", id="dialog.submit"),
    ]

    DEFAULT_CSS = """
    FormDialog #dialog-box { width: 90; }
    FormDialog .form-label { color: $text-muted; margin-top: 1; }
    FormDialog .form-msg { height: auto; padding-left: 1; }
    FormDialog .form-msg.error { color: $error; }
    FormDialog .form-msg.warning { color: $warning; }
    FormDialog .form-msg.ok { color: $success; }
    FormDialog #form-summary { height: auto; margin: 1 0; padding: 0 1; background: $panel; }
    FormDialog #form-summary.blocked { color: $text-muted; }
    FormDialog Select { width: 24; }
    """

    submit_label = "Save"

    def __init__(self, title: str) -> None:
        super().__init__(classes="dialog")
        self.title_text = title

    def compose_fields(self) -> ComposeResult:
        yield from ()

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box"):
            yield Static(Text(self.title_text, style="bold"), id="dialog-question")
            yield from self.compose_fields()
            yield Static("", id="form-summary")
            with Horizontal(id="dialog-buttons"):
                yield Button(f"{self.submit_label} (ctrl+s)", id="submit", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.revalidate()
        self.query(Input).first().focus()

    def message(self, name: str, text: str, kind: str) -> None:
        widget = self.query_one(f"#{name}-msg", Static)
        widget.update(Text(text))
        for each in MESSAGE_CLASSES:
            widget.set_class(each == kind, each)

    def summary(self, text: Text | str, *, ready: bool) -> None:
        widget = self.query_one("#form-summary", Static)
        widget.update(text if isinstance(text, Text) else Text(text))
        widget.set_class(not ready, "blocked")
        self.query_one("#submit", Button).disabled = not ready

    def revalidate(self) -> None:
        raise NotImplementedError

    def result(self) -> T | None:
        raise NotImplementedError

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        self.revalidate()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_submit()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "submit":
            self.action_submit()
        else:
            self.dismiss(None)

    def action_submit(self) -> None:
        self.revalidate()
        value = self.result()
        if value is not None:
            self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _field(name: str, label: str, value: str = "", placeholder: str = "") -> ComposeResult:
    yield Label(Text(label), classes="form-label")
    yield Input(value=value, placeholder=placeholder, id=name)
    yield Static("", id=f"{name}-msg", classes="form-msg")


class AssignDialog(FormDialog[AssignPlan]):
    """Numbers (one or several), application key (empty: this app), capability; dismisses with the plan."""

    submit_label = "Assign"

    def __init__(self, check: CheckAssign, *, numbers: str = "", capability: str = "voice",
                 this_app: str = "") -> None:
        super().__init__("Assign numbers to an application")
        self.check = check
        self.preset_numbers = numbers
        self.preset_capability = capability if capability in CAPABILITIES else "voice"
        self.this_app = this_app
        self.checked: CheckedAssign | None = None

    def compose_fields(self) -> ComposeResult:
        yield from _field("assign-numbers", "Numbers (E.164, any common form; several: separate with commas)",
                          self.preset_numbers, "+46 8 505 123 45, +1 415 555 0132")
        yield from _field("assign-key", "Application key (empty: this app)", "",
                          f"this app: {self.this_app}" if self.this_app else "this app")
        yield Label("Capability", classes="form-label")
        yield Select([(c, c) for c in CAPABILITIES], value=self.preset_capability, allow_blank=False,
                     id="assign-capability")
        yield Static("", id="assign-capability-msg", classes="form-msg")

    def _values(self) -> tuple[str, str, str]:
        capability = self.query_one("#assign-capability", Select).value
        return (self.query_one("#assign-numbers", Input).value, self.query_one("#assign-key", Input).value,
                capability if isinstance(capability, str) else "")

    def revalidate(self) -> None:
        self.checked = checked = self.check(*self._values())
        plan = checked.plan
        fine = {"numbers": "", "application_key": "", "capability": ""}
        if plan is not None:
            shown = ", ".join(plan.numbers[:4]) + (" …" if len(plan.numbers) > 4 else "")
            fine["numbers"] = f"✓ {len(plan.numbers)} number{'s' if len(plan.numbers) != 1 else ''}: {shown}"
            fine["application_key"] = f"✓ {target_name(plan.application_key, self.this_app)}"
        for name, widget in (("numbers", "assign-numbers"), ("application_key", "assign-key"),
                             ("capability", "assign-capability")):
            problem = checked.problems.get(name)
            self.message(widget, f"✗ {problem}" if problem else fine[name], "error" if problem else "ok")
        if plan is None:
            self.summary("Fix the fields above to assign.", ready=False)
            return
        text = Text.assemble(("Assign ", "bold"), plan.describe(self.this_app))
        for warning in checked.warnings:
            text.append(f"\n⚠ {warning}", style="yellow")
        self.summary(text, ready=True)

    def result(self) -> AssignPlan | None:
        return self.checked.plan if self.checked is not None else None


class CallbacksDialog(FormDialog[CallbackUrls]):
    """Primary and fallback callback URLs, checked live; dismisses with the URLs to save (only if changed)."""

    def __init__(self, current: CallbackUrls, application: str) -> None:
        super().__init__(f"Callback URLs of this application ({application})")
        self.current = current
        self.urls: CallbackUrls | None = None

    def compose_fields(self) -> ComposeResult:
        yield from _field("cb-primary", "Primary URL (https; empty: not set)", self.current.primary or "",
                          "https://example.com/sinch/events")
        yield from _field("cb-fallback", "Fallback URL (used when the primary fails; empty: not set)",
                          self.current.fallback or "", "https://backup.example.com/sinch/events")

    def revalidate(self) -> None:
        checked = check_callbacks(self.query_one("#cb-primary", Input).value,
                                  self.query_one("#cb-fallback", Input).value)
        for name in ("primary", "fallback"):
            if name in checked.problems:
                self.message(f"cb-{name}", f"✗ {checked.problems[name]}", "error")
            elif name in checked.warnings:
                self.message(f"cb-{name}", f"⚠ {checked.warnings[name]}", "warning")
            else:
                value = getattr(checked.urls, name) if checked.urls is not None else None
                self.message(f"cb-{name}", "✓ https" if value else "", "ok")
        self.urls = checked.urls
        if checked.urls is None:
            self.summary("Fix the URLs above to save.", ready=False)
            return
        found = changes(self.current, checked.urls)
        if not found:
            self.urls = None
            self.summary(Text.assemble("No change: stored now are primary ", shown_url(self.current.primary),
                                       " and fallback ", shown_url(self.current.fallback)), ready=False)
            return
        text = Text("Will save:", style="bold")
        for label, before, after in found:
            text.append(f"\n{label}: ")
            text.append(before, style="dim")
            text.append(" → ")
            text.append(after, style="bold")
        self.summary(text, ready=True)

    def result(self) -> CallbackUrls | None:
        return self.urls


class QueryNumberPane(Vertical):
    """Type any number: its E.164 form shows as you type; enter asks query number (country, type, rate and,
    prominently, whether calls to it are restricted). Reading only: nothing here changes the platform."""

    DEFAULT_CSS = """
    QueryNumberPane #query-normalised { height: 1; color: $text-muted; padding: 0 1; }
    QueryNumberPane #query-normalised.problem { color: $warning; }
    QueryNumberPane #query-banner { display: none; height: auto; padding: 0 1; text-style: bold; }
    QueryNumberPane #query-banner.restricted { display: block; background: $error; color: $text; }
    QueryNumberPane #query-banner.allowed { display: block; color: $success; }
    QueryNumberPane #query-result { height: auto; padding: 0 1; }
    """

    def __init__(self, client: SinchVoiceClient, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.client = client
        self.lookup: Lookup | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder="any number: +46 70 123 45 67, 0046…, 4670…", id="query-input")
        yield Static("", id="query-normalised")
        yield Static("", id="query-banner")
        yield Static(Text("Type a number and press enter: country, type, rate, restriction.", style="dim"),
                     id="query-result")

    @on(Input.Changed, "#query-input")
    def _changed(self, event: Input.Changed) -> None:
        normal = normalise(event.value)
        widget = self.query_one("#query-normalised", Static)
        widget.update(Text(normal.describe()))
        widget.set_class(bool(normal.problem) and bool(event.value.strip()), "problem")

    @on(Input.Submitted, "#query-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.run_query(event.value)

    @work(exclusive=True, group="numbers-query", exit_on_error=False)
    async def run_query(self, typed: str) -> None:
        self._show(None, f"Looking up {typed.strip()}…")
        self.lookup = lookup = await look_up(self.client, typed)  # never raises: errors come back worded
        self._show(lookup)

    def _show(self, lookup: Lookup | None, waiting: str = "") -> None:
        banner = self.query_one("#query-banner", Static)
        result = self.query_one("#query-result", Static)
        info = lookup.info if lookup is not None else None
        banner.set_class(info is not None and info.restricted, "restricted")
        banner.set_class(info is not None and not info.restricted, "allowed")
        if lookup is None or info is None:
            banner.update("")
            result.update(Text(waiting, style="dim") if lookup is None
                          else Text(lookup.error or "No answer.", style="red"))
            return
        banner.update(Text("RESTRICTED: calls to this number are blocked" if info.restricted
                           else "✓ Not restricted: calls to this number are allowed"))
        text = Text()
        for label, value in lookup.rows(normalise(lookup.number).country_name):
            text.append(f"{label:<11}", style="bold")
            text.append(f"{value}\n")
        text.append(f"{'Restricted':<11}", style="bold")
        text.append("yes" if info.restricted else "no", style="bold red" if info.restricted else "")
        result.update(text)
