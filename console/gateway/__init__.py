"""One gateway for every change (console.gateway.gateway); Textual-free, shared by the screens, the CLI and
the notebook helper (console.notebook_changes)."""

from console.gateway.gateway import CHANGES, Gateway
from console.gateway.outcome import Change, Status
from console.gateway.wording import MAY_HAVE_BEEN_PLACED, action_name, read_only_text, restricted_text

__all__ = ["CHANGES", "MAY_HAVE_BEEN_PLACED", "Change", "Gateway", "Status", "action_name", "read_only_text",
           "restricted_text"]
