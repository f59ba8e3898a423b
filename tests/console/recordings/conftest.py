"""Fixtures of the Recordings logic tests: the demo sandbox in process on a frozen clock, a client that never
sleeps between retries (and can hold downloads half-way), an audit log in the test's folder."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from recordings_helpers import HoldingTransport, no_sleep

import sandbox
from api import SinchVoiceClient
from api.retry import RetryPolicy
from console.audit import AuditLog
from console.backend import FROZEN_AT


@pytest.fixture
def sandbox_app():
    return sandbox.create_app(scenario="demo", seed=7, clock=sandbox.Clock.manual(start=FROZEN_AT))


@pytest.fixture
def transport(sandbox_app) -> HoldingTransport:
    return HoldingTransport(httpx.ASGITransport(app=sandbox_app))


@pytest.fixture
async def http(transport):
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox.test") as client:
        yield client


@pytest.fixture
async def client(http):
    voice = SinchVoiceClient(sandbox.DEMO_APPLICATION_KEY, sandbox.DEMO_APPLICATION_SECRET,
                             base_url="http://sandbox.test", http_client=http,
                             retry_policy=RetryPolicy(sleep=no_sleep))
    yield voice
    await voice.aclose()


@pytest.fixture
def audit(tmp_path: Path) -> AuditLog:
    return AuditLog(tmp_path / "audit.jsonl", "test@sandbox", clock=lambda: FROZEN_AT)


@pytest.fixture
def store(sandbox_app):
    """The sandbox's recordings as it keeps them (to render the expected bytes independently of HTTP)."""
    return sandbox_app.state.sandbox.recordings
