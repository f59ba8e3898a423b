"""The Callouts screen's form panes: one per callout kind plus dial-in many, every field of the spec.

Selects take type-to-search while closed (`SearchSelect`): the printable keys are theirs while they have focus
(console.screens.mode), so a number typed into the destination type's select must not vanish in silence.

Widget ids follow `<prefix>-<form field>` (e.g. `tts-destination`, `conf-max_duration`), so `read_form` fills a
console.callouts form from the widgets by name, and each field's message sits in `<prefix>-<field>-msg`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields as dataclass_fields

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.dom import DOMNode
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Checkbox, Collapsible, DataTable, Input, Label, Select, SelectionList, Static, TextArea
from textual.widgets.select import NoSelection

from api.models.callouts import LOCALES, MAX_TTS_CHARACTERS
from console.callouts import ConferenceForm, CustomForm, Endpoint, TtsForm, tts_counter
from console.callouts.fields import DOMAINS, MOH_CLASSES
from console.config.models import Contact
from widgets.counted_text import CountedTextArea
from widgets.rewrap_text import RewrapTextArea

PREFIX = {"tts": "tts", "conference": "conf", "custom": "custom", "dialin": "dial"}
FORMS = {"tts": TtsForm, "conference": ConferenceForm, "custom": CustomForm}
LOCALE_OPTIONS = [(f"{code} · {name}", code) for code, name in sorted(LOCALES.items())]
SVAML_HINT = '{"instructions": [{"name": "say", "text": "Hello"}], "action": {"name": "hangup"}}'


SEARCH_RESET_SECONDS = 1.0
"""Typing pauses this long and the next key starts a new search."""


class SearchSelect(Select[str]):
    """A select that, closed, picks the option whose label starts with what is typed, as a browser's does:
    `u` picks username, `sv` sv-SE; the same letter again moves to the next option starting with it. A key
    nothing starts with rings the bell. Open, Textual's own type-to-search runs."""

    def __init__(self, options: Iterable[tuple[str, str]], *, value: str | NoSelection = Select.NULL,
                 allow_blank: bool = True, prompt: str = "Select", id: str | None = None,
                 classes: str | None = None) -> None:
        self.labels = list(options)
        super().__init__(self.labels, value=value, allow_blank=allow_blank, prompt=prompt, id=id, classes=classes)
        self._typed = ""
        self._reset: Timer | None = None

    def on_key(self, event: events.Key) -> None:
        if self.expanded or event.character is None or not event.is_printable or event.key == "space":
            return  # space opens the list (the select's binding); open, the list searches itself
        event.stop()
        event.prevent_default()
        if self._reset is not None:
            self._reset.stop()
        self._reset = self.set_timer(SEARCH_RESET_SECONDS, self._forget_typed)
        self._typed += event.character.lower()
        found = search_match(self.labels, self._typed, self.value)
        if found is None:
            self.app.bell()
        elif found != self.value:
            self.value = found

    def _forget_typed(self) -> None:
        self._typed = ""



def search_match(labels: list[tuple[str, str]], typed: str, current: object = None) -> str | None:
    """The value to pick for what was typed: the first label starting with it, or, for one letter typed again
    and again, the next label after the `current` value's starting with that letter."""
    starting = [value for label, value in labels if label.lower().startswith(typed)]
    if starting:
        return starting[0]
    if typed and len(set(typed)) == 1:
        same = [value for label, value in labels if label.lower().startswith(typed[0])]
        if same:
            after = same.index(current) + 1 if current in same else 0
            return same[after % len(same)]
    return None


def _msg(prefix: str, name: str) -> Static:
    return Static("", id=f"{prefix}-{name}-msg", classes="field-msg")


def field_box() -> Vertical:
    """A field's row and its message line as one box: a key typed in the form's text area then draws one widget
    for the field, not two (Textual repaints every widget whose parent's region the change touches)."""
    return Vertical(classes="field-box")


def field(prefix: str, name: str, label: str, placeholder: str = "", value: str = "") -> ComposeResult:
    """A labelled one-line input with its message line."""
    with field_box():
        with Horizontal(classes="field"):
            yield Label(label, classes="field-label")
            yield Input(value=value, placeholder=placeholder, id=f"{prefix}-{name}", classes="field-input")
        yield _msg(prefix, name)


def select(prefix: str, name: str, label: str, options: Iterable[tuple[str, str]], *, value: str | None = None,
           allow_blank: bool = True, prompt: str = "(not set)") -> ComposeResult:
    with field_box():
        with Horizontal(classes="field"):
            yield Label(label, classes="field-label")
            yield SearchSelect(options, value=value if value is not None else Select.NULL, allow_blank=allow_blank,
                               prompt=prompt, id=f"{prefix}-{name}", classes="field-input")
        yield _msg(prefix, name)


def editor(prefix: str, name: str, label: str, placeholder: str = "", *, limit: int | None = None) -> ComposeResult:
    """A multi-line editor (TTS text, SVAML) with its message line; with a `limit`, it counts its characters on its
    bottom border (`tts_counter`: "42 / 600"). Both repaint whole on a resize (`RewrapTextArea`)."""
    yield Label(label, classes="editor-label")
    widget_id = f"{prefix}-{name}"
    if limit is None:
        yield RewrapTextArea("", id=widget_id, classes="editor", placeholder=placeholder, soft_wrap=True,
                             show_line_numbers=False)
    else:
        yield CountedTextArea("", limit=limit, count=lambda text, _limit: tts_counter(text), id=widget_id,
                              classes="editor", placeholder=placeholder, soft_wrap=True, show_line_numbers=False)
    yield _msg(prefix, name)


def destination(prefix: str) -> ComposeResult:
    with field_box():
        with Horizontal(classes="field"):
            yield Label("Destination", classes="field-label")
            yield Input(placeholder="+46 70 123 45 67 or 4670…", id=f"{prefix}-destination", classes="field-input")
            yield SearchSelect([("number", "number"), ("username", "username")], value="number",
                               allow_blank=False, id=f"{prefix}-destination_type", classes="dest-type")
        yield _msg(prefix, "destination")


def common_advanced(prefix: str, *, flags: bool = True) -> ComposeResult:
    yield from field(prefix, "dtmf", "DTMF", "played on answer: 0-9 # w (pause), e.g. ww1234#")
    yield from select(prefix, "domain", "Domain", [(d, d) for d in DOMAINS])
    yield from field(prefix, "custom", "Custom", "data echoed in callbacks")
    if flags:
        with Horizontal(classes="flags"):
            yield Checkbox("enableAce", id=f"{prefix}-enable_ace")
            yield Checkbox("enableDice", id=f"{prefix}-enable_dice")
            yield Checkbox("enablePie", id=f"{prefix}-enable_pie")


def tts_form() -> ComposeResult:
    """The TTS pane's fields (the pane scrolls them: `.form`)."""
    p = PREFIX["tts"]
    yield from destination(p)
    yield from editor(p, "text", "Text to speak", "Hello, this is a message from the operations team.",
                      limit=MAX_TTS_CHARACTERS)
    yield from select(p, "locale", "Locale", LOCALE_OPTIONS, value="en-US", allow_blank=False)
    with Collapsible(title="Advanced", id=f"{p}-advanced", collapsed=True):
        yield from field(p, "cli", "Caller id", "+46… shown to the callee")
        yield from field(p, "prompts", "Prompts", "file;#tts[text];… (instead of or after the text)")
        yield from common_advanced(p)


def conference_form() -> ComposeResult:
    p = PREFIX["conference"]
    yield from destination(p)
    yield from field(p, "conference_id", "Conference id", "room to join, 1-64 characters")
    yield from field(p, "greeting", "Greeting", "spoken before joining (optional)")
    yield from select(p, "locale", "Locale", LOCALE_OPTIONS)
    with Collapsible(title="Advanced", id=f"{p}-advanced", collapsed=True):
        yield from field(p, "cli", "Caller id", "+46… shown to the callee")
        yield from field(p, "max_duration", "Max duration", "seconds, 0-14400")
        yield from select(p, "moh_class", "Music on hold", [(m, m) for m in MOH_CLASSES])
        yield from field(p, "conference_dtmf_options", "Conf. DTMF", '{"mode": "detect", "maxDigits": 4}')
        yield from common_advanced(p)


def custom_form() -> ComposeResult:
    p = PREFIX["custom"]
    yield from destination(p)
    yield from field(p, "cli", "Caller id", "+46… shown to the callee")
    yield from editor(p, "ice", "ICE: URL or SVAML (empty: the destination above)", SVAML_HINT)
    yield from editor(p, "ace", "ACE: URL or SVAML (empty: the application's callback)", SVAML_HINT)
    yield from editor(p, "pie", "PIE: URL or SVAML (after a runMenu)", SVAML_HINT)
    with Collapsible(title="Advanced", id=f"{p}-advanced", collapsed=True):
        yield from field(p, "dice", "DiCE", "URL or SVAML for the disconnect event")
        yield from field(p, "max_duration", "Max duration", "seconds, 0-14400")
        yield from common_advanced(p, flags=False)


def dial_in_fields(address_book: dict[str, Contact]) -> ComposeResult:
    """The dial-in form's insides; its scrolling `.form` is the `DialInPart` that composes them."""
    p = PREFIX["dialin"]
    yield from field(p, "conference_id", "Conference id", "everyone joins this room")
    yield from editor(p, "numbers", "Numbers (commas, spaces or one per line)", "+46701234567, +4670…")
    if address_book:
        yield Label("From the address book", classes="editor-label")
        yield SelectionList[str](*((Text(f"{c.name} {n}"), n) for n, c in address_book.items()),
                                 id=f"{p}-book")
    with Collapsible(title="Advanced", id=f"{p}-advanced", collapsed=True):
        yield from field(p, "greeting", "Greeting", "spoken before joining (optional)")
        yield from field(p, "cli", "Caller id", "+46… shown to the callee")
    with Vertical(id="legs-box"):
        yield DataTable(id="legs", cursor_type="row", zebra_stripes=True)


class FieldIndex:
    """The form's widgets under `root`, by id, each found once.

    A CSS query walks the whole screen: one per field per key cost more than the key itself (13 fields read and
    every message line found again for each character typed into the TTS text).
    """

    def __init__(self, root: DOMNode) -> None:
        self.root = root
        self._widgets: dict[str, Widget] = {}
        self._messages: dict[str, list[Static]] = {}

    def widget(self, widget_id: str) -> Widget | None:
        """The widget `#widget_id` under the root, or None while it is not there."""
        found = self._widgets.get(widget_id)
        if found is None:
            for found in self.root.query(f"#{widget_id}").results(Widget):
                self._widgets[widget_id] = found
                break
        return found

    def messages(self, prefix: str) -> list[Static]:
        """The message lines (`<prefix>-<field>-msg`) of one form."""
        found = self._messages.get(prefix)
        if not found:
            found = [message for message in self.root.query(".field-msg").results(Static)
                     if (message.id or "").startswith(prefix + "-")]
            self._messages[prefix] = found
        return found


def show_text(line: Static, text: str, *, layout: bool = True) -> None:
    """Show `text` on `line` unless it already does: an update lays the screen out again, even with the same text."""
    if str(line.content) != text:
        line.update(Text(text), layout=layout)


def show_messages(fields: FieldIndex, prefix: str, problems: dict[str, str], ok: Endpoint | None = None) -> None:
    """Each `<prefix>-<field>-msg` says its field's problem, or nothing (marked ok); a sound destination says
    what it resolved to (`ok`)."""
    for message in fields.messages(prefix):
        name = (message.id or "")[len(prefix) + 1:-len("-msg")]
        problem = problems.get(name)
        message.set_class(problem is None, "ok")
        if problem is not None:
            show_text(message, problem)
        elif name == "destination" and ok is not None:
            show_text(message, ok.describe())
        else:
            show_text(message, "")


def read_value(fields: FieldIndex, widget_id: str) -> str | bool | None:
    """The value of widget `#widget_id` as text (or a bool for a checkbox); None when absent."""
    widget = fields.widget(widget_id)
    if isinstance(widget, Input):
        return widget.value
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, Select):
        return widget.value if isinstance(widget.value, str) else ""
    if isinstance(widget, Checkbox):
        return widget.value
    return None


def read_form(fields: FieldIndex, kind: str) -> TtsForm | ConferenceForm | CustomForm:
    """Fill the `kind` form's dataclass from the widgets named after its fields."""
    form_type = FORMS[kind]
    values = {}
    for item in dataclass_fields(form_type):
        if item.name == "kind":
            continue
        value = read_value(fields, f"{PREFIX[kind]}-{item.name}")
        if value is not None:
            values[item.name] = value
    return form_type(**values)
