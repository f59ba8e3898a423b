"""`?`: the keys that work now, grouped: first the keys that work everywhere (the modes' digits in mode order,
quit, help, the palette), then the current mode's own, each with what it does and its id (for remapping in the
config).

Only the current mode's keys, not every mode's: a key listed must be one that works here and now (the profile's
keymap applied, write keys hidden on a read-only profile, the focused widget's keys), and only a mounted screen
can say that. Other modes' screens may not exist yet (they are loaded when first opened); the mode bar names
them in order with their digits, and `?` in each lists its keys.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from console.screens.mode_bar import MODE_ORDER

EVERYWHERE = "Everywhere"


class KeyRow(NamedTuple):
    key: str
    description: str
    binding_id: str
    everywhere: bool
    """An app key (it works in every mode) rather than the screen's or a widget's."""


def _mode_position(binding_id: str) -> int:
    """Where an app key goes among the global ones: the mode digits first, in mode order."""
    for position, mode in enumerate(MODE_ORDER):
        if binding_id == f"app.mode.{mode.name}":
            return position
    return len(MODE_ORDER)


def describe_bindings(screen: Screen[object]) -> list[KeyRow]:
    """Every enabled binding active on `screen`: the app's keys first (mode digits in mode order), then the
    screen's and its widgets' by id."""
    rows: dict[str, KeyRow] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if not active.enabled or not (binding.description or binding.id):
            continue
        display = screen.app.get_key_display(binding)
        description = binding.description or binding.action
        everywhere = active.node is screen.app
        rows.setdefault(binding.id or binding.action, KeyRow(display, description, binding.id or "", everywhere))
    return sorted(rows.values(), key=lambda row: (not row.everywhere, _mode_position(row.binding_id),
                                                  row.binding_id or "~", row.key))


class HelpScreen(ModalScreen[None]):
    """A modal table of the keys of the screen it was opened from: those working everywhere, then the mode's."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help.close")]

    def __init__(self, rows: list[KeyRow], title: str) -> None:
        super().__init__(classes="dialog")
        self.rows = rows
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(f"[b]Keys: {escape(self.title_text)}[/b]  (remap by id in the \\[keymap] of your profile)")
            table: DataTable[str | Text] = DataTable(cursor_type="row", id="help-table")
            table.add_columns("Key", "What it does", "Binding id")
            for group, everywhere in ((EVERYWHERE, True), (f"{self.title_text} (this mode)", False)):
                rows = [row for row in self.rows if row.everywhere is everywhere]
                if rows:
                    table.add_row("", Text(group, style="bold underline"), "")  # not under Key: it stays narrow
                    table.add_rows(row[:3] for row in rows)
            yield table
            yield Static("escape closes", id="help-hint")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
