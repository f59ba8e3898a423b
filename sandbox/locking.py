"""The sandbox's one lock, as a method decorator: the engine and its parts (sandbox.answers) share it."""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar


class HasLock(Protocol):
    @property
    def lock(self) -> AbstractContextManager[Any]: ...


S = TypeVar("S", bound=HasLock)
P = ParamSpec("P")
R = TypeVar("R")


def locked(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """Run the method under the sandbox's lock (re-entrant, so methods may call each other)."""

    @functools.wraps(method)
    def run(self: S, *args: P.args, **kwargs: P.kwargs) -> R:
        with self.lock:
            return method(self, *args, **kwargs)

    return run
