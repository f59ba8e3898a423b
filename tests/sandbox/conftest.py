"""Fixtures of the sandbox tests; the helpers live in sandbox_helpers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sandbox_helpers import Api, make_app

from sandbox import Sandbox


@pytest.fixture
def app():
    return make_app()


@pytest.fixture
def sandbox(app) -> Sandbox:
    return app.state.sandbox


@pytest.fixture
async def api(app) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox") as http:
        yield Api(http)
