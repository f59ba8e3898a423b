"""The callback relay: verifies Sinch callbacks, answers them with SVAML, streams them to consoles.

    from relay import RelaySettings, Rules, create_app, start_relay_thread
    settings = RelaySettings(application_key=KEY, application_secret=SECRET, token=TOKEN,
                             rules=Rules.load("rules.toml"))
    app = create_app(settings)                 # in process (httpx.ASGITransport)
    running = start_relay_thread(settings)     # on loopback, in a daemon thread: running.events_url

Imports only `api.models` and `api.auth` from this project (an import-linter contract keeps it so).
"""

from relay.app import create_app
from relay.hub import Hub, Subscriber
from relay.rules import Answer, Rules, RulesError
from relay.server import RunningRelay, start_relay_thread
from relay.settings import RelaySettings

__all__ = [
    "Answer",
    "Hub",
    "RelaySettings",
    "Rules",
    "RulesError",
    "RunningRelay",
    "Subscriber",
    "create_app",
    "start_relay_thread",
]
