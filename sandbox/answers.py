"""Keys pressed on a call and the SVAML answers to callbacks: the part of the engine that callbacks steer.

`CallbackAnswers` is a part of `sandbox.engine.Sandbox` (a mixin): `press_dtmf` turns keys into a PIE (an IVR
menu's result through sandbox.menus, or the keys as they are in a room with DTMF detection), and
`apply_callback_answer` carries out what the application answered an ICE, ACE or PIE with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sandbox.callbacks import pie_body
from sandbox.errors import SandboxError, invalid
from sandbox.locking import locked as _locked
from sandbox.menus import MenuState, start_menu
from sandbox.svaml import parse_svaml

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable
    from datetime import datetime

    from sandbox.callbacks import CallbackDispatcher, CallbackUrls
    from sandbox.state import Call, Conference, Participant


class CallbackAnswers:
    """Keys and answers, on the engine's state and methods (declared here for the type checker only)."""

    if TYPE_CHECKING:
        lock: threading.RLock
        calls: dict[str, Call]
        conferences: dict[str, Conference]
        dtmf_detect: dict[str, str]
        callbacks: CallbackUrls
        dispatcher: CallbackDispatcher

        def now(self) -> datetime: ...
        def tick(self) -> None: ...
        def call(self, call_id: str) -> Call: ...
        def end_call(self, call: Call, at: datetime, *, reason: str, result: str | None = None) -> None: ...
        def join(self, room: str, call: Call, at: datetime, *, muted: bool = False) -> Participant: ...
        def _emit(self, kind: str, call: Call, build: Callable[[], dict[str, Any]]) -> bool: ...

    @_locked
    def press_dtmf(self, call_id: str, digits: str) -> bool:
        """Keys pressed on a call: in an IVR menu (runMenu) they are matched against its options (sandbox.menus),
        in a room with DTMF detection they come back as they are. True when a PIE callback was queued (False:
        no URL configured, a move to another menu, or a custom callout's inline `pie` SVAML applied)."""
        call = self.call(call_id)
        if call.is_final:
            raise invalid("Invalid request: the call has already ended")
        if call.menu is not None:
            return self._press_in_menu(call, call.menu, digits)
        room = call.conference_id
        if not room or room not in self.conferences or call_id not in self.conferences[room].participants:
            raise invalid("Invalid request: the call is neither in a menu (runMenu) nor in a conference")
        if self.dtmf_detect.get(call_id) != room:
            raise invalid("Invalid request: DTMF detection is off for this participant (connect it with "
                          "conferenceDtmfOptions mode 'detect')")
        return self._emit("pie", call, lambda: pie_body(call, self.now(), menu_id=room, value=digits))

    def _press_in_menu(self, call: Call, menu: MenuState, digits: str) -> bool:
        if call.status != "ONGOING":
            raise invalid("Invalid request: the call is not connected yet")
        result = menu.press(digits)
        if result is None:
            return False  # moved to another menu: Sinch reports on return
        call.menu = None
        if call.inline_pie is not None:  # a custom callout's inline `pie` SVAML: no callback, applied here
            self.apply_callback_answer("pie", call.call_id, call.inline_pie)
            return False
        return self._emit("pie", call, lambda: pie_body(call, self.now(), menu_id=result.menu_id, value=result.value,
                                                        result_type=result.type))

    @_locked
    def apply_callback_answer(self, kind: str, call_id: str, answer: dict[str, Any]) -> None:
        """Carry out the SVAML an ICE, ACE or PIE was answered with: hangup, connectConf, runMenu (the call is
        then in that menu); continue is a no-op.

        Other actions (connectPstn, park...) and instructions are not simulated and change nothing.
        """
        self.tick()
        call = self.calls.get(call_id)
        if call is None or call.is_final:
            return
        try:
            doc = parse_svaml(answer, field=f"{kind} answer")
        except SandboxError as exc:
            self.dispatcher.stats.last_error = f"{kind} {call_id}: unreadable answer: {exc.message}"
            return
        action = doc.action
        now = self.now()
        if action is None or action.name == "continue":
            return
        if action.name == "hangup":
            self.end_call(call, now, reason="MANAGERHANGUP")
        elif action.name == "runMenu":
            try:
                call.menu = start_menu(action)
            except SandboxError as exc:
                self.dispatcher.stats.last_error = f"{kind} {call_id}: unusable runMenu: {exc.message}"
        elif action.name == "connectConf" and call.status == "ONGOING":
            call.menu = None
            room = action.conference_id
            options = action.conference_dtmf_options or {}
            old = self.conferences.get(call.conference_id or "")
            was = old.participants.get(call_id) if old else None
            if was is None or call.conference_id != room:
                self.join(room, call, now, muted=was.muted if was else False)
            if str(options.get("mode", "")).lower() == "detect":
                self.dtmf_detect[call_id] = room
            else:
                self.dtmf_detect.pop(call_id, None)
