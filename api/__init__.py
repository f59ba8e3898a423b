"""Typed async client for the Sinch Calling API v1. No Textual, no server code here.

`SinchVoiceClient` (and `SyncSinchVoiceClient`, its blocking facade for scripts and notebooks, api.sync) is
imported on first use (PEP 562), so code that needs only the wire models or the signing functions (the sandbox,
the relay) does not pay for httpx and aiohttp at import time.
"""

import sys
from typing import TYPE_CHECKING, Any

# httpx's own __init__ imports its command-line tool (httpx._main: click, rich's console, pygments; ~100 ms) when
# click happens to be installed, and nothing here runs that tool. A None entry in sys.modules makes that import
# fail, so httpx keeps its stub `main` and the console starts without them.
if "httpx._main" not in sys.modules:
    sys.modules["httpx._main"] = None  # type: ignore[assignment]  # None is the documented "cannot be imported"

if TYPE_CHECKING:
    from api.client import SinchVoiceClient
    from api.sync import SyncSinchVoiceClient

__all__ = ["SinchVoiceClient", "SyncSinchVoiceClient"]


def __getattr__(name: str) -> Any:
    if name == "SinchVoiceClient":
        from api.client import SinchVoiceClient

        return SinchVoiceClient
    if name == "SyncSinchVoiceClient":  # the blocking facade for scripts and notebooks (api.sync)
        from api.sync import SyncSinchVoiceClient

        return SyncSinchVoiceClient
    raise AttributeError(f"module 'api' has no attribute {name!r}")
