"""Fixtures of the Calls-mode tests: an empty in-process sandbox on a manual clock, a client, a tracker."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from calls_helpers import START, sandbox_client

import sandbox
from console.audit import AuditLog
from console.calls import CallTracker


@pytest.fixture
def sandbox_app():
    return sandbox.create_app(scenario="empty", seed=1, clock=sandbox.Clock.manual(start=START))


@pytest.fixture
async def http(sandbox_app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sandbox_app),
                                 base_url="http://sandbox.test") as client:
        yield client


@pytest.fixture
async def client(http):
    voice = sandbox_client(http)
    yield voice
    await voice.aclose()


@pytest.fixture
def tracker(client, tmp_path: Path) -> CallTracker:
    return CallTracker(client, tmp_path / "calls", lambda: START)


@pytest.fixture
def audit(tmp_path: Path) -> AuditLog:
    return AuditLog(tmp_path / "audit.jsonl", "test", clock=lambda: START)
