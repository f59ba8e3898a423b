"""The Callouts mode's logic: field validation, form -> client call, cost preview, sending once, dial-in many
and recent forms. No Textual here (console/screens/callouts.py shows it)."""

from console.callouts.dial_in import DialIn, Leg, parse_numbers
from console.callouts.fields import Endpoint, FieldProblem, tts_counter
from console.callouts.forms import CalloutPlan, Checked, ConferenceForm, CustomForm, Form, TtsForm, check
from console.callouts.preview import DEBOUNCE_SECONDS, NumberPreview, preview_number
from console.callouts.recent import load_recent, recent_path, remember, save_recent
from console.callouts.sender import CalloutSender, SendOutcome
from console.callouts.svaml_check import check_event

__all__ = [
    "DEBOUNCE_SECONDS", "CalloutPlan", "CalloutSender", "Checked", "ConferenceForm", "CustomForm", "DialIn",
    "Endpoint", "FieldProblem", "Form", "Leg", "NumberPreview", "SendOutcome", "TtsForm", "check", "check_event",
    "load_recent", "parse_numbers", "preview_number", "recent_path", "remember", "save_recent", "tts_counter",
]
