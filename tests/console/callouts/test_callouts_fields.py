"""Field validators, the form -> client call builder, SVAML checking, dial-in parsing: worded, never crashing."""

from __future__ import annotations

import asyncio
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from console.audit import AuditLog
from console.backend import connect_in_process
from console.callouts import (
    CalloutSender,
    ConferenceForm,
    CustomForm,
    FieldProblem,
    TtsForm,
    check,
    check_event,
    load_recent,
    parse_numbers,
    recent_path,
    remember,
    save_recent,
    tts_counter,
)
from console.callouts import fields as f
from console.gateway import Gateway, read_only_text

TEXT_VALIDATORS = [
    lambda t: f.check_destination(t), lambda t: f.check_destination(t, "username"), f.check_cli, f.check_dtmf,
    lambda t: f.check_spoken(t, "Text"), lambda t: f.check_tts(t, ""), lambda t: f.check_tts("", t),
    f.check_locale, f.check_conference_id, f.check_max_duration, f.check_moh_class, f.check_custom,
    f.check_domain, lambda t: f.check_flag(t, "enableAce"), f.check_conference_dtmf_options,
    lambda t: check_event(t, "ice"), lambda t: check_event(t, "ace"), lambda t: check_event(t, "dice"),
]


def test_numbers_with_and_without_plus_become_e164_with_the_country() -> None:
    for typed in ("46708168731", "+46708168731", "0046 70-816 87 31", "+46(0)708168731"):
        endpoint = f.check_destination(typed)
        assert endpoint.endpoint == "+46708168731" and endpoint.country == "SE" and "Sweden" in endpoint.describe()


def test_worded_rejections() -> None:
    cases = [
        (lambda: f.check_destination("hello"), "Destination: not a phone number"),
        (lambda: f.check_dtmf("12*"), "DTMF: only the digits 0-9, # and w"),
        (lambda: f.check_spoken("x" * 601, "Text"), "601 characters, at most 600"),
        (lambda: f.check_locale("xx-XX"), "not a supported locale"),
        (lambda: f.check_conference_id("r" * 65), "at most 64"),
        (lambda: f.check_max_duration("14401"), "at most 14400"),
        (lambda: f.check_max_duration("-1"), "whole number"),
        (lambda: f.check_domain("sip"), "pstn (phones) or mxp"),
        (lambda: f.check_conference_dtmf_options('{"mode": "x"}'), "mode is one of"),
        (lambda: check_event("ftp://x", "ice"), "http(s) URL or inline SVAML"),
        (lambda: check_event('{"instructions": [{"name": "sayy"}]}', "ace"),
         "unknown instruction 'sayy'; known: playFiles"),
        (lambda: check_event('{"action": {"name": "hangUp"}}', "pie"), "unknown action 'hangUp'; known: hangup"),
        (lambda: check_event('{"action": ', "ace"), "not valid JSON"),
    ]
    for call, words in cases:
        try:
            call()
        except FieldProblem as problem:
            assert words in str(problem), (words, str(problem))
        else:
            raise AssertionError(f"accepted: {words}")


def test_valid_values_pass() -> None:
    assert f.check_dtmf("ww1234#w#") == "ww1234#w#"
    assert f.check_max_duration("600") == 600
    assert f.check_locale("sv-SE") == "sv-SE"
    assert check_event("https://example.com/ace", "ace") == "https://example.com/ace"
    assert check_event('{"action": {"name": "connectConf", "conferenceId": "r"}}', "ace") == (
        '{"instructions":[],"action":{"name":"connectConf","conferenceId":"r"}}')
    assert tts_counter("abc") == "3 / 600"


def test_form_builds_the_exact_client_call() -> None:
    plan = check(TtsForm(destination="46708168731", text="Hi", cli="46701234567", dtmf="1#", enable_dice=True)).plan
    assert plan is not None and plan.kind == "tts"
    assert plan.arguments == {"destination": "+46708168731", "text": "Hi", "locale": "en-US", "cli": "+46701234567",
                              "dtmf": "1#", "enable_dice": True}
    conf = check(ConferenceForm(destination="+46708168731", conference_id="room", max_duration="60",
                                moh_class="music1")).plan
    assert conf is not None and conf.arguments == {"destination": "+46708168731", "conference_id": "room",
                                                   "max_duration": 60, "moh_class": "music1"}
    custom = check(CustomForm(ice='{"action": {"name": "connectPstn", "number": "+46708168731"}}')).plan
    assert custom is not None and "destination" not in custom.arguments


def test_send_disabled_reason_names_the_first_problem() -> None:
    checked = check(TtsForm(destination="nope", text=""))
    assert checked.plan is None and checked.block_reason.startswith("Destination: not a phone number")
    assert "text" in checked.problems


def test_parse_numbers_accepts_commas_newlines_spaces() -> None:
    numbers, problems = parse_numbers("+46 70 816 87 31, 46708168732\n4915123456789 4915123456780;bad")
    assert numbers == ["+46708168731", "+46708168732", "+4915123456789", "+4915123456780"]
    assert len(problems) == 1 and "'bad'" in problems[0]


def test_parse_numbers_names_a_mistyped_number_once_and_keeps_the_good_words() -> None:
    assert parse_numbers("+46 70 816 87 3x") == ([], ["not a phone number ('+46 70 816 87 3x' has letters)"])
    numbers, problems = parse_numbers("46708168731 oops 46708168732")
    assert numbers == ["+46708168731", "+46708168732"]
    assert problems == ["not a phone number ('oops' has letters)"]
    assert parse_numbers("46708168731, 46708168732, 46708168733", limit=2) == (
        ["+46708168731", "+46708168732"], ["3 numbers; at most 2 at a time"])


def test_recent_forms_round_trip_per_profile(tmp_path: Path) -> None:
    path = recent_path(tmp_path, "prod/../x")
    assert path.parent == tmp_path / "callouts"
    save_recent(path, remember({}, "tts", {"destination": "+46708168731", "locale": "sv-SE", "text": "secret"}))
    assert load_recent(path) == {"tts": {"destination": "+46708168731", "locale": "sv-SE"}}
    path.write_text("{broken")
    assert load_recent(path) == {}


@settings(max_examples=60, deadline=None)
@given(st.text())
def test_every_validator_rejects_only_with_words(text: str) -> None:
    for validator in TEXT_VALIDATORS:
        try:
            validator(text)
        except FieldProblem as problem:
            assert problem.reason.strip() and problem.field


@settings(max_examples=60, deadline=None)
@given(st.text(), st.text(), st.text(), st.text(), st.sampled_from(["number", "username", "x"]))
def test_form_builder_never_raises(a: str, b: str, c: str, d: str, kind: str) -> None:
    forms = [
        TtsForm(destination=a, destination_type=kind, text=b, prompts=c, locale=d, dtmf=c, cli=b, custom=a),
        ConferenceForm(destination=a, conference_id=b, greeting=c, locale=d, max_duration=c, moh_class=d,
                       conference_dtmf_options=b, domain=d),
        CustomForm(destination=a, ice=b, ace=c, pie=d, dice=a, max_duration=b),
    ]
    for form in forms:
        checked = check(form)
        assert (checked.plan is None) == bool(checked.problems)
        assert all(reason.strip() for reason in checked.problems.values())
    parse_numbers(a + "," + b)


async def test_sender_sends_once_when_pressed_twice_and_audits(tmp_path: Path) -> None:
    backend = connect_in_process(seed=3)
    audit = AuditLog(tmp_path / "audit.jsonl", "test")
    sender = CalloutSender(Gateway(backend.client, audit))
    plan = check(TtsForm(destination="46708168731", text="Hello")).plan
    before = len((await backend.client._http.get("/_sandbox/state")).json()["calls"])
    first, second = await asyncio.gather(sender.send(plan), sender.send(plan))
    after = len((await backend.client._http.get("/_sandbox/state")).json()["calls"])
    assert after == before + 1
    assert {first.status, second.status} == {"placed", "ignored"}
    placed = first if first.ok else second
    assert placed.call_id and placed.call_id in placed.text
    lines = (tmp_path / "audit.jsonl").read_text().splitlines()
    assert len(lines) == 2 and '"callout"' in lines[0] and "+46708168731" in lines[0]
    await backend.close()


async def test_sender_refuses_read_only_and_words_errors(tmp_path: Path) -> None:
    backend = connect_in_process(seed=3)
    plan = check(TtsForm(destination="46708168731", text="Hello")).plan
    refused = await CalloutSender(Gateway(backend.client, read_only=True)).send(plan)
    assert refused.status == "refused" and refused.text == read_only_text("callout")
    # two 401s: the gateway's restricted-number lookup meets the first (and lets the callout go), the callout
    # the second
    await backend.client._http.post("/_sandbox/faults", json={"kind": "status", "status": 401, "count": 2})
    failed = await CalloutSender(Gateway(backend.client)).send(plan)
    assert failed.status == "failed" and "Credentials refused" in failed.text, failed.text
    await backend.close()
