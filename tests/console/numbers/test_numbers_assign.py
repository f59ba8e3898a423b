"""Assign/un-assign checks, the query-number normalisation, and sending with an audit trail (in-process sandbox)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numbers_helpers import no_sleep

import sandbox
from api import SinchVoiceClient
from api.models import CallbackUrls, NumberItem
from api.retry import RetryPolicy
from console.audit import AuditLog, read_entries
from console.gateway import Gateway, read_only_text
from console.numbers import (
    AssignPlan,
    UnassignPlan,
    assign,
    check_assign,
    look_up,
    normalise,
    number_rows,
    save_callbacks,
    summary,
    unassign,
    unassign_plan,
)
from console.numbers.assign import MAX_NUMBERS

THIS = "5a4c0d3e-7f6b-4e21-9c8d-0b1a2f3e4d5c"
OTHER = "11983f76-12c8-1111-9515-4785c7b49ca8"
OWNED = {item.number: item for item in (
    NumberItem(number="+46850512345", application_key=THIS, capability="voice"),
    NumberItem(number="+14155550132", capability="voice"),
    NumberItem(number="+33142685300", capability="sms"),
    NumberItem(number="+4930901820", application_key=OTHER, capability="voice"),
)}
START = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def check(numbers: str, key: str = "", capability: str = "voice", owned=OWNED):  # type: ignore[no-untyped-def]
    return check_assign(numbers, key, capability, this_app=THIS, owned=owned)


# ---- checking the assign form -------------------------------------------------------------------------

def test_an_unassigned_number_goes_to_this_app_by_default() -> None:
    checked = check("+1 415-555-0132")
    assert checked.plan == AssignPlan(("+14155550132",), THIS, "voice")
    assert checked.problems == {} and checked.warnings == []
    assert checked.plan.describe(THIS) == "+1 415-555-0132 to this app as voice"


def test_several_numbers_in_any_common_form() -> None:
    checked = check("+1 415 555 0132; 0049 30 901820\n+14155550132")
    assert checked.plan is not None
    assert checked.plan.numbers == ("+14155550132", "+4930901820")  # duplicates once
    assert "moves from application 11983f76… to this app" in checked.warnings[0]
    assert check("+46850512345 +14155550132").plan.numbers == ("+46850512345", "+14155550132")  # type: ignore[union-attr]


def test_numbers_are_read_as_dial_in_reads_them() -> None:
    """One reader for both (console.callouts.dial_in.parse_numbers): a mistyped number is named once, whole."""
    checked = check("+46 8 505 123 4x")
    assert checked.problems["numbers"] == "not a phone number ('+46 8 505 123 4x' has letters)"
    mixed = check("+46850512345 nope +4930901820")
    assert mixed.problems["numbers"] == "not a phone number ('nope' has letters)"
    many = check(", ".join(f"+4670123{n:04d}" for n in range(MAX_NUMBERS + 1)), owned=None)
    assert many.problems["numbers"] == f"{MAX_NUMBERS + 1} numbers; at most {MAX_NUMBERS} at a time"


@pytest.mark.parametrize(("numbers", "key", "capability", "field", "words"), [
    ("", "", "voice", "numbers", "type at least one number"),
    ("+46 70 abc", "", "voice", "numbers", "has letters"),
    ("+46701234567", "", "voice", "numbers", "+46 70 123 45 67 is not a number of this account"),
    ("+46701234567, +46701234568", "", "voice", "numbers", "are not numbers of this account"),
    ("+33142685300", "", "voice", "capability", "+33 1 42 68 53 00 is sms only: choose sms"),
    ("+14155550132", "", "fax", "capability", "voice or sms, not 'fax'"),
    ("+14155550132", "not a key!", "voice", "application_key", "letters, digits and dashes"),
])
def test_mistakes_are_refused_in_words(numbers: str, key: str, capability: str, field: str, words: str) -> None:
    checked = check(numbers, key, capability)
    assert checked.plan is None
    assert words in checked.problems[field]


def test_warnings_do_not_block() -> None:
    already = check("+46 8 505 123 45")
    assert already.plan is not None
    assert already.warnings == ["+46 8 505 123 45 is already on this app: nothing changes for it"]
    other = check("+46850512345", key=OTHER)
    assert other.plan is not None and other.plan.application_key == OTHER
    assert other.warnings == ["+46 8 505 123 45 moves from this app to application 11983f76…"]


def test_without_a_listing_only_the_form_is_checked() -> None:
    checked = check("+46701234567", capability="sms", owned=None)
    assert checked.plan == AssignPlan(("+46701234567",), THIS, "sms")


def test_the_capability_may_be_left_to_the_platform() -> None:
    checked = check("+33142685300", capability="")
    assert checked.plan == AssignPlan(("+33142685300",), THIS, None)
    assert checked.plan.describe(THIS) == "+33 1 42 68 53 00 to this app"


def test_unassign_takes_the_application_the_number_is_on() -> None:
    rows = {row.number: row for row in number_rows(OWNED.values(), THIS)}
    assert unassign_plan(rows["+46850512345"]) == UnassignPlan("+46850512345", THIS, "voice")
    assert unassign_plan(rows["+4930901820"]).describe(THIS) == "+49 30 901820 (voice) from application 11983f76…"
    with pytest.raises(ValueError, match="not assigned to any application"):
        unassign_plan(rows["+14155550132"])


def test_rows_and_summary() -> None:
    rows = number_rows(OWNED.values(), THIS)
    assert [row.number for row in rows] == sorted(OWNED)
    by_number = {row.number: row for row in rows}
    assert by_number["+46850512345"].application == "this app"
    assert by_number["+4930901820"].application == "11983f76…"
    assert by_number["+14155550132"].application == "unassigned"
    assert by_number["+33142685300"].country_text == "FR · France"
    assert summary(rows) == "4 numbers · 1 on this app · 1 on other apps · 2 unassigned"


@given(st.text(max_size=120), st.text(max_size=70), st.text(max_size=10))
def test_the_assign_form_never_raises(numbers: str, key: str, capability: str) -> None:
    checked = check(numbers, key, capability)
    assert (checked.plan is None) == bool(checked.problems)
    if checked.plan is not None:
        assert all(n.startswith("+") for n in checked.plan.numbers)
        assert set(checked.plan.numbers) <= set(OWNED)


# ---- query number: live normalisation ----------------------------------------------------------------

@pytest.mark.parametrize("typed", ["+46 70 123 45 67", "0046 70-123 45 67", "46701234567", "+46(0)70 123 45 67"])
def test_common_forms_normalise_to_e164(typed: str) -> None:
    normal = normalise(typed)
    assert normal.e164 == "+46701234567" and normal.country == "SE" and not normal.problem
    assert normal.describe() == "→ +46701234567 · +46 70 123 45 67 · Sweden"


@pytest.mark.parametrize(("typed", "words"), [("", "Type a number"), ("12ab", "has letters"), ("+46", "not a phone")])
def test_a_non_number_says_why(typed: str, words: str) -> None:
    normal = normalise(typed)
    assert normal.e164 == "" and words in normal.problem


@given(st.text(max_size=40))
def test_normalise_never_raises(text: str) -> None:
    normal = normalise(text)
    assert bool(normal.e164) != bool(normal.problem)


def test_the_numbers_logic_imports_no_textual() -> None:
    code = "import sys, console.numbers; print(any(m.split('.')[0] == 'textual' for m in sys.modules))"
    root = Path(__file__).resolve().parents[3]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "False"


# ---- sending, against the in-process sandbox ---------------------------------------------------------

@pytest.fixture
async def client():
    app = sandbox.create_app(scenario="empty", seed=1, clock=sandbox.Clock.manual(start=START))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox.test") as http:
        voice = SinchVoiceClient(sandbox.DEMO_APPLICATION_KEY, sandbox.DEMO_APPLICATION_SECRET,
                                 base_url=str(http.base_url), http_client=http,
                                 retry_policy=RetryPolicy(sleep=no_sleep))
        yield voice
        await voice.aclose()


@pytest.fixture
def audit(tmp_path: Path) -> AuditLog:
    return AuditLog(tmp_path / "audit.jsonl", "test", clock=lambda: START)


async def owned(client: SinchVoiceClient) -> dict[str, str | None]:
    return {item.number: item.application_key for item in await client.numbers.list()}


async def test_assign_and_unassign_are_sent_and_audited(client, audit) -> None:  # type: ignore[no-untyped-def]
    key = client.application_key
    outcome = await assign(Gateway(client, audit), AssignPlan(("+14155550132",), key, "voice"))
    assert outcome.ok and outcome.text == "Assigned +1 415-555-0132 to this app as voice"
    assert (await owned(client))["+14155550132"] == key
    outcome = await unassign(Gateway(client, audit), UnassignPlan("+14155550132", key, "voice"))
    assert outcome.ok and outcome.text == "Un-assigned +1 415-555-0132 (voice) from this app"
    assert (await owned(client))["+14155550132"] is None
    entries = read_entries(audit.path)
    assert [(e.action, e.phase, e.outcome) for e in entries] == [
        ("assign_number", "attempt", None), ("assign_number", "outcome", "ok"),
        ("unassign_number", "attempt", None), ("unassign_number", "outcome", "ok")]
    assert entries[0].cli == "+14155550132" and "this app as voice" in (entries[0].message or "")


async def test_platform_refusals_are_worded(client, audit) -> None:  # type: ignore[no-untyped-def]
    capability = await assign(Gateway(client, audit), AssignPlan(("+33142685300",), client.application_key, "voice"))
    assert not capability.ok and capability.error_code == 40001
    assert "does not support 'voice'" in capability.text
    key = await assign(Gateway(client, audit), AssignPlan(("+14155550132",), OTHER, None))
    assert key.text == "Not assigned: Invalid Application Key (40003): no application with that key on this account"
    detached = await unassign(Gateway(client, audit), UnassignPlan("+14155550132", client.application_key, None))
    assert not detached.ok and "is not assigned to application" in detached.text


async def test_read_only_sends_nothing_and_audits_the_refusal(client, audit) -> None:  # type: ignore[no-untyped-def]
    outcome = await assign(Gateway(client, audit, read_only=True),
                           AssignPlan(("+14155550132",), client.application_key, "voice"))
    assert not outcome.ok and outcome.text == read_only_text("assign_number")
    saved = await save_callbacks(Gateway(client, audit, read_only=True), CallbackUrls(),
                                 CallbackUrls(primary="https://a.example"))
    assert not saved.ok
    assert (await owned(client))["+14155550132"] is None
    assert (await client.callbacks.get()) == CallbackUrls()
    assert [(e.action, e.outcome) for e in read_entries(audit.path)] == [
        ("assign_number", "refused"), ("update_callbacks", "refused")]


async def test_saving_callbacks_reads_them_back(client, audit) -> None:  # type: ignore[no-untyped-def]
    new = CallbackUrls(primary="https://a.example/cb", fallback="http://localhost:8080/cb")
    outcome = await save_callbacks(Gateway(client, audit), CallbackUrls(), new)
    assert outcome.ok and outcome.stored == new
    assert outcome.text == "Saved. Stored now: primary https://a.example/cb, fallback http://localhost:8080/cb"
    entries = read_entries(audit.path)
    assert entries[0].message == "Primary: (not set) → https://a.example/cb; Fallback: (not set) → " \
                                 "http://localhost:8080/cb"


async def test_an_unwritable_audit_log_does_not_stop_the_change(client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the audit folder should be")
    audit = AuditLog(blocked / "audit.jsonl", "test", clock=lambda: START)
    outcome = await assign(Gateway(client, audit), AssignPlan(("+14155550132",), client.application_key, "voice"))
    assert outcome.ok and "the audit log could not be written" in outcome.text
    assert (await owned(client))["+14155550132"] == client.application_key


async def test_look_up_asks_the_platform_and_words_errors(client) -> None:  # type: ignore[no-untyped-def]
    found = await look_up(client, "+46 70 123 66 66")
    assert found.error is None and found.info is not None and found.info.restricted
    assert found.rate == "0.0368 USD per minute"
    assert found.rows("Sweden")[0] == ("Country", "SE · Sweden")
    refused = await look_up(client, "not a number")
    assert refused.info is None and refused.error is not None and refused.error.startswith("Not sent:")
    await client._http.post("/_sandbox/faults", json={"kind": "status", "status": 503, "count": -1})
    failed = await look_up(client, "+46701234567")
    assert failed.error == "Could not look it up: Service unavailable (injected fault) (50000)"


@pytest.mark.parametrize(("status", "words"), [
    (400, "Invalid number (40003): Injected fault"),
    (404, "Could not look it up: Not found (40003): the platform does not know this number"),
    (401, "Could not look it up: Credentials refused"),
])
async def test_look_up_words_each_refusal(client, status: int, words: str) -> None:  # type: ignore[no-untyped-def]
    await client._http.post("/_sandbox/faults", json={"kind": "status", "status": status, "count": 1})
    refused = await look_up(client, "+46701234567")
    assert refused.info is None
    assert refused.error is not None and refused.error.startswith(words)
