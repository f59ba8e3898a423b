"""One class per API area; each builds paths and bodies and leaves sending to SinchVoiceClient."""

from api.resources.callbacks import Callbacks
from api.resources.callouts import Callouts
from api.resources.calls import Calls
from api.resources.conferences import Conferences
from api.resources.numbers import Numbers
from api.resources.recordings import Recordings

__all__ = ["Callbacks", "Callouts", "Calls", "Conferences", "Numbers", "Recordings"]
