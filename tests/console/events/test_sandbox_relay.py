"""Sandbox mode (`make run`): the console runs a relay itself, gives the spawned sandbox its callback URL and
subscribes, so the demo's callbacks stream into the Events feed. The in-process frozen sandbox gets none of it."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import httpx
from events_helpers import SIZE, Harness
from waiting import eventually

from api.models.events import parse_callback_event
from console.app import SinchConsole
from console.backend import connect
from console.config import resolve_settings
from console.events.sandbox_relay import demo_rules
from console.sandbox_process import SandboxProcess


def _event(kind: str, **fields: object):
    body = {"event": kind, "callId": "c1", "timestamp": "2026-11-23T09:30:00Z", "version": 1,
            "applicationKey": "k", **fields}
    return parse_callback_event(json.dumps(body).encode())


def test_demo_rules_connect_each_room_with_detection_and_let_other_ices_through() -> None:
    rules = demo_rules(["standup", "board-room", "standup", "x" * 80])  # the last one cannot be a conference id
    standup = rules.answer("ice", _event("ice", custom="standup", cli="46701234567",
                                         to={"type": "number", "endpoint": "+46850512345"}))
    assert standup.svaml is not None and standup.svaml["action"] == {
        "name": "connectConf", "conferenceId": "standup", "conferenceDtmfOptions": {"mode": "detect"}}
    board = rules.answer("ice", _event("ice", custom="board-room"))
    assert board.svaml is not None and board.svaml["action"]["conferenceId"] == "board-room"
    callout = rules.answer("ice", _event("ice", custom="my own data"))  # a custom callout: not hung up
    assert callout.svaml is not None and callout.svaml["action"] == {"name": "connectPstn"}
    hand = rules.answer("pie", _event("pie", menuResult={"menuId": "standup", "type": "sequence", "value": "1",
                                                          "inputMethod": "dtmf"}))
    assert hand.rule == "raised hand" and hand.svaml is not None and hand.svaml["action"] == {"name": "continue"}
    assert len(rules.rules) == 4  # two rooms (once each), the hand, the catch-all


async def test_the_spawned_sandbox_streams_its_callbacks_into_the_events_feed(tmp_path: Path) -> None:
    resolved = resolve_settings(tmp_path / "config.toml", sandbox=True, env={})
    app = SinchConsole(partial(connect, sandbox=SandboxProcess(scenario="demo", seed=4)), resolved,
                       folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await eventually(lambda: app.session is not None and app.events_feed is not None)
        backend, feed = app.session.backend, app.events_feed
        assert backend.live_demo and feed is not None
        await eventually(lambda: feed.state.kind == "live")
        base = backend.sandbox_process.url
        async with httpx.AsyncClient(base_url=base, timeout=10) as admin:

            async def callback_url() -> str | None:
                state = (await admin.get("/_sandbox/state")).json()
                return state["callbacks"].get(backend.client.application_key, {}).get("url", {}).get("primary")

            url = await eventually(callback_url, what="the relay's callback URL")
            assert url.startswith("http://127.0.0.1:") and url.endswith("/callback")
            # Someone dials into the standup: the relay routes them there with DTMF detection...
            joined = await admin.post("/_sandbox/conferences/standup/participants", json={"cli": "+46701234567"})
            call_id = joined.json()["callId"]

            def ice_seen() -> bool:
                return any(e.type == "ice" and e.call_id == call_id for e in feed.log.events)

            await eventually(ice_seen)
            ice = next(e for e in feed.log.events if e.type == "ice" and e.call_id == call_id)
            assert ice.answer is not None and ice.answer["action"]["conferenceDtmfOptions"] == {"mode": "detect"}
            # ...so their 1 comes back as a PIE at once (no poll involved), once the sandbox applied the answer
            flushed = await admin.post("/_sandbox/callbacks/flush", json={"timeout": 10})
            assert flushed.status_code == 200, flushed.text
            pressed = await admin.post(f"/_sandbox/participants/{call_id}/dtmf", json={"digits": "1"})
            assert pressed.status_code == 200, pressed.text
            await eventually(lambda: any(e.type == "pie" and e.call_id == call_id for e in feed.log.events))
        await pilot.press("6")
        await eventually(lambda: app.screen.__class__.__name__ == "EventsScreen")
    # the session closed with the app: the relay no longer listens
    async with httpx.AsyncClient(timeout=2) as client:
        try:
            await client.post(url, content=b"{}")
        except httpx.TransportError:
            pass
        else:
            raise AssertionError("the console's relay still answers after the app exited")


async def test_the_in_process_frozen_sandbox_gets_no_relay(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        await eventually(lambda: h.app.session is not None)
        await pilot.pause()
        assert not h.backend.live_demo and h.app.events_feed is None
        assert (await h.state())["callbacks"] == {}
