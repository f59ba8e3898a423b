"""The Recordings mode's questions: delete these?, the file exists: skip/overwrite/keep both?, and the range editor.

Keys, file names and folders come from the platform or the disk, so every text here is a rich `Text`, never
markup. Each dialog gives the focus to its safe choice (Cancel, Skip).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from console.recordings.deletes import name_some, plural
from console.recordings.downloads import Conflict, ConflictAnswer
from console.recordings.range import FORMATS_HINT, DateRange, RangeError, parse_range, shown
from console.recordings.wording import shown_path


class DeleteRecordingsScreen(ModalScreen[bool]):
    """Delete N recordings? Names the first few keys and how many, and how many of them are on another page than
    the one shown; `y` deletes, `n`/escape cancels."""

    AUTO_FOCUS = "#no"  # the safe choice

    BINDINGS = [
        Binding("y", "answer(True)", "Delete", id="dialog.yes"),
        Binding("n,escape", "answer(False)", "Cancel", id="dialog.no"),
    ]

    def __init__(self, keys: list[str], *, off_page: int = 0) -> None:
        super().__init__(classes="dialog")
        self.keys = keys
        self.off_page = off_page
        """How many of them are not on the page shown (marked on another page)."""

    def compose(self) -> ComposeResult:
        count = len(self.keys)
        text = Text.assemble("Delete ", (plural(count), "bold"), " from the Sinch Drive?\n")
        for line in name_some(self.keys):
            text.append(f"\n  {line}", style="" if line.startswith("and ") else "bold")
        if self.off_page:
            among = "It is" if count == 1 else f"{self.off_page} of them {'is' if self.off_page == 1 else 'are'}"
            text.append(f"\n\n{among} not on the page shown (marked on another page).", style="bold")
        text.append(f"\n\n{'It is' if count == 1 else 'They are'} removed for good. (y deletes, n or escape cancels)")
        with Vertical(id="dialog-box"):
            yield Static(text, id="dialog-question")
            with Horizontal(id="dialog-buttons"):
                yield Button(f"Delete {plural(count)}", id="yes", variant="error")
                yield Button("Cancel", id="no")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class TickBox(Checkbox):
    """A checkbox that is blank when off. Textual's draws its X either way and only its colour changes, which a
    terminal with few colours (or a glance) cannot tell apart: an unticked "Apply to the other existing file" read
    as ticked, so the answer went to one file and the next one asked again (issue 14, bug 3)."""

    BUTTON_INNER = " "

    def watch_value(self) -> None:
        self.BUTTON_INNER = "X" if self.value else " "
        super().watch_value()


class ExistingFileScreen(ModalScreen[ConflictAnswer | None]):
    """The file is there already: skip (s), overwrite (o) or keep both (k); `a` ticks apply-to-all, and S, O, K
    answer for this file and every other existing one in one key; escape cancels the downloads not started yet.

    Whether the answer will stand for the others must be visible, not only a checkbox's colour (a terminal
    with few colours draws ticked and unticked alike, and the answer seemed ignored): the box is blank unless
    ticked (TickBox), and its label and the buttons say "all" while it is; the four fit 80 columns either way."""

    BINDINGS = [
        Binding("s", "choose('skip')", "Skip", id="recordings.exists.skip"),
        Binding("o", "choose('overwrite')", "Overwrite", id="recordings.exists.overwrite"),
        Binding("k", "choose('keep both')", "Keep both", id="recordings.exists.keep_both"),
        Binding("a", "toggle_all", "Apply to all", id="recordings.exists.all"),
        Binding("S", "choose('skip', True)", "Skip all", show=False, id="recordings.exists.skip_all"),
        Binding("O", "choose('overwrite', True)", "Overwrite all", show=False, id="recordings.exists.overwrite_all"),
        Binding("K", "choose('keep both', True)", "Keep both for all", show=False,
                id="recordings.exists.keep_both_all"),
        Binding("escape", "cancel", "Cancel downloads", id="recordings.exists.cancel"),
    ]
    BUTTONS = (("skip", "Skip", "Skip all", "s"), ("overwrite", "Overwrite", "Overwrite all", "o"),
               ("keep-both", "Keep both", "Keep both for all", "k"))

    DEFAULT_CSS = """
    ExistingFileScreen #apply-all { margin-top: 1; }
    ExistingFileScreen #dialog-buttons Button { width: auto; min-width: 10; margin-left: 1; }
    """

    def __init__(self, key: str, path: Path, left: int) -> None:
        super().__init__(classes="dialog")
        self.key = key
        self.path = path
        self.left = left

    def compose(self) -> ComposeResult:
        folder = shown_path(self.path.parent)
        suffix = "".join(self.path.suffixes[-1:])
        example = f"{self.path.name[: len(self.path.name) - len(suffix)]} (1){suffix}"
        text = Text.assemble((self.path.name, "bold"), " already exists in ", (folder, "bold"), ".")
        if self.path.name != self.key:
            text.append(f" (recording {self.key})")
        text.append("\n\nSkip this recording, overwrite the file, or keep both (the new file gets a free name like ")
        text.append(example, style="bold")
        text.append(")?")
        with Vertical(id="dialog-box"):
            yield Static(text, id="dialog-question")
            if self.left:
                yield TickBox(self._apply_label(False), id="apply-all")
            with Horizontal(id="dialog-buttons"):
                yield Button("Skip (s)", id="skip", variant="primary")
                yield Button("Overwrite (o)", id="overwrite", variant="error")
                yield Button("Keep both (k)", id="keep-both")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        box = self.query_one("#dialog-box")
        box.styles.width = 96  # four buttons; the app's dialog width is for two
        box.styles.max_width = "100%"  # but never wider than the terminal
        self.query_one("#skip", Button).focus()

    def _apply_label(self, on: bool) -> str:
        others = plural(self.left, "other existing file")
        if on:
            return f"ON: applies to the {others} too (a turns it off)"
        return f"Apply to the {others} of this download (a; or S, O, K)"

    def _apply_all(self) -> bool:
        boxes = self.query("#apply-all")
        return bool(boxes) and bool(boxes.first(Checkbox).value)

    def action_choose(self, choice: str, for_all: bool = False) -> None:
        self.dismiss(ConflictAnswer(Conflict(choice), apply_to_all=for_all or self._apply_all()))

    def action_toggle_all(self) -> None:
        for box in self.query("#apply-all").results(Checkbox):
            box.value = not box.value

    @on(Checkbox.Changed, "#apply-all")
    def _apply_changed(self, event: Checkbox.Changed) -> None:
        """However it was ticked (a, space, a click), the label and the buttons say whether it is."""
        event.checkbox.label = self._apply_label(event.value)
        for button_id, one, every, key in self.BUTTONS:
            button = self.query_one(f"#{button_id}", Button)
            button.label = f"{every if event.value else one} ({key})"
            button.refresh(layout=True)  # a longer label widens its button

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        choice = {"skip": "skip", "overwrite": "overwrite", "keep-both": "keep both"}.get(event.button.id or "")
        if choice is None:
            self.dismiss(None)
        else:
            self.action_choose(choice)


class RangeScreen(ModalScreen[DateRange | None]):
    """Type a from and a to (local time); the window sent (UTC) or what is wrong shows as you type. Enter
    applies a valid range; an invalid one stays here and nothing is sent."""

    AUTO_FOCUS = "#range-from"  # start with the first date

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    DEFAULT_CSS = """
    RangeScreen .field-label { color: $text-muted; margin-top: 1; }
    RangeScreen #range-preview { margin-top: 1; height: auto; }
    RangeScreen #range-preview.invalid { color: $error; }
    """

    def __init__(self, current: DateRange, now: datetime) -> None:
        super().__init__(classes="dialog")
        self.current = current
        self.now = now
        self.result: DateRange | None = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box"):
            yield Static(Text.assemble(("Recordings created between", "bold"), f"  (local time; {FORMATS_HINT})"),
                         id="dialog-question")
            yield Label("From", classes="field-label")
            yield Input(value=shown(self.current.start), id="range-from")
            yield Label("To", classes="field-label")
            yield Input(value=shown(self.current.end), id="range-to")
            yield Static("", id="range-preview")
            with Horizontal(id="dialog-buttons"):
                yield Button("Apply", id="apply", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#dialog-box").styles.width = 84  # room for a date-time and its UTC form
        self._check()

    def _check(self) -> DateRange | None:
        preview = self.query_one("#range-preview", Static)
        try:
            self.result = parse_range(self.query_one("#range-from", Input).value,
                                      self.query_one("#range-to", Input).value, self.now)
        except RangeError as error:
            self.result = None
            preview.update(Text(str(error)))
            preview.add_class("invalid")
        else:
            preview.update(Text(f"Sent as {self.result.wire()} (UTC)"))
            preview.remove_class("invalid")
        self.query_one("#apply", Button).disabled = self.result is None
        return self.result

    @on(Input.Changed)
    def _changed(self) -> None:
        self._check()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self._apply()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "apply":
            self._apply()
        else:
            self.dismiss(None)

    def _apply(self) -> None:
        unchanged = (self.query_one("#range-from", Input).value == shown(self.current.start)
                     and self.query_one("#range-to", Input).value == shown(self.current.end))
        chosen = self.current if unchanged else self._check()  # an untouched preset stays a preset
        if chosen is not None:
            self.dismiss(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)
