"""The Calls mode's logic: tracking calls until they end, and steering a live call with SVAML. No Textual here."""

from console.calls.manage import (
    ManageOutcome,
    audit_action,
    hangup_svaml,
    manage,
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
    "manage",
    "parse_prompts",
    "play_svaml",
    "recording_options",
    "render_svaml",
    "say_svaml",
    "sort_calls",
    "start_recording_svaml",
    "stop_recording_svaml",
]
