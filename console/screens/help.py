"""`?`: every key of the screen underneath, with what it does and its id (for remapping in the config)."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static


def describe_bindings(screen: Screen[object]) -> list[tuple[str, str, str]]:
    """(key, description, binding id) for every enabled binding active on `screen`, sorted by id."""
    rows: dict[str, tuple[str, str, str]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if not active.enabled or not (binding.description or binding.id):
            continue
        display = screen.app.get_key_display(binding)
        description = binding.description or binding.action
        rows.setdefault(binding.id or binding.action, (display, description, binding.id or ""))
    return sorted(rows.values(), key=lambda row: (row[2] or "~", row[0]))


class HelpScreen(ModalScreen[None]):
    """A modal table of the keys of the screen it was opened from."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help.close")]

    def __init__(self, rows: list[tuple[str, str, str]], title: str) -> None:
        super().__init__(classes="dialog")
        self.rows = rows
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(f"[b]Keys: {escape(self.title_text)}[/b]  (remap by id in the \\[keymap] of your profile)")
            table: DataTable[str] = DataTable(cursor_type="row", id="help-table")
            table.add_columns("Key", "What it does", "Binding id")
            table.add_rows(self.rows)
            yield table
            yield Static("escape closes", id="help-hint")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
