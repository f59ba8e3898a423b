"""One class per API area; each builds paths and bodies and leaves sending to SinchVoiceClient.

Names load on first use (`api.lazy`): the client builds each area when it is first used, so watching a
conference does not load the callout, recording and number models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from api.lazy import attach

if TYPE_CHECKING:
    from api.resources.callbacks import Callbacks
    from api.resources.callouts import Callouts
    from api.resources.calls import Calls
    from api.resources.conferences import Conferences
    from api.resources.numbers import Numbers
    from api.resources.recordings import Recordings

__all__ = ["Callbacks", "Callouts", "Calls", "Conferences", "Numbers", "Recordings"]

__getattr__, __dir__ = attach(globals())
