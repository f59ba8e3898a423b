"""SyncSinchVoiceClient: a blocking facade over the async client for scripts and notebooks. Not a copy.

One daemon thread ("sinch-voice-sync-N") runs its own asyncio event loop, started on first use; the async
`SinchVoiceClient` is created on that loop and only ever used there. Attribute access returns the async
client's attributes, with every coroutine function wrapped: calling it submits the coroutine to the background
loop (`asyncio.run_coroutine_threadsafe`) and blocks until it is done, re-raising the api.errors exception as it
is. Resources (`client.conferences`, ...) come back as proxies doing the same, so a method added to the async
client or a resource appears here without any change.

Because the work happens on another loop, a call made from a thread whose loop is running (a Jupyter cell, code
under `asyncio.run`) neither deadlocks nor fails with "asyncio.run() cannot be called from a running event loop".
In async code, prefer the async client itself (`await client.calls.get(...)` works at a notebook's top level).

The constructor takes the async client's parameters. By default the async client creates its own HTTP client on
the background loop. An `http_client` passed in is used from that loop: it must not be bound to another one
(an `httpx.ASGITransport` app living on another loop, or an httpx client already used elsewhere); for tests,
point `base_url` at a sandbox on 127.0.0.1 (`sandbox.server.start_sandbox_thread`). Callbacks given to the
client (`on_trace`, a download's `on_progress`) run on the background thread. Argument errors the async
constructor raises (ValueError for a bad region or secret) surface on first use; a wrong parameter name
(TypeError) at once.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import itertools
import threading
import weakref
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from api.client import SinchVoiceClient

CLOSE_TIMEOUT = 10.0  # seconds close() waits for the async client to close and the thread to end
_NOT_PROXIED = frozenset({"aclose"})  # the loop's lifetime is ours: close() closes the client too
_counter = itertools.count(1)


class _Loop:
    """The background thread and its loop. Holds no reference to the facade, so a finalizer may use it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.client: SinchVoiceClient | None = None
        self.thread = threading.Thread(target=self._run, name=f"sinch-voice-sync-{next(_counter)}", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_forever()
        finally:
            try:
                tasks = asyncio.all_tasks(self.loop)
                for task in tasks:
                    task.cancel()
                if tasks:
                    self.loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
                self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            finally:
                self.loop.close()

    def run(self, coro: Coroutine[Any, Any, Any], timeout: float | None = None) -> Any:
        """Run `coro` on the background loop and wait; its exception is raised here unchanged."""
        if threading.current_thread() is self.thread:
            coro.close()
            raise RuntimeError("a SyncSinchVoiceClient cannot be called from its own event loop: use the async "
                               "client there")
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(timeout)
        except BaseException:  # KeyboardInterrupt in a notebook, a timeout: do not leave the request running
            future.cancel()
            raise

    def shutdown(self) -> None:
        """Close the async client on its loop, stop the loop and join the thread. Runs once (weakref.finalize)."""
        try:
            if self.client is not None and self.loop.is_running():
                self.run(self.client.aclose(), CLOSE_TIMEOUT)
        finally:
            if not self.loop.is_closed():
                self.loop.call_soon_threadsafe(self.loop.stop)
            if threading.current_thread() is not self.thread:
                self.thread.join(CLOSE_TIMEOUT)


class _SyncProxy:
    """A resource of the async client, with its coroutine functions made blocking."""

    __slots__ = ("_owner", "_target")

    def __init__(self, owner: SyncSinchVoiceClient, target: object) -> None:
        self._owner = owner
        self._target = target

    def __getattr__(self, name: str) -> Any:
        return self._owner._wrap(getattr(self._target, name))

    def __dir__(self) -> list[str]:
        return sorted(set(dir(self._target)))

    def __repr__(self) -> str:
        return f"<sync {type(self._target).__name__} of {self._owner!r}>"


class SyncSinchVoiceClient:
    """Blocking access to everything `SinchVoiceClient` offers, for scripts and notebooks.

        with SyncSinchVoiceClient(key, secret, base_url=url) as client:
            conference = client.conferences.get("standup")   # a Conference, shown as a table in Jupyter
            client.conferences.mute("standup", conference.participants[0].call_id)

    Takes the async client's parameters (see the module docstring about `http_client`). Thread-safe: calls
    from several threads all run on the one background loop. `close()` (or leaving `with`) closes the async
    client, stops the loop and joins its thread; calling it again does nothing.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from api.client import SinchVoiceClient

        bound = inspect.signature(SinchVoiceClient).bind(*args, **kwargs)  # a wrong parameter fails here
        self._args = args
        self._kwargs = kwargs
        self._key = bound.arguments.get("application_key")
        self._region = bound.arguments.get("region", "global")
        self._lock = threading.Lock()
        self._loop: _Loop | None = None
        self._finalizer: weakref.finalize[[], SyncSinchVoiceClient] | None = None
        self._closed = False
        self._proxies: dict[str, _SyncProxy] = {}

    def __repr__(self) -> str:
        state = "closed" if self._closed else ("running" if self._loop is not None else "not started")
        return f"SyncSinchVoiceClient(application_key={self._key!r}, region={self._region!r}, {state})"

    def __enter__(self) -> SyncSinchVoiceClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def thread(self) -> threading.Thread | None:
        """The background thread, once started."""
        return None if self._loop is None else self._loop.thread

    @property
    def async_client(self) -> SinchVoiceClient:
        """The async client behind this facade (use it only on its loop: `asyncio.run_coroutine_threadsafe`)."""
        client = self._started().client
        if client is None:  # _started() sets it before it returns; this only tells the type checker
            raise RuntimeError("the async client was not created")
        return client

    def call(self, function: Callable[..., Coroutine[Any, Any, Any]], *args: Any, **kwargs: Any) -> Any:
        """Run a coroutine function of your own on the background loop and wait for its result: code that
        needs several awaits on `async_client` (console.notebook_changes does) runs where the client lives."""
        return _blocking(self, function)(*args, **kwargs)

    def close(self) -> None:
        """Close the async client on its loop, stop the loop, join the thread. Safe to call more than once."""
        with self._lock:
            self._closed = True
            finalizer = self._finalizer
        if finalizer is not None:
            finalizer()  # weakref.finalize runs its function at most once

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name in _NOT_PROXIED:
            # IPython probes _repr_*_ and _ipython_*: answer without starting a thread
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        from api.resources._base import Resource

        client = self.async_client
        value = getattr(client, name)
        if not isinstance(value, Resource):
            return self._wrap(value)
        with self._lock:
            proxy = self._proxies.get(name)
            if proxy is None or proxy._target is not value:
                proxy = self._proxies[name] = _SyncProxy(self, value)
        return proxy

    def __dir__(self) -> list[str]:
        names = set(super().__dir__())
        if self._loop is not None and self._loop.client is not None:
            names |= {n for n in dir(self._loop.client) if not n.startswith("_") and n not in _NOT_PROXIED}
        return sorted(names)

    # ---- machinery -------------------------------------------------------------------------------------------

    def _started(self) -> _Loop:
        with self._lock:
            if self._closed:
                raise RuntimeError("this SyncSinchVoiceClient is closed")
            if self._loop is not None:
                return self._loop
            runner = _Loop()
            try:
                runner.client = runner.run(self._create())
            except BaseException:
                runner.shutdown()
                raise
            self._loop = runner
            self._finalizer = weakref.finalize(self, runner.shutdown)
            return runner

    async def _create(self) -> SinchVoiceClient:
        from api.client import SinchVoiceClient

        return SinchVoiceClient(*self._args, **self._kwargs)  # on the background loop

    def _wrap(self, value: Any) -> Any:
        """A coroutine function becomes a blocking function running on the background loop; the rest is as is."""
        if not inspect.iscoroutinefunction(value):
            return value
        return _blocking(self, value)


def _blocking(owner: SyncSinchVoiceClient, method: Callable[..., Coroutine[Any, Any, Any]]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        runner = owner._started()  # raises, without building a coroutine, once closed
        return runner.run(method(*args, **kwargs))

    return call
