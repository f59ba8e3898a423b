"""A stateful simulated Sinch Calling platform (Starlette ASGI app): the console's default and test server.

    from sandbox import create_app, start_sandbox_thread, DEMO_APPLICATION_KEY, DEMO_APPLICATION_SECRET
    app = create_app(scenario="empty", seed=1, clock=Clock.manual())   # in process (httpx.ASGITransport)
    running = start_sandbox_thread()                                    # on loopback, in a daemon thread
"""

from sandbox.app import create_app
from sandbox.clock import Clock
from sandbox.engine import Sandbox
from sandbox.scenarios import DEMO_ROOMS, SCENARIOS
from sandbox.server import RunningSandbox, start_sandbox_thread
from sandbox.state import DEMO_APPLICATION_KEY, DEMO_APPLICATION_SECRET

__all__ = [
    "DEMO_APPLICATION_KEY",
    "DEMO_APPLICATION_SECRET",
    "DEMO_ROOMS",
    "SCENARIOS",
    "Clock",
    "RunningSandbox",
    "Sandbox",
    "create_app",
    "start_sandbox_thread",
]
