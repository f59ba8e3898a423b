"""Fixtures for the rooms logic: the sandbox in process, a client that never sleeps, a hand-moved clock."""

from __future__ import annotations

import httpx
import pytest
from rooms_helpers import Admin, ManualClock

import sandbox
from api import SinchVoiceClient
from api.retry import RetryPolicy


async def _no_sleep(seconds: float) -> None:
    return None


@pytest.fixture
def app():
    return sandbox.create_app(scenario="empty", seed=1, clock=sandbox.Clock.manual())


@pytest.fixture
async def http(app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox.test") as client:
        yield client


@pytest.fixture
def admin(http) -> Admin:
    return Admin(http)


@pytest.fixture
async def client(http):
    """No retries, so one injected fault is one failed request (retries are api's concern, tested there)."""
    voice = SinchVoiceClient(sandbox.DEMO_APPLICATION_KEY, sandbox.DEMO_APPLICATION_SECRET,
                             base_url="http://sandbox.test", http_client=http, max_retries=0,
                             retry_policy=RetryPolicy(sleep=_no_sleep))
    yield voice
    await voice.aclose()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()
