"""The sandbox sends signed callbacks (ICE, ACE, DiCE, PIE, Notify) to the application's callback URL and
applies the SVAML it is answered with.

Receivers are real HTTP servers on 127.0.0.1 (a recording one here, and the relay); the sandbox under test is
in-process with a frozen clock, so tests move time themselves and wait for deliveries with `flush()`.
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import uvicorn
from sandbox_helpers import Api, tts
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from waiting import eventually_sync

from api.auth import verify_request
from api.models.events import AceEvent, DiceEvent, IceEvent, NotifyEvent, PieEvent, parse_callback_event
from relay.rules import Rules
from relay.server import start_relay_thread
from relay.settings import RelaySettings
from sandbox import DEMO_APPLICATION_KEY, DEMO_APPLICATION_SECRET, Sandbox

DIAL_IN = "+46850512345"  # the demo application's first voice number (every scenario owns it)
SECRETS = {DEMO_APPLICATION_KEY: DEMO_APPLICATION_SECRET}


# ---- a recording callback receiver ---------------------------------------------------------------------


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def event(self) -> dict[str, Any]:
        return json.loads(self.body)

    @property
    def kind(self) -> str:
        return self.event["event"]


@dataclass
class Receiver:
    """A tiny callback endpoint on 127.0.0.1: records every request, answers per event type."""

    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    status: int = 200
    stall: threading.Event | None = None  # while set and not released, the receiver answers nothing
    received: list[Received] = field(default_factory=list)
    url: str = ""
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    def start(self) -> Receiver:
        async def hook(request: Request) -> Response:
            body = await request.body()
            if self.stall is not None:
                self.stall.wait(30)  # block this server on purpose until released: a stalled receiver
            self.received.append(Received(request.scope["raw_path"].decode(), dict(request.headers), body))
            if self.status != 200:
                return JSONResponse({"errorCode": 50000, "message": "down"}, status_code=self.status)
            answer = self.answers.get(json.loads(body).get("event", ""))
            return JSONResponse(answer) if answer is not None else Response(status_code=200)

        app = Starlette(routes=[Route("/{path:path}", hook, methods=["POST"])])
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off",
                                access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        server = self._server
        eventually_sync(lambda: server.started, step=0.01, what="the receiver's start")
        port = self._server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    def stop(self) -> None:
        if self.stall is not None:
            self.stall.set()
        if self._server is not None:
            self._server.should_exit = True
            self._thread.join(5)  # type: ignore[union-attr]

    def kinds(self) -> list[str]:
        return [r.kind for r in self.received]

    def of(self, kind: str) -> list[Received]:
        return [r for r in self.received if r.kind == kind]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver().start()
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def _close_dispatcher(sandbox: Sandbox) -> Iterator[None]:
    yield
    sandbox.close()


def dead_url() -> str:
    """A loopback URL nobody listens on (the port was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/callback"


async def configure(api: Api, primary: str, fallback: str | None = None) -> None:
    url = {"primary": primary} | ({"fallback": fallback} if fallback else {})
    response = await api.post(f"/v1/configuration/callbacks/applications/{DEMO_APPLICATION_KEY}", {"url": url})
    assert response.status_code == 204, response.text


def flush(sb: Sandbox) -> None:
    assert sb.dispatcher.flush(10), "callbacks were still pending after 10 s"


def assert_signed(got: Received) -> None:
    verdict = verify_request(headers=got.headers, method="POST", path=got.path, body=got.body, secrets=SECRETS,
                             allow_basic=False)
    assert verdict.ok, verdict.reason
    assert got.headers["authorization"].startswith(f"Application {DEMO_APPLICATION_KEY}:")


async def dial_in(api: Api, room: str, cli: str = "+46701234567") -> str:
    response = await api.admin("POST", f"/conferences/{room}/participants", {"cli": cli})
    assert response.status_code == 201, response.text
    return response.json()["callId"]


async def state(api: Api) -> dict[str, Any]:
    response = await api.admin("GET", "/state")
    assert response.status_code == 200, response.text
    return response.json()


# ---- ACE and DiCE for callouts ---------------------------------------------------------------------------


async def test_tts_callout_sends_signed_ace_then_dice(api: Api, sandbox: Sandbox, receiver: Receiver):
    await configure(api, receiver.url + "/sinch/callback")
    call_id = await tts(api, text="Hello there", custom="order-17")
    await api.advance(2)  # rings for 2 s, then answers
    flush(sandbox)
    assert receiver.kinds() == ["ace"]
    await api.advance(30)  # the message is spoken, the call ends
    flush(sandbox)
    assert receiver.kinds() == ["ace", "dice"]
    for got in receiver.received:
        assert got.path == "/sinch/callback"
        assert got.headers["content-type"].startswith("application/json")
        assert_signed(got)
    ace = parse_callback_event(receiver.received[0].body)
    dice = parse_callback_event(receiver.received[1].body)
    assert isinstance(ace, AceEvent) and ace.call_id == call_id and ace.custom == "order-17"
    assert ace.application_key == DEMO_APPLICATION_KEY and ace.version == 1
    assert isinstance(dice, DiceEvent) and dice.call_id == call_id
    assert (dice.result, dice.reason) == ("ANSWERED", "CALLERHANGUP")
    assert dice.duration is not None and dice.duration >= 1
    assert dice.debit is not None and dice.debit.amount > 0
    assert dice.to is not None and dice.to.endpoint == "+46730170101"
    wire = receiver.received[1].event
    assert wire["timestamp"].endswith("Z") and wire["callId"] == call_id
    delivery = (await state(api))["callbackDelivery"]
    assert delivery["sent"] == 2 and delivery["failed"] == 0 and delivery["pending"] == 0


async def test_callout_flags_false_turn_callbacks_off(api: Api, sandbox: Sandbox, receiver: Receiver):
    await configure(api, receiver.url + "/cb")
    await tts(api, enableAce=False, enableDice=False)
    await api.advance(60)
    flush(sandbox)
    assert receiver.received == []


async def test_busy_callout_sends_only_dice(api: Api, sandbox: Sandbox, receiver: Receiver):
    await configure(api, receiver.url + "/cb")
    call_id = await tts(api, endpoint="+46730170000")  # ...0000 is busy
    await api.advance(5)
    flush(sandbox)
    assert receiver.kinds() == ["dice"]
    dice = receiver.received[0].event
    assert (dice["callId"], dice["result"], dice["duration"]) == (call_id, "BUSY", 0)


async def test_custom_callout_sends_ice_first(api: Api, sandbox: Sandbox, receiver: Receiver):
    await configure(api, receiver.url + "/cb")
    body = {"method": "customCallout",
            "customCallout": {"destination": {"type": "number", "endpoint": "+46730170101"}, "maxDuration": 5}}
    response = await api.post("/calling/v1/callouts", body)
    assert response.status_code == 200, response.text
    await api.advance(10)
    flush(sandbox)
    assert receiver.kinds() == ["ice", "ace", "dice"]
    ice = parse_callback_event(receiver.received[0].body)
    assert isinstance(ice, IceEvent) and ice.call_id == response.json()["callId"]


async def test_ace_hangup_answer_ends_the_callout(api: Api, sandbox: Sandbox, receiver: Receiver):
    receiver.answers["ace"] = {"instructions": [], "action": {"name": "hangup"}}
    await configure(api, receiver.url + "/cb")
    call_id = await tts(api, text="A long message " * 20)
    await api.advance(2)
    flush(sandbox)
    call = (await api.get(f"/calling/v1/calls/id/{call_id}")).json()
    assert (call["status"], call["reason"]) == ("FINAL", "MANAGERHANGUP")
    flush(sandbox)
    assert receiver.kinds() == ["ace", "dice"]


async def test_ace_continue_changes_nothing(api: Api, sandbox: Sandbox, receiver: Receiver):
    receiver.answers["ace"] = {"instructions": [], "action": {"name": "continue"}}
    await configure(api, receiver.url + "/cb")
    call_id = await tts(api, text="A long message " * 20)
    await api.advance(2)
    flush(sandbox)
    call = (await api.get(f"/calling/v1/calls/id/{call_id}")).json()
    assert call["status"] == "ONGOING"


# ---- ICE for dial-ins, and its answer ----------------------------------------------------------------------


async def test_dial_in_sends_ice_and_connect_conf_moves_the_caller(api: Api, sandbox: Sandbox, receiver: Receiver):
    receiver.answers["ice"] = {"instructions": [{"name": "say", "text": "Welcome", "locale": "en-US"}],
                               "action": {"name": "connectConf", "conferenceId": "board-room"}}
    await configure(api, receiver.url + "/cb")
    call_id = await dial_in(api, "standup", cli="+46701234567")
    flush(sandbox)
    assert receiver.kinds() == ["ice"]
    assert_signed(receiver.received[0])
    ice = parse_callback_event(receiver.received[0].body)
    assert isinstance(ice, IceEvent) and ice.call_id == call_id
    assert ice.cli == "+46701234567" and ice.to is not None and ice.to.endpoint == DIAL_IN
    assert ice.custom == "standup" and ice.domain == "pstn"
    rooms = (await state(api))["conferences"]
    assert [p["id"] for p in rooms["board-room"]] == [call_id]
    assert "standup" not in rooms


async def test_ice_hangup_answer_ends_the_dial_in(api: Api, sandbox: Sandbox, receiver: Receiver):
    receiver.answers["ice"] = {"action": {"name": "hangup"}}
    await configure(api, receiver.url + "/cb")
    call_id = await dial_in(api, "standup")
    flush(sandbox)
    flush(sandbox)  # the DiCE the hangup caused
    snapshot = await state(api)
    assert snapshot["calls"][call_id]["status"] == "FINAL"
    assert snapshot["calls"][call_id]["reason"] == "MANAGERHANGUP"
    assert "standup" not in snapshot["conferences"]
    assert receiver.kinds() == ["ice", "dice"]
    assert receiver.of("dice")[0].event["result"] == "ANSWERED"


async def test_participant_leaving_sends_dice(api: Api, sandbox: Sandbox, receiver: Receiver):
    await configure(api, receiver.url + "/cb")
    call_id = await dial_in(api, "standup")
    await api.advance(42)
    response = await api.admin("DELETE", f"/conferences/standup/participants/{call_id}")
    assert response.status_code == 204
    flush(sandbox)
    assert receiver.kinds() == ["ice", "dice"]
    dice = parse_callback_event(receiver.of("dice")[0].body)
    assert isinstance(dice, DiceEvent)
    assert (dice.reason, dice.result, dice.duration, dice.from_) == ("CALLERHANGUP", "ANSWERED", 42,
                                                                     "+46701234567")


async def test_relay_rule_connects_the_dial_in_and_accepts_every_callback(api: Api, sandbox: Sandbox):
    rules = Rules.parse(f"""
[[rule]]
event = "ice"
to = "{DIAL_IN}"
action = "connectConf"
conference = "support-bridge"
greeting = "Welcome"
detect_dtmf = true
""")
    settings = RelaySettings(application_key=DEMO_APPLICATION_KEY, application_secret=DEMO_APPLICATION_SECRET,
                             token="test-token-at-least-32-characters-long", rules=rules)
    relay = start_relay_thread(settings)
    try:
        await configure(api, relay.callback_url)
        call_id = await dial_in(api, "standup")
        flush(sandbox)
        rooms = (await state(api))["conferences"]
        assert [p["id"] for p in rooms["support-bridge"]] == [call_id]
        # the rule turned DTMF detection on: a key press comes back as a PIE the relay accepts
        response = await api.admin("POST", f"/participants/{call_id}/dtmf", {"digits": "1"})
        assert response.status_code == 200, response.text
        assert response.json() == {"callId": call_id, "digits": "1", "conferenceId": "support-bridge",
                                   "menuId": None, "sent": True}
        await api.advance(5)
        response = await api.admin("DELETE", f"/conferences/support-bridge/participants/{call_id}")
        assert response.status_code == 204
        flush(sandbox)
        health = httpx.get(relay.url + "/health").json()
        assert (health["relayed"], health["refused"], health["unparsed"]) == (3, 0, 0)
        delivery = (await state(api))["callbackDelivery"]
        assert delivery["sentByType"] == {"ice": 1, "pie": 1, "dice": 1}
        assert delivery["failed"] == 0 and delivery["answered"] == 2
    finally:
        relay.stop()


# ---- PIE: DTMF pressed in a room with detection ----------------------------------------------------------------


async def test_dtmf_route_sends_pie_with_the_digit(api: Api, sandbox: Sandbox, receiver: Receiver):
    receiver.answers["ice"] = {"action": {"name": "connectConf", "conferenceId": "standup",
                                          "conferenceDtmfOptions": {"mode": "detect", "maxDigits": 1}}}
    receiver.answers["pie"] = {"action": {"name": "continue"}}
    await configure(api, receiver.url + "/cb")
    call_id = await dial_in(api, "standup")
    flush(sandbox)
    response = await api.admin("POST", f"/participants/{call_id}/dtmf", {"digits": "1"})
    assert response.status_code == 200, response.text
    flush(sandbox)
    assert receiver.kinds() == ["ice", "pie"]
    got = receiver.of("pie")[0]
    assert_signed(got)
    pie = parse_callback_event(got.body)
    assert isinstance(pie, PieEvent) and pie.call_id == call_id
    assert pie.menu_result is not None
    assert (pie.menu_result.type, pie.menu_result.value, pie.menu_result.menu_id) == ("sequence", "1", "standup")
    assert pie.menu_result.input_method == "dtmf"
    assert (await state(api))["calls"][call_id]["status"] == "ONGOING"  # continue: nothing changes


async def test_conference_callout_with_detection_sends_pie(api: Api, sandbox: Sandbox, receiver: Receiver):
    await configure(api, receiver.url + "/cb")
    body = {"method": "conferenceCallout",
            "conferenceCallout": {"destination": {"type": "number", "endpoint": "+46730170101"},
                                  "conferenceId": "standup", "conferenceDtmfOptions": {"mode": "detect"}}}
    call_id = (await api.post("/calling/v1/callouts", body)).json()["callId"]
    await api.advance(3)
    response = await api.admin("POST", f"/participants/{call_id}/dtmf", {"digits": "*1"})
    assert response.status_code == 200, response.text
    flush(sandbox)
    assert receiver.kinds() == ["ace", "pie"]
    assert receiver.of("pie")[0].event["menuResult"]["value"] == "*1"


async def test_dtmf_route_refuses_without_detection_or_bad_digits(api: Api, sandbox: Sandbox, receiver: Receiver):
    await configure(api, receiver.url + "/cb")
    call_id = await dial_in(api, "standup")  # the receiver answers nothing: no detection
    flush(sandbox)
    response = await api.admin("POST", f"/participants/{call_id}/dtmf", {"digits": "1"})
    assert response.status_code == 400 and response.json()["errorCode"] == 40003
    assert "DTMF detection is off" in response.json()["message"]
    response = await api.admin("POST", f"/participants/{call_id}/dtmf", {"digits": "1a"})
    assert response.status_code == 400 and response.json()["errorCode"] == 40001
    response = await api.admin("POST", f"/participants/{call_id}/dtmf", {})
    assert response.status_code == 400 and response.json()["errorCode"] == 40002
    response = await api.admin("POST", "/participants/nope/dtmf", {"digits": "1"})
    assert response.status_code == 404
    flush(sandbox)
    assert receiver.kinds() == ["ice"]


# ---- PIE: keys pressed in an IVR menu (runMenu) ------------------------------------------------------------------

MENU = {"name": "runMenu", "barge": True, "mainMenu": "main", "enableVoice": False,
        "menus": [{"id": "main", "mainPrompt": "#tts[Press 1 for sales, 2 for more]",
                   "options": [{"dtmf": "1", "action": "return(sales)"}, {"dtmf": "2", "action": "menu(sub)"}]},
                  {"id": "sub", "mainPrompt": "#tts[Press 1 for support]", "maxDigits": 1,
                   "options": [{"dtmf": "1", "action": "return(support)"}]},
                  {"id": "pin", "mainPrompt": "#tts[Your PIN]", "maxDigits": 4,
                   "options": [{"dtmf": "0", "action": "return(operator)"}]}]}


async def menu_callout(api: Api, main: str = "main", **extra: Any) -> str:
    """A custom callout whose inline ACE runs MENU; answered after the 2 s ring."""
    ace = json.dumps({"instructions": [], "action": MENU | {"mainMenu": main}})
    body = {"method": "customCallout", "customCallout": {
        "destination": {"type": "number", "endpoint": "+46730170101"}, "maxDuration": 300, "ace": ace, **extra}}
    response = await api.post("/calling/v1/callouts", body)
    assert response.status_code == 200, response.text
    await api.advance(3)
    return response.json()["callId"]


async def press(api: Api, call_id: str, digits: str) -> dict[str, Any]:
    response = await api.admin("POST", f"/participants/{call_id}/dtmf", {"digits": digits})
    assert response.status_code == 200, response.text
    return response.json()


def menu_results(receiver: Receiver) -> list[tuple[str, str, str]]:
    results = []
    for got in receiver.of("pie"):
        assert_signed(got)
        pie = parse_callback_event(got.body)
        assert isinstance(pie, PieEvent) and pie.menu_result is not None
        assert pie.menu_result.input_method == "dtmf"
        results.append((pie.menu_result.menu_id, pie.menu_result.type, pie.menu_result.value))
    return results


async def test_menu_return_option_sends_a_signed_pie(api: Api, sandbox: Sandbox, receiver: Receiver):
    receiver.answers["pie"] = {"action": {"name": "continue"}}
    await configure(api, receiver.url + "/cb")
    call_id = await menu_callout(api)
    assert await press(api, call_id, "1") == {"callId": call_id, "digits": "1", "conferenceId": None,
                                              "menuId": None, "sent": True}
    flush(sandbox)
    assert receiver.kinds() == ["ice", "pie"]  # the inline ACE sends no ACE
    assert menu_results(receiver) == [("main", "return", "sales")]
    assert receiver.of("pie")[0].event["callId"] == call_id
    # the call left the menu (continue changes nothing else): further keys are refused
    response = await api.admin("POST", f"/participants/{call_id}/dtmf", {"digits": "1"})
    assert response.status_code == 400 and response.json()["errorCode"] == 40003
    assert (await state(api))["calls"][call_id]["status"] == "ONGOING"


async def test_menu_option_moves_to_a_submenu_then_returns_from_it(api: Api, sandbox: Sandbox,
                                                                    receiver: Receiver):
    await configure(api, receiver.url + "/cb")
    call_id = await menu_callout(api)
    moved = await press(api, call_id, "2")
    assert (moved["menuId"], moved["sent"]) == ("sub", False)  # a menu(id) option sends nothing
    flush(sandbox)
    assert receiver.kinds() == ["ice"]
    assert (await press(api, call_id, "1"))["sent"] is True
    second = await menu_callout(api)
    assert (await press(api, second, "21"))["sent"] is True  # both keys at once: through sub, then return
    flush(sandbox)
    assert menu_results(receiver) == [("sub", "return", "support"), ("sub", "return", "support")]


async def test_menu_unknown_key_is_invalid_input_and_max_digits_a_sequence(api: Api, sandbox: Sandbox,
                                                                          receiver: Receiver):
    await configure(api, receiver.url + "/cb")
    first = await menu_callout(api)
    await press(api, first, "9")
    pin = await menu_callout(api, main="pin")
    await press(api, pin, "12345")  # maxDigits 4: the fifth key is not part of the input
    operator = await menu_callout(api, main="pin")
    await press(api, operator, "0")
    short = await menu_callout(api, main="pin")
    await press(api, short, "12")  # fewer keys than maxDigits: the press is the whole input
    flush(sandbox)
    assert menu_results(receiver) == [("main", "invalidinput", "9"), ("pin", "sequence", "1234"),
                                      ("pin", "return", "operator"), ("pin", "sequence", "12")]


async def test_relay_runmenu_answer_to_a_dial_in_and_the_pie_answer_applied(api: Api, sandbox: Sandbox,
                                                                            receiver: Receiver):
    receiver.answers["ice"] = {"instructions": [], "action": MENU}
    receiver.answers["pie"] = {"action": {"name": "connectConf", "conferenceId": "sales-room"}}
    await configure(api, receiver.url + "/cb")
    call_id = await dial_in(api, "lobby")
    flush(sandbox)
    assert (await press(api, call_id, "1"))["sent"] is True
    flush(sandbox)
    assert menu_results(receiver) == [("main", "return", "sales")]
    rooms = (await state(api))["conferences"]
    assert [p["id"] for p in rooms["sales-room"]] == [call_id]
    # connectConf without detection: the caller is in a room, not in a menu: keys are refused again
    response = await api.admin("POST", f"/participants/{call_id}/dtmf", {"digits": "1"})
    assert response.status_code == 400 and "DTMF detection is off" in response.json()["message"]


async def test_pie_answers_hangup_and_runmenu_again(api: Api, sandbox: Sandbox, receiver: Receiver):
    receiver.answers["pie"] = {"action": MENU | {"mainMenu": "sub"}}
    await configure(api, receiver.url + "/cb")
    call_id = await menu_callout(api)
    await press(api, call_id, "9")
    flush(sandbox)
    receiver.answers["pie"] = {"action": {"name": "hangup"}}
    assert (await press(api, call_id, "1"))["sent"] is True  # the answer put it in menu "sub"
    flush(sandbox)
    assert menu_results(receiver) == [("main", "invalidinput", "9"), ("sub", "return", "support")]
    call = (await state(api))["calls"][call_id]
    assert (call["status"], call["reason"]) == ("FINAL", "MANAGERHANGUP")
    assert receiver.kinds()[-1] == "dice"


async def test_manage_call_runmenu_puts_the_call_in_a_menu(api: Api, sandbox: Sandbox, receiver: Receiver):
    await configure(api, receiver.url + "/cb")
    call_id = await dial_in(api, "standup")
    bad = await api.patch(f"/calling/v1/calls/id/{call_id}", {"action": MENU | {"mainMenu": "nowhere"}})
    assert bad.status_code == 400 and bad.json()["errorCode"] == 40003
    response = await api.patch(f"/calling/v1/calls/id/{call_id}", {"instructions": [], "action": MENU})
    assert response.status_code == 204, response.text
    assert (await press(api, call_id, "1"))["sent"] is True
    flush(sandbox)
    assert menu_results(receiver) == [("main", "return", "sales")]


async def test_inline_pie_svaml_is_applied_without_a_callback(api: Api, sandbox: Sandbox, receiver: Receiver):
    await configure(api, receiver.url + "/cb")
    call_id = await menu_callout(api, pie=json.dumps({"action": {"name": "hangup"}}))
    assert (await press(api, call_id, "1"))["sent"] is False
    flush(sandbox)
    assert receiver.kinds() == ["ice", "dice"]
    assert (await state(api))["calls"][call_id]["reason"] == "MANAGERHANGUP"


async def test_keys_refused_outside_a_menu_or_before_answer(api: Api, sandbox: Sandbox, receiver: Receiver):
    await configure(api, receiver.url + "/cb")
    body = {"method": "customCallout", "customCallout": {
        "destination": {"type": "number", "endpoint": "+46730170101"}, "maxDuration": 300}}
    plain = (await api.post("/calling/v1/callouts", body)).json()["callId"]
    ace = json.dumps({"action": MENU})
    body["customCallout"]["ace"] = ace
    ringing = (await api.post("/calling/v1/callouts", body)).json()["callId"]
    response = await api.admin("POST", f"/participants/{ringing}/dtmf", {"digits": "1"})
    assert response.status_code == 400 and "not connected yet" in response.json()["message"]
    await api.advance(3)
    response = await api.admin("POST", f"/participants/{plain}/dtmf", {"digits": "1"})
    assert response.status_code == 400 and response.json()["errorCode"] == 40003
    assert "neither in a menu" in response.json()["message"]
    body["customCallout"]["ace"] = json.dumps({"action": MENU | {"mainMenu": "nowhere"}})
    refused = await api.post("/calling/v1/callouts", body)
    assert refused.status_code == 400 and refused.json()["errorCode"] == 40003
    flush(sandbox)
    assert "pie" not in receiver.kinds()


# ---- Notify: a recording became available -------------------------------------------------------------------


async def test_recording_of_an_ended_call_sends_notify(api: Api, sandbox: Sandbox, receiver: Receiver):
    await configure(api, receiver.url + "/cb")
    call_id = await dial_in(api, "standup")
    response = await api.patch(f"/calling/v1/calls/id/{call_id}",
                               {"instructions": [], "action": {"name": "startRecording"}})
    assert response.status_code == 204, response.text
    await api.advance(12)
    response = await api.admin("DELETE", f"/conferences/standup/participants/{call_id}")
    assert response.status_code == 204
    flush(sandbox)
    assert receiver.kinds() == ["ice", "notify", "dice"]
    notify = parse_callback_event(receiver.of("notify")[0].body)
    assert isinstance(notify, NotifyEvent) and notify.call_id == call_id and notify.type == "recording_finished"
    key = receiver.of("notify")[0].event["recordingKey"]
    assert key in [r["key"] for r in (await state(api))["recordings"]]


# ---- failures never reach the API -----------------------------------------------------------------------


async def test_dead_callback_urls_never_break_the_api(api: Api, sandbox: Sandbox):
    sandbox.dispatcher.timeout = 0.5
    await configure(api, dead_url(), dead_url())
    for _ in range(5):
        await tts(api)
        await dial_in(api, "standup")
    await api.advance(60)
    flush(sandbox)
    snapshot = await state(api)
    delivery = snapshot["callbackDelivery"]
    assert delivery["sent"] == 0 and delivery["failed"] == delivery["queued"] > 0
    assert delivery["lastError"] and "127.0.0.1" in delivery["lastError"]
    # the dial-ins stayed in their room: an unanswered ICE changes nothing
    assert len(snapshot["conferences"]["standup"]) == 5


async def test_a_stalled_receiver_does_not_slow_requests(api: Api, sandbox: Sandbox, receiver: Receiver):
    """Proved by order, not by a stopwatch: the receiver answers nothing until the requests are done, and the
    delivery timeout is longer than the bound on the requests, so a request that waited on its callback fails."""
    receiver.stall = release = threading.Event()
    sandbox.dispatcher.timeout = 60
    await configure(api, receiver.url + "/cb")
    for _ in range(3):
        await asyncio.wait_for(dial_in(api, "standup"), 20)
    assert not receiver.received  # nothing was answered while the requests ran
    release.set()
    flush(sandbox)
    delivery = (await state(api))["callbackDelivery"]
    assert (delivery["sent"], delivery["failed"]) == (3, 0) and len(receiver.received) == 3


async def test_a_receiver_slower_than_the_timeout_counts_as_failed(api: Api, sandbox: Sandbox, receiver: Receiver):
    receiver.stall = threading.Event()  # released only when the test ends
    sandbox.dispatcher.timeout = 0.2
    await configure(api, receiver.url + "/cb")
    for _ in range(3):
        await dial_in(api, "standup")
    flush(sandbox)
    delivery = (await state(api))["callbackDelivery"]
    assert delivery["failed"] == 3 and "Timeout" in delivery["lastError"]


async def test_fallback_url_gets_what_the_primary_refused(api: Api, sandbox: Sandbox, receiver: Receiver):
    primary = Receiver(status=500).start()
    try:
        await configure(api, primary.url + "/primary", receiver.url + "/fallback")
        await dial_in(api, "standup")
        flush(sandbox)
    finally:
        primary.stop()
    assert primary.kinds() == ["ice"] and receiver.kinds() == ["ice"]
    assert receiver.received[0].path == "/fallback"
    assert_signed(receiver.received[0])
    delivery = (await state(api))["callbackDelivery"]
    assert (delivery["sent"], delivery["failed"], delivery["fallbackUsed"]) == (1, 0, 1)


def test_full_queue_drops_instead_of_blocking(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch):
    sandbox.callbacks.set(DEMO_APPLICATION_KEY, dead_url(), None)
    monkeypatch.setattr(sandbox.dispatcher, "_ensure_sender", lambda: None)  # a sender that never drains
    sandbox.dispatcher._queue.maxsize = 2
    dialling = threading.Thread(target=lambda: [sandbox.dial_in("standup", "+46701234567") for _ in range(20)],
                                daemon=True)
    dialling.start()
    dialling.join(30)
    assert not dialling.is_alive()  # a blocking put would never return at all
    delivery = sandbox.dispatcher.to_wire()
    assert (delivery["queued"], delivery["dropped"]) == (2, 18)
    assert "queue is full" in delivery["lastError"]
    assert len(sandbox.conferences["standup"].participants) == 20


# ---- no URL, no callbacks (and no httpx) -------------------------------------------------------------------


async def test_no_callbacks_without_a_url(api: Api, sandbox: Sandbox):
    await tts(api)
    await dial_in(api, "standup")
    await api.advance(60)
    delivery = (await state(api))["callbackDelivery"]
    assert delivery["queued"] == 0 and delivery["sent"] == 0
    assert sandbox.dispatcher._sender is None and sandbox.dispatcher._ticker is None


def test_a_sandbox_without_a_callback_url_never_imports_httpx():
    script = """
import json, sys, urllib.request
from sandbox.server import start_sandbox_thread
running = start_sandbox_thread(scenario="demo", seed=7, ring_seconds=0)
sb = running.sandbox
sb.place_call(kind="tts", to={"type": "number", "endpoint": "+46730170101"}, cli=None,
              application_key=sb.application_key, plan="speak", speak_seconds=1)
sb.advance(120)
with urllib.request.urlopen(running.url + "/_sandbox/state") as response:
    delivery = json.load(response)["callbackDelivery"]
running.stop()
print(json.dumps({"httpx": "httpx" in sys.modules, "queued": delivery["queued"],
                  "threads": sb.dispatcher._sender is not None}))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"httpx": False, "queued": 0, "threads": False}


# ---- real clock: the ticker delivers without any request ----------------------------------------------------


def test_real_clock_ticker_sends_callbacks_without_requests(receiver: Receiver):
    from sandbox.server import start_sandbox_thread

    running = start_sandbox_thread(scenario="empty", seed=3, ring_seconds=0.3, callback_url=receiver.url + "/cb")
    try:
        sb = running.sandbox
        sb.place_call(kind="tts", to={"type": "number", "endpoint": "+46730170101"}, cli=None,
                      application_key=sb.application_key, plan="speak", speak_seconds=0.5)
        eventually_sync(lambda: receiver.kinds() == ["ace", "dice"], what="an ACE then a DiCE")
        ace = receiver.received[0].event
        assert ace["callId"] and all(r.headers["x-timestamp"] for r in receiver.received)
    finally:
        running.stop()
    assert not (sb.dispatcher._ticker and sb.dispatcher._ticker.is_alive())


# ---- the demo presses keys once a callback URL is set ---------------------------------------------------


def _demo_calls(sb: Sandbox, seconds: int) -> list[str]:
    for _ in range(seconds // 5):
        sb.advance(5)
    return sorted(sb.calls)


def test_demo_raises_hands_with_pie_1_once_a_callback_url_is_set(receiver: Receiver):
    from sandbox_helpers import make_app

    from sandbox.scenarios import DEMO_ROOMS

    sb: Sandbox = make_app(scenario="demo", seed=11).state.sandbox
    try:
        already_there = {cid: room for room in DEMO_ROOMS for cid in sb.conferences[room].participants}
        assert not sb.dtmf_detect
        sb.callbacks.set(sb.application_key, receiver.url + "/callback", None)
        # who was in a room before the URL got no ICE: the demo turns detection on for them
        assert sb.dtmf_detect == already_there
        pies: list[Received] = []
        for _ in range(150 // 5):  # the first hand within 20 s, then one every 30-60 s
            sb.advance(5)
            flush(sb)
            pies = receiver.of("pie")
        assert len(pies) >= 2
        for pie in pies:
            assert_signed(pie)
            event = pie.event
            assert event["menuResult"]["value"] == "1" and event["menuResult"]["inputMethod"] == "dtmf"
            assert event["menuResult"]["menuId"] in DEMO_ROOMS
            assert sb.calls[event["callId"]].kind == "inbound"
        assert isinstance(parse_callback_event(pies[0].body), PieEvent)
    finally:
        sb.close()


def test_demo_key_presses_leave_the_seeds_story_unchanged(receiver: Receiver):
    from sandbox_helpers import make_app

    quiet: Sandbox = make_app(scenario="demo", seed=5).state.sandbox
    busy: Sandbox = make_app(scenario="demo", seed=5).state.sandbox
    try:
        busy.callbacks.set(busy.application_key, receiver.url + "/callback", None)
        assert _demo_calls(quiet, 300) == _demo_calls(busy, 300)  # the same people joined and left
        flush(busy)
        assert receiver.of("pie") and not quiet.dispatcher.stats.queued
    finally:
        quiet.close()
        busy.close()


def test_demo_stops_pressing_when_the_url_is_removed_and_starts_again(receiver: Receiver):
    from sandbox_helpers import make_app

    sb: Sandbox = make_app(scenario="demo", seed=2).state.sandbox
    try:
        sb.callbacks.set(sb.application_key, receiver.url + "/callback", None)
        sb.callbacks.set(sb.application_key, None, None)
        _demo_calls(sb, 120)
        flush(sb)
        assert not receiver.of("pie")
        sb.callbacks.set(sb.application_key, receiver.url + "/callback", None)
        _demo_calls(sb, 120)
        flush(sb)
        assert receiver.of("pie")
    finally:
        sb.close()
