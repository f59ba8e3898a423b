"""One line above the Calls list: the calls the console placed per hour and what they cost, as two sparklines.

Textual's own Sparkline widget, a cell per clock hour (oldest left), framed by the first and last hour and the
totals, so the strip takes one row however many calls there are. Fed `HourOfCalls` models (built by
console.calls.hourly); `show` changes nothing on screen when the numbers are the same.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, Sparkline

from api.models.views import HourOfCalls


class CallsPerHour(Horizontal):
    """`09h ▁▃█▂ 20h  14 placed · cost ▁▁▅█ 0.5600 EUR`."""

    DEFAULT_CSS = """
    CallsPerHour { height: 1; width: 1fr; padding: 0 1; }
    CallsPerHour Label { width: auto; color: $text-muted; }
    CallsPerHour Sparkline { width: auto; min-width: 4; }
    CallsPerHour #hourly-placed-total, CallsPerHour #hourly-cost-total { color: $text; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: tuple[tuple[HourOfCalls, ...], str] | None = None

    def compose(self) -> ComposeResult:
        yield Label("Placed per hour ", id="hourly-first")
        yield Sparkline([], id="hourly-placed")
        yield Label("", id="hourly-last")
        yield Label("", id="hourly-placed-total")
        yield Label(" · cost ")
        yield Sparkline([], id="hourly-cost")
        yield Label("", id="hourly-cost-total")

    def show(self, hours: Sequence[HourOfCalls], currency: str) -> None:
        """Draw these hours (oldest first); `currency` "mixed" when the debits are in more than one."""
        shown = (tuple(hours), currency)
        if shown == self._shown or not hours:
            return
        self._shown = shown
        placed = self.query_one("#hourly-placed", Sparkline)
        cost = self.query_one("#hourly-cost", Sparkline)
        placed.data = [hour.placed for hour in hours]
        cost.data = [hour.cost for hour in hours]
        placed.styles.width = cost.styles.width = len(hours)
        self.query_one("#hourly-first", Label).update(f"Placed per hour {hours[0].hour:%H}h ")
        self.query_one("#hourly-last", Label).update(f" {hours[-1].hour:%H}h  ")
        total = sum(hour.placed for hour in hours)
        self.query_one("#hourly-placed-total", Label).update(f"{total} placed")
        if currency == "mixed":
            money = "in several currencies"
        elif currency:
            money = f"{sum(hour.cost for hour in hours):.4f} {currency}"
        else:
            money = "none reported yet"
        self.query_one("#hourly-cost-total", Label).update(Text(f" {money.strip()}"))  # the platform's words
