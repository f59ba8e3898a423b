"""The relay the console runs for its own sandbox child (`make run`, `--sandbox`): the demo's callbacks become
live events, exactly as a profile's relay would deliver Sinch's.

    feed = EventFeed(PENDING_URL, token)
    app.run_worker(run_demo_events(backend, feed, token))     # for as long as the session lasts

`run_demo_events`
1. starts a relay (`relay.server.start_relay_thread`) in a thread on 127.0.0.1, any free port, with the
   sandbox child's throwaway application key and secret, a fresh random token and `demo_rules`. `relay` (uvicorn,
   starlette) is imported there, in that thread: start-up never pays for it;
2. points the feed at the relay's `/events` and runs it;
3. once the feed is live (or after a few seconds), sets the sandbox application's callback URL to the relay's
   `/callback` through the Configuration API, as one does with Sinch. From then on the demo's ICE, ACE, DiCE, PIE
   and Notify callbacks arrive signed at the relay, are answered by its rules and stream into the feed.
The relay stops when the backend closes (app unmount, profile switch): `Backend.stop_on_close`.

Only the spawned child gets this (`Backend.live_demo`); the in-process frozen sandbox of tests and screenshots
never sends callbacks, so their screens stay deterministic.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from console.backend import Backend
from console.events.feed import EventFeed
from console.events.subscriber import ConnectionState

if TYPE_CHECKING:
    from relay.rules import Rules
    from relay.server import RunningRelay

log = logging.getLogger("console.events")
PENDING_URL = "ws://127.0.0.1/events"
"""Where the feed points until the relay listens (its port is known only then)."""
LIVE_WAIT = 5.0
"""Seconds to wait for the subscription before setting the callback URL anyway (the first events would be lost
rather than all of them)."""
RULES_SOURCE = "sandbox demo rules"


def demo_rules(rooms: Iterable[str]) -> Rules:
    """A dial-in to one of `rooms` (the sandbox puts the room it asked for in the ICE's `custom`) joins that room
    with DTMF detection, so a participant's `1` comes back as a PIE: a raised hand. Any other ICE (a custom
    callout without inline ICE SVAML) is answered connectPstn without a number, the callout going out to its own
    destination, rather than the relay's safe default (hangup), so custom callouts behave as before."""
    from relay.rules import Rules, RuleSpec, compile_rule

    fields: list[dict[str, Any]] = [
        {"name": f"dial-in to {room}", "event": "ice", "custom": room, "action": "connectConf", "conference": room,
         "detect_dtmf": True}
        for room in dict.fromkeys(rooms)
    ]
    fields += [
        {"name": "raised hand", "event": "pie", "dtmf": "1", "action": "continue"},
        {"name": "any other ICE: the callout goes out to its destination", "event": "ice",
         "svaml": {"action": {"name": "connectPstn"}}},
    ]
    rules = []
    for index, spec in enumerate(fields, start=1):
        where = f"{RULES_SOURCE}: rule {index}"
        try:
            rules.append(compile_rule(RuleSpec(**spec), where, default_name=where))
        except ValueError as error:  # a saved room id the relay cannot route (too long...): that room only
            log.warning("events: %s left out: %s", where, error)
    return Rules(rules, RULES_SOURCE)


def start_demo_relay(backend: Backend, token: str) -> RunningRelay:
    """Start the relay for `backend`'s sandbox child (blocking: call it in a thread); stopped with the backend."""
    from relay.server import start_relay_thread
    from relay.settings import RelaySettings

    child = backend.sandbox_process
    if child is None:
        raise ValueError("only a spawned sandbox gets the console's relay")
    settings = RelaySettings(application_key=child.application_key, application_secret=child.application_secret,
                             token=token, rules=demo_rules(backend.rooms))
    relay = start_relay_thread(settings, host="127.0.0.1", port=0)
    backend.stop_on_close(relay.stop)  # at once if the session closed meanwhile
    return relay


START_DELAY = 1.0
"""Seconds the console's own relay waits before starting (start-up shows the roster first)."""


async def run_demo_events(backend: Backend, feed: EventFeed, token: str, *,
                          on_problem: Callable[[str], object] | None = None) -> None:
    """Start the relay, subscribe `feed` to it and give the sandbox its callback URL; runs until cancelled or the
    feed is stopped. Never raises: a failure is said through the feed's state and `on_problem`."""
    # after the first roster: the relay's imports (uvicorn, starlette) would compete with it for the GIL
    await asyncio.sleep(START_DELAY)
    try:
        relay = await asyncio.to_thread(start_demo_relay, backend, token)
    except Exception as error:
        log.warning("events: the console's relay did not start: %s", error)
        feed.set_state(ConnectionState("refused", reason=f"the console's relay did not start ({error})"))
        return
    if backend.closed:
        return
    feed.retarget(relay.events_url)
    configure = asyncio.create_task(_configure_when_live(backend, feed, relay.callback_url, on_problem))
    try:
        await feed.run()
    finally:
        configure.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await configure


async def _configure_when_live(backend: Backend, feed: EventFeed, callback_url: str,
                               on_problem: Callable[[str], object] | None) -> None:
    live = asyncio.Event()
    if feed.state.kind == "live":
        live.set()
    stop_listening = feed.listen(on_state=lambda state: live.set() if state.kind == "live" else None)
    try:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(live.wait(), LIVE_WAIT)
    finally:
        stop_listening()
    try:
        await backend.client.callbacks.update(primary=callback_url)
    except Exception as error:
        log.warning("events: could not set the sandbox's callback URL: %s", error)
        if on_problem is not None:
            on_problem(f"The sandbox's callback URL could not be set ({error}): no live events this session.")
