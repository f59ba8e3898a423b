"""Request models refuse what the API reference forbids, naming the field, before anything is sent."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from api import models


def field_of(error: ValidationError) -> str:
    return ".".join(str(part) for part in error.errors()[0]["loc"])


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"destination": "+46730170101", "text": "x" * 601}, "text"),
        ({"destination": "+46730170101", "text": "hi", "dtmf": "12a"}, "dtmf"),
        ({"destination": "+46730170101", "text": "hi", "locale": "xx-XX"}, "locale"),
        ({"destination": "not a number", "text": "hi"}, "destination"),
        ({"destination": "+46730170101", "text": "hi", "cli": "12"}, "cli"),
    ],
)
def test_tts_callout_rejects_bad_fields_by_name(kwargs: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        models.TtsCalloutRequest(**kwargs)
    assert field_of(caught.value) == field


def test_tts_callout_needs_text_or_prompts() -> None:
    with pytest.raises(ValidationError, match="text` or `prompts"):
        models.TtsCalloutRequest(destination="+46730170101")


def test_600_characters_is_allowed_and_destinations_become_e164() -> None:
    request = models.TtsCalloutRequest(destination="46 73 017 01 01", text="x" * 600, dtmf="ww1234#w#")
    wire = request.to_wire()
    assert wire["destination"] == {"type": "number", "endpoint": "+46730170101"}
    assert "enableAce" not in wire  # unset optional fields are not sent


def test_username_destinations_are_not_treated_as_numbers() -> None:
    destination = models.Destination(type="username", endpoint="alice")
    assert destination.endpoint == "alice"


def test_conference_callout_limits() -> None:
    with pytest.raises(ValidationError) as caught:
        models.ConferenceCalloutRequest(destination="+46730170101", conference_id="r", max_duration=-1)
    assert field_of(caught.value) == "max_duration"
    with pytest.raises(ValidationError):
        models.ConferenceCalloutRequest(destination="+46730170101", conference_id="")


def test_custom_callout_checks_inline_svaml_and_accepts_models() -> None:
    svaml = models.Svaml(instructions=[models.Say(text="Hello")], action=models.ConnectConf(conference_id="r1"))
    request = models.CustomCalloutRequest(ice=svaml, ace="https://example.test/ace")
    assert request.ice == (
        '{"instructions":[{"name":"say","text":"Hello"}],"action":{"name":"connectConf","conferenceId":"r1"}}'
    )
    with pytest.raises(ValidationError):
        models.CustomCalloutRequest(ice='{"action": {"name": "teleport"}}')


def test_svaml_unknown_instruction_is_refused() -> None:
    with pytest.raises(ValidationError):
        models.Svaml.model_validate({"instructions": [{"name": "sing"}]})


def test_callout_request_needs_the_matching_body() -> None:
    tts = models.TtsCalloutRequest(destination="+46730170101", text="hi")
    with pytest.raises(ValidationError, match="needs a `conferenceCallout`"):
        models.CalloutRequest(method="conferenceCallout", tts_callout=tts)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("46730170101", "+46730170101"),
        ("+46(0)73-017-0101", "+46730170101"),
        ("0046730170101", "+46730170101"),
        ("46000000001", "+46000000001"),  # the API reference's example numbers keep every digit
    ],
)
def test_number_normalisation(raw: str, expected: str) -> None:
    assert models.normalize_number(raw) == expected
