"""IVR menus (the SVAML `runMenu` action) on a simulated call, and what keys pressed in them report back.

A call whose applied SVAML (an ICE/ACE/PIE answer, a custom callout's inline ACE, a manage-call PATCH) ends
in `runMenu` is "in a menu": `Call.menu` holds the menus and the current one. Keys pressed there (admin route
`POST /_sandbox/participants/{callId}/dtmf`) are matched key by key, as Sinch collects them:

    an option's `dtmf` matched, action `menu(id)`    -> the call moves to that menu; nothing is sent yet
    an option's `dtmf` matched, action `return(x)`   -> PIE menuResult {type "return", value x}
    `maxDigits` keys collected without a match       -> PIE {type "sequence", value: the keys}
    a key no option starts with (no maxDigits)       -> PIE {type "invalidinput", value: the keys}

The keys of one press are one complete input: what is left when they run out is reported as a "sequence"
(menu with maxDigits) or "invalidinput" (without). After a PIE the call has left the menu; the PIE's answer
decides what comes next (runMenu again, connectConf, hangup; continue changes nothing).
Not simulated: prompt durations and `barge`, timeouts (`timeoutMills`, type "timeout"), repeats, voice input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from api.models.svaml import RunMenu
from sandbox.errors import invalid

MAIN_MENU = "main"  # Sinch: "one menu must have the ID value of main" (the default mainMenu)
_OPTION_ACTION = re.compile(r"^\s*(menu|return)\s*(?:\((.*)\))?\s*$", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class MenuResult:
    """What a PIE reports: the menu the input was given in, the result type and its value."""

    menu_id: str
    type: str
    value: str


@dataclass
class Menu:
    menu_id: str
    options: dict[str, tuple[str, str]]  # dtmf -> ("menu", id) | ("return", value)
    max_digits: int | None = None


@dataclass
class MenuState:
    menus: dict[str, Menu]
    current: str

    def press(self, digits: str) -> MenuResult | None:
        """Feed keys; a result once the menu is done with them (None: still in a menu, e.g. moved to another)."""
        buffer = ""
        for key in digits:
            buffer += key
            menu = self.menus[self.current]
            option = menu.options.get(buffer)
            if option is not None:
                kind, target = option
                if kind == "return":
                    return MenuResult(menu.menu_id, "return", target)
                self.current, buffer = target, ""
                continue
            if menu.max_digits:
                if len(buffer) >= menu.max_digits:
                    return MenuResult(menu.menu_id, "sequence", buffer)
            elif not any(dtmf.startswith(buffer) for dtmf in menu.options):
                return MenuResult(menu.menu_id, "invalidinput", buffer)
        if not buffer:
            return None
        menu = self.menus[self.current]
        return MenuResult(menu.menu_id, "sequence" if menu.max_digits else "invalidinput", buffer)


def _member(data: dict[str, Any], name: str) -> Any:
    if name in data:
        return data[name]
    snake = re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()
    return data.get(snake)


def start_menu(action: RunMenu) -> MenuState:
    """The menus of a runMenu action, positioned on its main menu; 40003 when they do not hang together."""
    menus: dict[str, Menu] = {}
    for raw in action.menus or []:
        menu_id = str(_member(raw, "id") or "")
        if not menu_id:
            raise invalid("Invalid request: every runMenu menu needs an 'id'")
        options: dict[str, tuple[str, str]] = {}
        for option in _member(raw, "options") or []:
            dtmf = str(_member(option, "dtmf") or "") if isinstance(option, dict) else ""
            match = _OPTION_ACTION.match(str(_member(option, "action") or "")) if dtmf else None
            if match is None:
                raise invalid(f"Invalid request: menu '{menu_id}' has an option without dtmf or with an action "
                              "other than menu(id) or return(value)")
            kind = match.group(1).lower()
            target = (match.group(2) or "").strip()
            if kind == "menu" and not target:
                raise invalid(f"Invalid request: option '{dtmf}' of menu '{menu_id}' names no menu")
            options[dtmf] = (kind, target if target or kind == "menu" else dtmf)
        max_digits = _member(raw, "maxDigits")
        try:
            max_digits = int(max_digits) if max_digits not in (None, "") else None
        except (TypeError, ValueError):
            raise invalid(f"Invalid request: maxDigits of menu '{menu_id}' must be a number") from None
        menus[menu_id] = Menu(menu_id, options, max_digits if max_digits and max_digits > 0 else None)
    main = action.main_menu or MAIN_MENU
    if main not in menus:
        raise invalid(f"Invalid request: runMenu has no menu '{main}' (mainMenu)")
    for menu in menus.values():
        for kind, target in menu.options.values():
            if kind == "menu" and target not in menus:
                raise invalid(f"Invalid request: menu '{menu.menu_id}' goes to an unknown menu '{target}'")
    return MenuState(menus, main)
