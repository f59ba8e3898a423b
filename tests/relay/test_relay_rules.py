"""Answer rules: parsed from TOML, checked against Sinch's SVAML table, worded errors with line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from relay_helpers import ace, dice, ice, notify, pie

from api.models.events import parse_callback_event
from relay import Rules, RulesError
from relay.rules import ALLOWED_ACTIONS

EXAMPLE = Path(__file__).resolve().parents[2] / "relay" / "example_rules.toml"


def answer(rules: Rules, document: dict) -> tuple[dict | None, str]:
    event = parse_callback_event(json.dumps(document))
    result = rules.answer(document["event"], event)
    return result.svaml, result.rule


def error_of(text: str) -> str:
    with pytest.raises(RulesError) as caught:
        Rules.parse(text, source="rules.toml")
    return str(caught.value)


# ---- defaults ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("document", "action"), [(ice(), "hangup"), (ace(), "continue"), (pie(), "continue")])
def test_defaults(document: dict, action: str) -> None:
    svaml, rule = answer(Rules.empty(), document)
    assert svaml == {"instructions": [], "action": {"name": action}}
    assert rule.startswith("default")


@pytest.mark.parametrize("document", [dice(), notify()])
def test_no_answer_for_dice_and_notify(document: dict) -> None:
    assert answer(Rules.empty(), document)[0] is None


def test_unknown_type_and_unparsed_events_get_no_answer_or_the_default() -> None:
    assert Rules.empty().answer("transcription", None).svaml is None
    assert Rules.empty().answer("ice", None).svaml == {"instructions": [], "action": {"name": "hangup"}}


def test_default_ice_answer_is_one_sinch_allows() -> None:
    svaml, _ = answer(Rules.empty(), ice())
    assert svaml is not None and svaml["action"]["name"] in ALLOWED_ACTIONS["ice"]


# ---- matching ---------------------------------------------------------------------------------------------


def test_example_file_parses_and_routes_the_dial_in_number() -> None:
    rules = Rules.load(EXAMPLE)
    assert len(rules.rules) == 3 and rules.source == str(EXAMPLE)
    svaml, rule = answer(rules, ice(to="46730170101"))  # Sinch sends numbers without the "+"
    assert rule == "dial-in number -> stand-up room"
    assert svaml == {"instructions": [{"name": "say", "locale": "en-US",
                                       "text": "Welcome to the stand-up. Press 1 to raise your hand."}],
                     "action": {"name": "connectConf", "conferenceId": "standup",
                                "conferenceDtmfOptions": {"mode": "detect"}}}
    assert answer(rules, ice(to="+46730170101"))[1] == rule
    assert answer(rules, ice(to="46730170102"))[0] == {"instructions": [], "action": {"name": "hangup"}}
    assert answer(rules, pie("1"))[1] == "raised hand"
    assert answer(rules, pie("2"))[1].startswith("default")


def test_first_match_wins_and_matchers_combine() -> None:
    rules = Rules.parse("""
[[rule]]
name = "boss"
event = "ice"
to = "+46730170101"
cli = "0046 70 816 87 31"
action = "connectConf"
conference = "board"

[[rule]]
name = "everyone else on that number"
event = "ice"
to = "+46730170101"
action = "connectConf"
conference = "lobby"
max_digits = 2
locale = "sv-SE"
greeting = "Välkommen"

[[rule]]
name = "catch-all ICE"
event = "ice"
action = "hangup"
greeting = "Sorry, this number is not in service."
""")
    assert answer(rules, ice(to="46730170101", cli="46708168731"))[1] == "boss"
    svaml, rule = answer(rules, ice(to="46730170101", cli="46700000000"))
    assert rule == "everyone else on that number"
    assert svaml == {"instructions": [{"name": "say", "text": "Välkommen", "locale": "sv-SE"}],
                     "action": {"name": "connectConf", "conferenceId": "lobby",
                                "conferenceDtmfOptions": {"mode": "detect", "maxDigits": 2}}}
    svaml, rule = answer(rules, ice(to="4930901820"))
    assert rule == "catch-all ICE" and svaml is not None and svaml["action"] == {"name": "hangup"}


def test_pie_matches_dtmf_and_menu_and_custom() -> None:
    rules = Rules.parse("""
[[rule]]
event = "pie"
dtmf = "*1"
menu_id = "standup"
action = "continue"
greeting = "Your hand is raised."

[[rule]]
event = "pie"
dtmf = "0"
action = "connectPstn"
number = "+46 73 017 01 01"

[[rule]]
event = "ace"
custom = "vip"
action = "hangup"
""")
    svaml, rule = answer(rules, pie("*1", menu_id="standup"))
    assert rule == "rule 1 (line 2)"
    assert svaml == {"instructions": [{"name": "say", "text": "Your hand is raised.", "locale": "en-US"}],
                     "action": {"name": "continue"}}
    assert answer(rules, pie("*1", menu_id="other-room"))[1].startswith("default")
    assert answer(rules, pie("0"))[0] == {"instructions": [], "action": {"name": "connectPstn",
                                                                         "number": "+46730170101"}}
    assert answer(rules, ace(custom="vip"))[0] == {"instructions": [], "action": {"name": "hangup"}}
    assert answer(rules, ace(custom="regular"))[1].startswith("default")


def test_inline_svaml_is_validated_with_the_api_models() -> None:
    rules = Rules.parse("""
[[rule]]
event = "ace"
svaml = { instructions = [{ name = "playFiles", ids = ["#tts[Hi]"], locale = "en-US" }], action = { name = "runMenu", mainMenu = "main", menus = [{ id = "main", mainPrompt = "#tts[Press 1]", options = [{ dtmf = "1", action = "return(one)" }] }] } }
""")  # noqa: E501
    svaml, _ = answer(rules, ace())
    assert svaml is not None and svaml["action"]["name"] == "runMenu" and svaml["action"]["mainMenu"] == "main"
    assert svaml["instructions"] == [{"name": "playFiles", "ids": ["#tts[Hi]"], "locale": "en-US"}]


def test_answers_are_serialised_once() -> None:
    rules = Rules.load(EXAMPLE)
    first = rules.answer("ice", parse_callback_event(json.dumps(ice(to="46730170101"))))
    assert first.body.startswith(b'{"instructions":[{"name":"say"')


# ---- worded errors ----------------------------------------------------------------------------------------


def test_continue_is_not_an_ice_answer() -> None:
    message = error_of('\n[[rule]]\nevent = "ice"\naction = "continue"\n')
    assert message.startswith("rules.toml: rule 1 (line 2), field 'action': 'continue' is not a valid answer to ICE")
    assert "connectConf" in message


def test_dice_rules_are_refused() -> None:
    assert "dice callbacks take no answer" in error_of('[[rule]]\nevent = "dice"\naction = "hangup"\n')


def test_unknown_field_names_the_line_and_the_known_fields() -> None:
    text = '[[rule]]\nevent = "ace"\naction = "continue"\n\n[[rule]]\nevent = "ice"\nconferance = "x"\n'
    message = error_of(text)
    assert message.startswith("rules.toml: rule 2 (line 5), field 'conferance': unknown field (known: ")
    assert "conference" in message


@pytest.mark.parametrize(("text", "fragments"), [
    ('[[rule]]\naction = "hangup"\n', ["rule 1 (line 1), field 'event': is required (ice, ace or pie)"]),
    ('[[rule]]\nevent = "ring"\naction = "hangup"\n', ["field 'event'", "use ice, ace or pie"]),
    ('[[rule]]\nevent = "ice"\n', ["field 'action'", "give an action"]),
    ('[[rule]]\nevent = "ice"\naction = "park"\n', ["field 'action'", "write other answers as an svaml table"]),
    ('[[rule]]\nevent = "ice"\naction = "connectConf"\n', ["field 'conference'", "needs the conference id"]),
    ('[[rule]]\nevent = "pie"\naction = "connectPstn"\n', ["field 'number'", "needs the number"]),
    ('[[rule]]\nevent = "ice"\naction = "hangup"\nconference = "x"\n', ["field 'conference'", "connectConf"]),
    ('[[rule]]\nevent = "ace"\nto = "+46730170101"\naction = "continue"\n', ["field 'to'", "only ice callbacks"]),
    ('[[rule]]\nevent = "ice"\ndtmf = "1"\naction = "hangup"\n', ["field 'dtmf'", "only pie callbacks"]),
    ('[[rule]]\nevent = "pie"\ndtmf = "x"\naction = "continue"\n', ["field 'dtmf'", "pattern"]),
    ('[[rule]]\nevent = "ice"\nto = "12"\naction = "hangup"\n', ["field 'to'", "is not a phone number"]),
    ('[[rule]]\nevent = "ice"\naction = "hangup"\nlocale = "en-US"\n', ["field 'locale'", "give a greeting"]),
    ('[[rule]]\nevent = "ice"\naction = "hangup"\ngreeting = ""\n', ["field 'greeting'", "at least 1"]),
    ('[[rule]]\nevent = "ice"\naction = "hangup"\nsvaml = { action = { name = "hangup" } }\n',
     ["field 'action'", "not both"]),
    ('[[rule]]\nevent = "ice"\nsvaml = { action = { name = "hangUp" } }\n', ["field 'svaml.action'", "hangup"]),
    ('[[rule]]\nevent = "ice"\nsvaml = { instructions = [{ name = "say", text = "hi" }] }\n',
     ["field 'svaml'", "exactly one action"]),
    ('[[rule]]\nevent = "ace"\nsvaml = { instructions = [{ name = "answer" }], action = { name = "continue" } }\n',
     ["field 'svaml'", "instruction 'answer' is not allowed in an answer to ACE"]),
    ('[[rule]]\nevent = "ace"\nsvaml = { action = { name = "park" } }\n', ["'park' is not a valid answer to ACE"]),
    ('[[rules]]\nevent = "ace"\n', ["unknown table 'rules'", "[[rule]]"]),
    ('[[rule]]\nevent = "ace"\naction = continue\n', ["not valid TOML", "line 3"]),
])
def test_worded_errors(text: str, fragments: list[str]) -> None:
    message = error_of(text)
    assert message.startswith("rules.toml")
    for fragment in fragments:
        assert fragment in message, message


def test_missing_file_is_worded(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="cannot read the rules file"):
        Rules.load(tmp_path / "nope.toml")


def test_empty_file_means_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text("# nothing yet\n")
    assert Rules.load(path).rules == ()
