"""How a headless service tells whoever listens: the screens of the console, a notebook, a test.

A service owns one `Listeners` and calls it with each typed update; a listener that raises is logged and skipped,
so one view with a bug stops neither the service's polling nor the other views.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

Update = TypeVar("Update")


class Listeners(Generic[Update]):
    def __init__(self, what: str) -> None:
        self._what = what  # named in the log line of a listener that fails
        self._listeners: list[Callable[[Update], object]] = []

    def subscribe(self, listener: Callable[[Update], object]) -> Callable[[], None]:
        """Hear every update from now on; call what is returned to stop."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def __call__(self, update: Update) -> None:
        for listener in list(self._listeners):
            try:
                listener(update)
            except Exception:
                log.exception("a %s listener failed on %s", self._what, type(update).__name__)

    def clear(self) -> None:
        self._listeners.clear()
