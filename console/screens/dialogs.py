"""Modal dialogs: yes/no confirmation, confirmation by typing a word, and a one-line prompt.

Destructive actions name their target in the question; the most destructive ones (kick all) ask the
operator to type the room id, so a stray key can never empty a conference.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static


class ConfirmScreen(ModalScreen[bool]):
    """Ask a yes/no question; `y`/enter confirms, `n`/escape cancels."""

    # Focus as the screen shows (Textual's AUTO_FOCUS, a query that cannot raise): a focus query in on_mount
    # raised NoMatches once in a tmux run with keys typed right after start (not reproduced since).
    AUTO_FOCUS = "#no"  # the safe choice

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="dialog.yes"),
        Binding("n,escape", "answer(False)", "No", id="dialog.no"),
    ]

    def __init__(self, question: str, *, confirm_label: str = "Yes", danger: bool = True) -> None:
        super().__init__(classes="dialog")
        self.question = question
        self.confirm_label = confirm_label
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box"):
            yield Static(self.question, id="dialog-question")
            with Horizontal(id="dialog-buttons"):
                yield Button(self.confirm_label, id="yes", variant="error" if self.danger else "primary")
                yield Button("Cancel", id="no")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class PromptScreen(ModalScreen[str | None]):
    """Ask for one line of text; `check` returns an error sentence or None when the value is good."""

    AUTO_FOCUS = "#dialog-input"  # typing goes to the answer from the first key

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(
        self,
        question: str,
        *,
        placeholder: str = "",
        value: str = "",
        check: Callable[[str], str | None] | None = None,
    ) -> None:
        super().__init__(classes="dialog")
        self.question = question
        self.placeholder = placeholder
        self.value = value
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box"):
            yield Static(self.question, id="dialog-question")
            yield Input(value=self.value, placeholder=self.placeholder, id="dialog-input")
            yield Label("", id="dialog-error")

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self.query_one("#dialog-error", Label).update("")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        problem = self.check(value) if self.check else (None if value else "Type something, or escape to cancel.")
        if problem:
            self.query_one("#dialog-error", Label).update(Text(problem))  # may quote what was typed
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TypedConfirmScreen(PromptScreen):
    """Confirm by typing `expected` exactly (e.g. the room id before kicking everyone)."""

    def __init__(self, question: str, expected: str) -> None:
        super().__init__(
            question,
            placeholder=expected,
            check=lambda value: None if value == expected else f"Type {expected!r} exactly, or escape to cancel.",
        )
