"""One session's live events: a subscriber to the profile's relay and the log it fills.

It resumes by itself: after a reconnect the subscriber asks relays that share a stream for what it missed
(`since`), so the log has no hole when a relay restarts. It outlives the Events screen: the app starts `run()`
as a worker when the session opens, so events are collected whichever mode is shown, and the screen (and the
app's reactions) listen to it:

    feed = EventFeed(url, token)
    stop_listening = feed.listen(on_event=react, on_state=show_state)
    app.run_worker(feed.run())

`add()` is what `run()` does with each event: tests and snapshots feed a log without a socket through it.
Listeners run on the loop that runs the feed (the app's); one that raises is logged and kept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from console.events.log import LOG_LIMIT, EventLog
from console.events.model import RelayEvent
from console.events.subscriber import CONNECTING, Backoff, ConnectionState, EventSubscriber, events_url

log = logging.getLogger("console.events")
EventListener = Callable[[RelayEvent], object]
StateListener = Callable[[ConnectionState], object]


class EventFeed:
    def __init__(self, url: str, token: str, *, limit: int = LOG_LIMIT, backoff: Backoff | None = None) -> None:
        self.log = EventLog(limit)
        self.subscriber = EventSubscriber(url, token, on_state=self.set_state, backoff=backoff)
        self.state: ConnectionState = CONNECTING
        self._event_listeners: list[EventListener] = []
        self._state_listeners: list[StateListener] = []

    def __repr__(self) -> str:
        return f"EventFeed({self.url!r}, {self.state.describe()}, {len(self.log)} events)"

    @property
    def url(self) -> str:
        return self.subscriber.url

    def listen(self, *, on_event: EventListener | None = None,
               on_state: StateListener | None = None) -> Callable[[], None]:
        """Register listeners; returns the function that removes them."""
        if on_event is not None:
            self._event_listeners.append(on_event)
        if on_state is not None:
            self._state_listeners.append(on_state)

        def stop() -> None:
            if on_event is not None and on_event in self._event_listeners:
                self._event_listeners.remove(on_event)
            if on_state is not None and on_state in self._state_listeners:
                self._state_listeners.remove(on_state)

        return stop

    async def run(self) -> None:
        """Collect events until stopped or cancelled (never raises: the subscriber words its failures)."""
        async for event in self.subscriber.events():
            self.add(event)

    def stop(self) -> None:
        self.subscriber.stop()

    def retarget(self, url: str) -> None:
        """Point the feed at `url` before `run()`: the console's own relay (sandbox mode) learns its port only once
        it listens, after the Events screen was given the feed. Another relay's stream ids mean nothing here: the
        feed starts from its live events."""
        self.subscriber.url = events_url(url)
        self.subscriber.last_id = None

    def add(self, event: RelayEvent) -> RelayEvent:
        self.log.add(event)
        for listener in list(self._event_listeners):
            _call(listener, event)
        return event

    def set_state(self, state: ConnectionState) -> None:
        self.state = state
        for listener in list(self._state_listeners):
            _call(listener, state)


def _call(listener: Callable[[Any], object], value: object) -> None:
    try:
        listener(value)
    except Exception:
        log.exception("events: a listener failed")
