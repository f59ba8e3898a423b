"""The Calls mode's logic: tracking calls until they end, and steering a live call with SVAML. No Textual here.

Names load on first use (`api.lazy`): a session starts the poller at once, the SVAML steering (and its wire
models) only when the Calls mode steers a call. The steering call itself is `console.calls.manage.manage`: the
package does not re-export it, since `console.calls.manage` names the submodule once anything has imported it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from api.lazy import attach

if TYPE_CHECKING:
    from console.calls.manage import (
        ManageOutcome,
        audit_action,
        hangup_svaml,
        parse_prompts,
        play_svaml,
        recording_options,
        render_svaml,
        say_svaml,
        start_recording_svaml,
        stop_recording_svaml,
    )
    from console.calls.poller import CallsPoller, CallsUpdate
    from console.calls.tracker import SORT_KEYS, CallChange, CallTracker, TrackedCall, filter_calls, sort_calls

__all__ = [
    "SORT_KEYS",
    "CallChange",
    "CallTracker",
    "CallsPoller",
    "CallsUpdate",
    "ManageOutcome",
    "TrackedCall",
    "audit_action",
    "filter_calls",
    "hangup_svaml",
    "parse_prompts",
    "play_svaml",
    "recording_options",
    "render_svaml",
    "say_svaml",
    "sort_calls",
    "start_recording_svaml",
    "stop_recording_svaml",
]

__getattr__, __dir__ = attach(globals())
