"""Live events from a callback relay (sinch-relay): the websocket subscriber, a bounded in-memory log, the feed
that owns both for one session. No Textual here: the Events screen and the app's reactions sit on top."""

from console.events.feed import EventFeed
from console.events.log import EventLog, EventQuery
from console.events.model import RelayEvent, parse_message
from console.events.subscriber import Backoff, ConnectionState, EventSubscriber

__all__ = ["Backoff", "ConnectionState", "EventFeed", "EventLog", "EventQuery", "EventSubscriber", "RelayEvent",
           "parse_message"]
