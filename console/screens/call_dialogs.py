"""The Calls mode's manage-call dialog: a few fields, the SVAML they make shown live, enter sends.

The preview is exactly the body that will be sent (credentials masked), so the operator sees what reaches
the platform before it does; a field that makes no valid SVAML shows why instead, and enter does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from api.models.svaml import Svaml
from console.calls.manage import render_svaml

Values = dict[str, str | bool]


@dataclass(frozen=True)
class Field:
    """One input of the dialog: a line of text, or a checkbox when `default` is a bool."""

    key: str
    label: str
    default: str | bool = ""
    placeholder: str = ""
    password: bool = False


class ManageCallDialog(ModalScreen[Svaml | None]):
    """Ask for an action's fields; dismiss with the SVAML to send, or None on escape."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    DEFAULT_CSS = """
    ManageCallDialog #dialog-box { width: 84; }
    ManageCallDialog .field-label { color: $text-muted; margin-top: 1; }
    ManageCallDialog #svaml-preview { height: auto; max-height: 14; margin-top: 1; padding: 0 1;
        background: $panel; }
    ManageCallDialog #svaml-preview.invalid { color: $error; }
    """

    def __init__(self, title: str, fields: list[Field], build: Callable[[Values], Svaml], *,
                 send_label: str = "Send") -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.fields = fields
        self.build = build
        self.send_label = send_label
        self.svaml: Svaml | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box"):
            yield Static(Text(self.title_text), id="dialog-question")
            for item in self.fields:
                if isinstance(item.default, bool):
                    yield Checkbox(item.label, item.default, id=f"field-{item.key}")
                else:
                    yield Label(Text(item.label), classes="field-label")
                    yield Input(value=item.default, placeholder=item.placeholder, password=item.password,
                                id=f"field-{item.key}")
            yield Static("", id="svaml-preview")
            with Horizontal(id="dialog-buttons"):
                yield Button(self.send_label, id="send", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self._refresh_preview()
        inputs = self.query(Input)
        if inputs:
            inputs.first().focus()

    def values(self) -> Values:
        found: Values = {}
        for item in self.fields:
            field_id = f"#field-{item.key}"  # a Checkbox for a yes/no field, else an Input (see compose)
            found[item.key] = (self.query_one(field_id, Checkbox).value if isinstance(item.default, bool)
                               else self.query_one(field_id, Input).value)
        return found

    def _refresh_preview(self) -> None:
        preview = self.query_one("#svaml-preview", Static)
        try:
            self.svaml = self.build(self.values())
        except ValueError as error:  # pydantic's ValidationError is a ValueError too
            self.svaml = None
            preview.update(Text(f"Not ready: {_first_line(error)}"))
            preview.add_class("invalid")
        else:
            preview.update(Text("SVAML to send:\n" + render_svaml(self.svaml)))
            preview.remove_class("invalid")
        self.query_one("#send", Button).disabled = self.svaml is None

    @on(Input.Changed)
    @on(Checkbox.Changed)
    def _changed(self) -> None:
        self._refresh_preview()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self._send()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "send":
            self._send()
        else:
            self.dismiss(None)

    def _send(self) -> None:
        self._refresh_preview()
        if self.svaml is not None:
            self.dismiss(self.svaml)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _first_line(error: ValueError) -> str:
    text = str(error)
    errors = getattr(error, "errors", None)
    if callable(errors):  # pydantic: the first problem's message, not the whole report
        try:
            first = errors()[0]
            return f"{'.'.join(str(p) for p in first.get('loc', ()))}: {first.get('msg', text)}".lstrip(": ")
        except (IndexError, TypeError):
            pass
    return text.splitlines()[0] if text else type(error).__name__
