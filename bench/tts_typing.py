"""Typing: 600 characters typed into the Callouts TTS text, per key, against a bare Textual TextArea in the same run.

Issue 14: the TTS box slowed as it filled (126 ms per key at 655 characters; a 605-character paste took 50 s),
because every key re-read and re-checked the whole form through CSS queries and re-laid the screen out. A key
now costs what the text area costs (its count is on its own border, drawn in the same frame); the form is
checked once typing pauses (widgets/counted_text.py).

A key's redraw is now the bare one's: Textual's compositor re-rendered every widget whose container's region the
change touched, at full height (16 widgets on the Callouts screen, ~190 lines per key: the header, the mode
bar, the footer, the side pane, the tabs, every container up to the screen); the Callouts screen's own
(widgets/compositor.py) renders only the widgets visible in the rows that changed, only those rows, and none
hidden behind their children: the text area and the screen's background, as in the bare app. What a console
key still pays over the bare one is depth and its features: the text area's styles walk its containers (a
form, the forms column, the screen), its count on the border is drawn with each key, the app's printable
filter runs over the drawn lines, and the measurement itself pings each node above the focused widget (5
against 3). The "floor" line shows that last part: the same waits and draw with no key typed.

Both run headless at 120x36: the bare app is one TextArea as the form builds it; the console is the real app on
the in-process sandbox (its rooms polled behind the Callouts screen), focus in the TTS text. For each key:
the key goes to the driver, then we wait until the focused widget and every node above it (up to the app)
has handled what was queued, and draw the screen's pending update; that wall time is the key's cost. (Pilot's
own wait posts to every widget on the screen, which would time the size of the screen, not the key.) Goal:
console median <= 1.5x the bare median, and the last 100 keys no slower than the first 100 beyond the same 1.5x.
Usage: python bench/tts_typing.py [--chars 600] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.app import App, ComposeResult
from textual.events import Key
from textual.pilot import Pilot
from textual.widgets import TextArea

from console.app import SinchConsole
from console.screens.callouts import CalloutsScreen
from console.screens.conferences import ConferencesScreen
from console.screenshots import frozen_app

SIZE = (120, 36)
SENTENCE = "The quarterly review moves to 3 pm, same room. Bring the figures for Q3, please! "
GOAL = 1.5


class BareTextArea(App[None]):
    """One TextArea configured as the TTS text is (console.screens.callout_forms.editor)."""

    CSS = "TextArea { height: 5; }"

    def compose(self) -> ComposeResult:
        yield TextArea("", soft_wrap=True, show_line_numbers=False)


async def settle(app: App[object]) -> None:
    """Wait until the focused widget and its ancestors have handled everything queued before now."""
    focused = app.screen.focused
    nodes = list(focused.ancestors_with_self) if focused is not None else [app.screen, app]
    done = [asyncio.Event() for _ in nodes]
    for node, event in zip(nodes, done, strict=True):
        if not node.call_later(event.set):
            event.set()
    await asyncio.gather(*(event.wait() for event in done))


async def type_text(app: App[object], text: str) -> list[float]:
    """Seconds per key: the key handled and the screen's update drawn."""
    driver = app._driver
    assert driver is not None
    times = []
    for character in text:
        key = "space" if character == " " else character if character.isalnum() else None
        started = time.perf_counter()
        driver.send_message(Key(key or _key_name(character), character))
        await settle(app)
        await settle(app)  # what the key's messages queued (Changed, refreshes) is handled too
        app.screen._on_timer_update()  # draw now what the refresh timer would draw next
        times.append(time.perf_counter() - started)
    return times


def _key_name(character: str) -> str:
    from textual.keys import _character_to_key

    return _character_to_key(character)


async def floor(app: App[object], rounds: int = 100) -> float:
    """Median seconds of one key's waits and draw with no key sent: what the measurement costs by itself."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        await settle(app)
        await settle(app)
        app.screen._on_timer_update()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def bare(text: str) -> tuple[list[float], float]:
    app = BareTextArea()
    async with app.run_test(size=SIZE) as pilot:
        app.query_one(TextArea).focus()
        await pilot.pause()
        times = await type_text(app, text)
        assert app.query_one(TextArea).text == text, "the bare TextArea lost keys"
        return times, await floor(app)


async def console(text: str) -> tuple[list[float], float]:
    with tempfile.TemporaryDirectory() as folder:
        app = frozen_app(Path(folder))
        async with app.run_test(size=SIZE) as pilot:
            screen = await _callouts(app, pilot)
            area = screen.query_one("#tts-text", TextArea)
            area.focus()
            await pilot.pause()
            times = await type_text(app, text)
            assert area.text == text, f"the TTS text lost keys ({len(area.text)} of {len(text)})"
            return times, await floor(app)


async def _callouts(app: SinchConsole, pilot: Pilot[None]) -> CalloutsScreen:
    """Connect, then `2`: the Callouts screen with its first field focused."""
    for _ in range(400):
        await pilot.pause()
        if app.session is not None and isinstance(app.screen, ConferencesScreen):
            break
    await pilot.press("escape", "2")
    for _ in range(400):
        await pilot.pause()
        if isinstance(app.screen, CalloutsScreen) and app.screen.focused is not None:
            return app.screen
    raise RuntimeError("the Callouts screen never showed")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.2f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    text = (SENTENCE * (args.chars // len(SENTENCE) + 1))[:args.chars]
    bare_times: list[float] = []
    console_times: list[float] = []
    console_first: list[float] = []
    console_last: list[float] = []
    floors: dict[str, list[float]] = {"bare": [], "console": []}
    for _ in range(args.rounds):  # alternated, so machine noise hits both alike
        round_times, round_floor = asyncio.run(bare(text))
        bare_times += round_times
        floors["bare"].append(round_floor)
        round_times, round_floor = asyncio.run(console(text))
        floors["console"].append(round_floor)
        console_times += round_times
        console_first += round_times[:100]
        console_last += round_times[-100:]
    b, c = statistics.median(bare_times), statistics.median(console_times)
    first, last = statistics.median(console_first), statistics.median(console_last)
    print(f"typing {args.chars} characters, per-key median over {args.rounds} rounds (headless, {SIZE[0]}x{SIZE[1]})")
    print(f"  bare Textual TextArea          {ms(b)}")
    print(f"  Callouts TTS text              {ms(c)}  (first 100 keys {ms(first)}, last 100 {ms(last)})")
    bare_floor, console_floor = (statistics.median(floors[side]) for side in ("bare", "console"))
    print(f"  floor, no key (waits + draw)   {ms(bare_floor)} bare, {ms(console_floor)} console")
    ratio, growth = c / b, last / first
    verdict = "ok" if ratio <= GOAL and growth <= GOAL else "ABOVE GOAL"
    print(f"ratio console / bare             {ratio:7.2f}  (goal <= {GOAL}) ; last / first 100 {growth:.2f} {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
