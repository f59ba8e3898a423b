"""All routes: traffic under /calling/v1 and /v1, configuration under /v1 (and /calling/v1), admin."""

from __future__ import annotations

from starlette.routing import BaseRoute

from sandbox.routes import admin, configuration, recordings, traffic


def all_routes() -> list[BaseRoute]:
    out: list[BaseRoute] = []
    for prefix in ("/calling/v1", "/v1"):
        out += traffic.routes(prefix) + recordings.routes(prefix) + configuration.routes(prefix)
    return out + admin.routes
