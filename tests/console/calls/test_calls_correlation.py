"""A callout whose answer never came (issue 12, item 4): the sandbox places the call and drops its answer; the
sender says "may have been placed" and audits `unknown`; Calls keeps the callout under its correlation tag; the
ACE/DiCE the sandbox sends (echoing `custom`) or a callId typed in by hand resolves it to its callId."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from calls_helpers import START, advance

from api.models.correlation import is_tag
from console.audit import AuditLog
from console.callouts import CalloutSender, TtsForm, check
from console.calls import CallTracker
from console.calls.manage import hangup_svaml, manage
from console.events.model import parse_message
from console.events.routing import EventRouter
from console.gateway import Gateway
from console.rooms import Moderator
from console.rooms.service import RoomsService
from tests.fake_scheduler import FakeScheduler

NUMBER = "+46701234567"
TAG = "sc-00000000c0de"


@pytest.fixture
def sb(sandbox_app):
    return sandbox_app.state.sandbox


@pytest.fixture
def emitted(sb) -> list[dict[str, Any]]:
    """The callbacks the sandbox sends, captured instead of posted (a callback URL must be set for them)."""
    bodies: list[dict[str, Any]] = []

    def capture(kind: str, call_id: str, application_key: str, body: dict[str, Any]) -> bool:
        bodies.append(body)
        return True

    sb.callbacks.set(sb.application_key, "http://relay.test/callback", None)
    sb.dispatcher.emit = capture
    return bodies


async def _drop_after_acting(http: httpx.AsyncClient, path: str = "/calling/v1/callouts") -> None:
    response = await http.post("/_sandbox/faults", json={"kind": "drop_after", "count": 1, "path": path})
    assert response.status_code == 201, response.text


async def _send_unanswered(client, http, audit: AuditLog | None = None, **form: str):
    await _drop_after_acting(http)
    plan = check(TtsForm(destination=NUMBER, text="Hello there", **form)).plan
    assert plan is not None
    return await CalloutSender(Gateway(client, audit), clock=lambda: START, tags=lambda: TAG).send(plan)


def _audit_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


async def test_unanswered_callout_is_unknown_not_failed_and_audited_so(client, http, sb, audit, tmp_path) -> None:
    outcome = await _send_unanswered(client, http, audit)
    assert outcome.status == "unknown" and not outcome.ok and outcome.call_id is None
    assert "may have been placed: check Calls before sending again" in outcome.text
    assert "failed" not in outcome.text and TAG in outcome.text
    assert outcome.correlation_id == TAG
    placed = list(sb.calls.values())
    assert len(placed) == 1 and placed[0].custom == TAG  # the platform did place it: exactly once
    lines = _audit_lines(tmp_path / "audit.jsonl")
    assert [(line["phase"], line["outcome"]) for line in lines] == [("attempt", None), ("outcome", "unknown")]
    assert TAG in lines[0]["message"] and "may have been placed" in lines[1]["message"]


async def test_a_gateway_503_after_acting_is_unknown_too(client, http, audit) -> None:
    await http.post("/_sandbox/faults", json={"kind": "status", "status": 503, "retry_after": 1, "count": 1,
                                              "path": "/calling/v1/callouts"})
    plan = check(TtsForm(destination=NUMBER, text="Hello")).plan
    outcome = await CalloutSender(Gateway(client, audit), tags=lambda: TAG).send(plan)
    assert outcome.status == "unknown" and "HTTP 503" in outcome.text


async def test_every_callout_carries_its_tag_and_keeps_typed_custom(client, sb) -> None:
    sender = CalloutSender(Gateway(client), clock=lambda: START)
    plain = await sender.send(check(TtsForm(destination=NUMBER, text="one")).plan)
    typed = await sender.send(check(TtsForm(destination=NUMBER, text="two", custom='{"ticket": 42}')).plan)
    assert is_tag(plain.correlation_id) and is_tag(typed.correlation_id)
    assert plain.correlation_id != typed.correlation_id
    assert sb.calls[plain.call_id].custom == plain.correlation_id
    assert sb.calls[typed.call_id].custom == f'{typed.correlation_id}|{{"ticket": 42}}'
    result = await client.calls.get(typed.call_id)  # the call result echoes it too
    assert result.custom == sb.calls[typed.call_id].custom


async def test_unknown_callout_is_tracked_under_its_tag_and_not_polled(client, http, tracker) -> None:
    outcome = await _send_unanswered(client, http)
    call = tracker.track(outcome.correlation_id, kind="tts", destination=NUMBER, placed_at=START,
                         correlation_id=outcome.correlation_id, outcome_unknown=True)
    assert tracker.get(TAG) is call and call.status == "UNKNOWN" and call.outcome_unknown
    assert "May have been placed" in call.error and TAG in call.error
    assert tracker.due() == [] and await tracker.poll_due(START) == []  # no callId: nothing to ask
    assert TAG in call.search_text()


async def test_the_sandbox_ace_with_the_tag_resolves_it_through_the_event_reaction(client, http, sb, tracker,
                                                                                   emitted) -> None:
    await _send_unanswered(client, http)
    tracker.track(TAG, kind="tts", destination=NUMBER, placed_at=START, correlation_id=TAG, outcome_unknown=True)
    await advance(http, 3)  # the callee answers: the sandbox sends an ACE echoing `custom`
    ace = next(body for body in emitted if body["event"] == "ace")
    assert ace["custom"] == TAG
    event = parse_message(json.dumps({"type": "ace", "seq": 1, "received_at": "2026-11-23T09:30:03Z",
                                      "event": ace}))
    rooms = RoomsService(Moderator(client), scheduler=FakeScheduler())
    EventRouter(rooms, tracker, poll_calls=lambda: None).route(event)
    call_id = ace["callId"]
    assert TAG not in tracker and call_id in tracker
    call = tracker.get(call_id)
    assert call.correlation_id == TAG and not call.outcome_unknown and call.error is None
    assert call.kind == "tts" and call.destination == NUMBER and call.placed_at == START
    await tracker.poll_due(START)
    assert tracker.get(call_id).result is not None  # polled as the call it is


async def test_a_dice_resolves_it_as_well(client, http, sb, tracker, emitted) -> None:
    await _send_unanswered(client, http)
    tracker.track(TAG, kind="tts", destination=NUMBER, placed_at=START, correlation_id=TAG, outcome_unknown=True)
    await advance(http, 120)
    dice = next(body for body in emitted if body["event"] == "dice")
    assert tracker.match_custom(dice["custom"], dice["callId"]) is not None
    assert dice["callId"] in tracker and TAG not in tracker


async def test_a_call_id_typed_in_whose_result_carries_the_tag_resolves_it(client, http, sb, tracker) -> None:
    await _send_unanswered(client, http)
    tracker.track(TAG, kind="tts", destination=NUMBER, placed_at=START, correlation_id=TAG, outcome_unknown=True)
    [call_id] = list(sb.calls)
    tracker.add(call_id)
    changes = await tracker.poll_due(START)
    assert [change.call.call_id for change in changes] == [call_id]
    merged = tracker.get(call_id)
    assert TAG not in tracker and merged.kind == "tts" and merged.correlation_id == TAG
    assert merged.destination == NUMBER and merged.result is not None


def test_events_without_our_tag_resolve_nothing(tracker) -> None:
    tracker.track(TAG, kind="tts", destination=NUMBER, placed_at=START, correlation_id=TAG, outcome_unknown=True)
    for custom in (None, "", "standup", {"sc": TAG}, TAG + "x", "sc-00000000C0DE", " " + TAG):
        assert tracker.match_custom(custom, "call-1") is None
    assert tracker.match_custom(TAG, "") is None and TAG in tracker


async def test_the_unknown_entry_survives_a_restart(client, tmp_path) -> None:
    first = CallTracker(client, tmp_path / "calls", lambda: START)
    first.track(TAG, kind="conference", destination=NUMBER, placed_at=START, conference_id="standup",
                correlation_id=TAG, outcome_unknown=True)
    await first.flush()
    again = CallTracker(client, tmp_path / "calls", lambda: START)
    call = again.get(TAG)
    assert call is not None and call.outcome_unknown and call.correlation_id == TAG
    assert again.resolve(TAG, "call-9") is not None and again.get("call-9").conference_id == "standup"


async def test_manage_call_without_an_answer_is_unknown(client, http, audit, tmp_path) -> None:
    call_id = await client.callouts.tts(NUMBER, text="Hello there, a long enough text to stay on the line.")
    await advance(http, 3)
    await _drop_after_acting(http, f"/calling/v1/calls/id/{call_id}")
    outcome = await manage(Gateway(client, audit), call_id, hangup_svaml())
    assert not outcome.ok and outcome.unknown and "may have been carried out" in outcome.text
    assert _audit_lines(tmp_path / "audit.jsonl")[-1]["outcome"] == "unknown"
