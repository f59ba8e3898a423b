"""The words every surface uses for a change the gateway refused or could not settle.

One set, so the console, the CLI and the notebook say the same thing: a test compares them
(tests/console/gateway/test_same_words.py).
"""

from __future__ import annotations

MAY_HAVE_BEEN_PLACED = "may have been placed: check Calls before sending again"
MAY_HAVE_HAPPENED = "no answer came, so it may have been carried out: check before sending it again"

# action -> how a person names it in "Read-only profile: <name> refused; nothing was sent"
_NAMES = {
    "kick_all": "kick all", "mute_all": "mute all", "unmute_all": "unmute all",
    "mute_all_except_moderators": "mute all except moderators",
    "auto_mute_on": "auto-mute", "auto_mute_off": "auto-mute", "soft_lock_on": "soft lock",
    "soft_lock_off": "soft lock", "policy_mute": "mute", "policy_kick": "kick",
    "call_say": "say", "call_play": "play", "call_record_start": "start recording",
    "call_record_stop": "stop recording", "call_hangup": "hang up", "manage_call": "manage call",
    "delete_recording": "delete recording", "assign_number": "assign number",
    "unassign_number": "un-assign number", "update_callbacks": "change callback URLs",
}


def action_name(action: str) -> str:
    """"kick_all" -> "kick all": how the refusal names an action."""
    return _NAMES.get(action, action.replace("_", " "))


def read_only_text(action: str) -> str:
    return f"Read-only profile: {action_name(action)} refused; nothing was sent"


def restricted_reason(number: str) -> str:
    """Why a callout to a number query number calls restricted is not sent (the platform would block it)."""
    return (f"Destination: {number} is restricted for this account "
            "(premium rate, blocked country or demo number); the call would be blocked")


def restricted_text(number: str) -> str:
    return f"Not sent: {restricted_reason(number)}"
