"""The soak's operator: drives the console by keys through every mode, as a busy person would, until a deadline.

One round: Conferences (move, mute, unmute, sometimes kick with confirmation, mute all and unmute all, next
room, refresh), a callout (text-to-speech and conference in turn, each form to a destination of its own, so
the sandbox can tell a duplicate from a second form), Calls (sometimes say, start a recording to S3 with
credentials, or hang up), Recordings (download the row under the cursor), Numbers, Events (open an event's
detail) and Log. A form the console says *failed* is sent again, as an operator would; one whose
outcome is *unknown* ("may have been placed") is not. Everything waits on conditions with a bounded wait in
real time (the sandbox and the relay run in real time), never on a fixed sleep alone.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from soak_checks import CalloutLedger
from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, TextArea

OUTCOME_WAIT = 60.0
"""A callout's answer: the client's timeout and retries under 20 % errors fit in it."""
RESENDS = 2
SOAK_ROOM = "soak-room"


class Operator:
    def __init__(self, app: Any, pilot: Pilot[None], *, seed: int, deadline: float, ledger: CalloutLedger,
                 s3_secret: str) -> None:
        self.app, self.pilot, self.deadline, self.ledger = app, pilot, deadline, ledger
        self.s3_secret = s3_secret
        self.rng = random.Random(seed)
        self.callouts = 0
        self.rounds = 0
        self.actions: dict[str, int] = {}
        self._outcomes: list[Any] = []
        self._spied: set[int] = set()

    # ---- waiting ---------------------------------------------------------------------------------------

    def left(self) -> float:
        return self.deadline - time.monotonic()

    async def wait_for(self, condition: Callable[[], Any], timeout: float) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if condition():
                return True
            await self.pilot.pause(0.1)
        return bool(condition())

    async def press(self, *keys: str) -> None:
        for key in keys:
            await self.pilot.press(key)
            self.actions[key] = self.actions.get(key, 0) + 1

    def screen_name(self) -> str:
        return type(self.app.screen).__name__

    async def close_modals(self) -> None:
        """A question or detail the round did not expect (an existing file, a detail view) is cancelled."""
        for _ in range(4):
            screen = self.app.screen
            if not isinstance(screen, ModalScreen):
                return
            if type(screen).__name__ == "ExistingFileScreen":
                await self.press("s")  # skip: never overwrite
            else:
                await self.press("escape")
            await self.pilot.pause(0.1)

    async def mode(self, key: str, screen: str) -> bool:
        await self.close_modals()
        if self.screen_name() == "CalloutsScreen":
            await self.press("escape")  # leave the field, so the digit switches modes instead of being typed
        await self.press(key)
        return await self.wait_for(lambda: self.screen_name() == screen, 10)

    # ---- the round ------------------------------------------------------------------------------------

    async def run(self) -> None:
        await self.wait_for(lambda: self.screen_name() == "ConferencesScreen", 60)
        while self.left() > 0:
            self.rounds += 1
            # A callout every few seconds: three a round, between the other modes.
            for step in (self.conferences, self.callout, self.calls, self.recordings, self.callout, self.numbers,
                         self.events, self.log, self.callout):
                if self.left() <= 0:
                    break
                await step()
                await self.pilot.pause(self.rng.uniform(0.2, 0.8))

    async def conferences(self) -> None:
        if not await self.mode("1", "ConferencesScreen"):
            return
        from widgets import Roster

        screen = self.app.screen
        if self.rng.random() < 0.5:
            await self.press("right_square_bracket")
        await self.press("r")
        roster = screen.query(Roster).first() if screen.query(Roster) else None
        if roster is None or not await self.wait_for(lambda: roster.row_count > 0, 5):
            return
        roster.focus()
        await self.press(*["j"] * self.rng.randint(0, 3))
        await self.press("m")
        await self.pilot.pause(0.5)
        await self.press("m")
        if self.rng.random() < 0.3:
            await self.press("k")
            if await self.wait_for(lambda: isinstance(self.app.screen, ModalScreen), 3):
                await self.press("y")
        if self.rng.random() < 0.2:  # the whole room at once: concurrent requests into the faults
            await self.press("M")
            await self.pilot.pause(1.0)
            await self.press("U")

    async def callout(self) -> None:
        if not await self.mode("2", "CalloutsScreen"):
            return
        screen = self.app.screen
        self._spy(screen)
        self.callouts += 1
        kind = "tts" if self.callouts % 2 else "conference"
        destination = f"+46707{self.callouts:06d}"  # one number per form: a second call to it is a duplicate
        if kind == "tts":
            await self.press("escape", "t")
            fields = {"tts-destination": destination, "tts-text": f"Soak callout number {self.callouts}"}
        else:
            await self.press("escape", "c")
            fields = {"conf-destination": destination, "conf-conference_id": SOAK_ROOM}
        for widget_id, value in fields.items():  # set as the tests do: typing 40 keys adds nothing but time
            widget = screen.query_one(f"#{widget_id}")
            if isinstance(widget, TextArea):
                widget.text = value
            elif isinstance(widget, Input):
                widget.value = value
        await self.pilot.pause(0.2)
        for _attempt in range(1 + RESENDS):
            status = await self._send_once(screen)
            self.ledger.sent(destination, status)
            if status != "failed" or self.left() <= 0:
                return
            await self.pilot.pause(self.rng.uniform(1.0, 3.0))  # the operator reads the error, then tries again

    def _spy(self, screen: Any) -> None:
        """Hear every SendOutcome of this screen's sender (its status word, not the screen's wording)."""
        sender = screen.sender
        if id(sender) in self._spied:
            return
        self._spied.add(id(sender))
        send = sender.send

        async def spied(*args: Any, **kwargs: Any) -> Any:
            outcome = await send(*args, **kwargs)
            self._outcomes.append(outcome)
            return outcome

        sender.send = spied

    async def _send_once(self, screen: Any) -> str:
        button = screen.query_one("#send", Button)
        if not await self.wait_for(lambda: not button.disabled, 10):
            return "not ready"
        before = len(self._outcomes)
        await self.press("ctrl+s")
        if not await self.wait_for(lambda: self.screen_name() == "ConfirmScreen", 10):
            return "no confirmation"
        await self.press("y")
        if not await self.wait_for(lambda: len(self._outcomes) > before, OUTCOME_WAIT):
            return "no answer"
        return str(self._outcomes[-1].status)

    async def calls(self) -> None:
        """Refresh, then now and then manage the call under the cursor: say, start recording, hang up."""
        if not await self.mode("3", "CallsScreen"):
            return
        await self.press("r")
        table = self.app.screen.query(DataTable).first() if self.app.screen.query(DataTable) else None
        if table is None or not await self.wait_for(lambda: table.row_count > 0, 3):
            return
        table.focus()
        await self.press(*["j"] * self.rng.randint(0, 2))
        roll = self.rng.random()
        if roll < 0.3:
            await self._manage("s", {"text": f"Soak says hello in round {self.rounds}"})
        elif roll < 0.45:  # recording credentials are a secret too: searched for in every written file
            await self._manage("R", {"url": "s3://soak-bucket/recordings",
                                     "credentials": f"AKIASOAKBENCH:{self.s3_secret}:eu-west-1"})
        elif roll < 0.55:
            await self.press("h")
            if await self.wait_for(lambda: self.screen_name() == "ConfirmScreen", 3):
                await self.press("y")

    async def _manage(self, key: str, values: dict[str, str]) -> None:
        await self.press(key)
        if not await self.wait_for(lambda: self.screen_name() == "ManageCallDialog", 3):
            return
        dialog = self.app.screen
        for name, value in values.items():
            for field in dialog.query(f"#field-{name}").results(Input):
                field.value = value
        await self.pilot.pause(0.2)
        await self.press("enter")  # the first field has the focus: enter sends what the preview shows
        await self.close_modals()

    async def recordings(self) -> None:
        if not await self.mode("4", "RecordingsScreen"):
            return
        table = self.app.screen.query_one("#recordings", DataTable)
        if not await self.wait_for(lambda: table.display and table.row_count > 0, 5):
            await self.press("r")
            return
        table.focus()
        await self.press(*["j"] * self.rng.randint(0, 3), "d")
        await self.wait_for(lambda: isinstance(self.app.screen, ModalScreen), 2)
        await self.close_modals()
        await self.pilot.pause(1.0)

    async def numbers(self) -> None:
        if self.rounds % 3 == 0 and await self.mode("5", "NumbersScreen"):
            await self.press("r")

    async def events(self) -> None:
        if not await self.mode("6", "EventsScreen"):
            return
        tables = self.app.screen.query(DataTable)
        if tables and tables.first().row_count > 0:
            tables.first().focus()
            await self.press("enter")
            await self.pilot.pause(0.3)
            await self.close_modals()
            await self.press("escape")

    async def log(self) -> None:
        if await self.mode("7", "LogScreen"):
            await self.press("r")

