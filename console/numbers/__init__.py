"""The Numbers & callbacks mode's logic: the account's numbers, assign/un-assign, callback URLs and the
query-number tool. No Textual here (console/screens/numbers.py shows it)."""

from console.numbers.assign import (
    CAPABILITIES,
    AssignPlan,
    CheckedAssign,
    UnassignPlan,
    check_assign,
    target_name,
    unassign_plan,
)
from console.numbers.callback_urls import (
    CheckedCallbacks,
    CheckedUrl,
    UrlProblem,
    changes,
    check_callback_url,
    check_callbacks,
    describe_changes,
    same_urls,
    shown_url,
)
from console.numbers.listing import NumberRow, number_rows, summary
from console.numbers.lookup import Lookup, Normalised, look_up, normalise
from console.numbers.sending import (
    ASSIGN,
    UNASSIGN,
    UPDATE_CALLBACKS,
    ChangeOutcome,
    assign,
    describe_numbers_error,
    save_callbacks,
    unassign,
)

__all__ = [
    "ASSIGN", "CAPABILITIES", "UNASSIGN", "UPDATE_CALLBACKS", "AssignPlan", "ChangeOutcome", "CheckedAssign",
    "CheckedCallbacks", "CheckedUrl", "Lookup", "Normalised", "NumberRow", "UnassignPlan", "UrlProblem", "assign",
    "changes", "check_assign", "check_callback_url", "check_callbacks", "describe_changes", "describe_numbers_error",
    "look_up", "normalise", "number_rows", "same_urls", "save_callbacks", "shown_url", "summary", "target_name",
    "unassign", "unassign_plan",
]
