"""Conferences exist while they have participants; mute, hold, kick and kick all."""

from __future__ import annotations

import pytest
from sandbox_helpers import Api, assert_error, conference_callout

from sandbox import Sandbox


async def join(api: Api, room: str, cli: str, muted: bool = False) -> str:
    response = await api.admin("POST", f"/conferences/{room}/participants", {"cli": cli, "muted": muted})
    assert response.status_code == 201, response.text
    return response.json()["callId"]


async def participants(api: Api, room: str) -> list[dict]:
    response = await api.get(f"/calling/v1/conferences/id/{room}")
    assert response.status_code == 200, response.text
    return response.json()["participants"]


async def test_room_lifecycle(api: Api, sandbox: Sandbox) -> None:
    assert_error(await api.get("/calling/v1/conferences/id/standup"), 404, 40400, "Conference not found")
    callee = await conference_callout(api, "standup")
    assert_error(await api.get("/calling/v1/conferences/id/standup"), 404, 40400)  # still ringing
    await api.advance(2)
    dialled_in = await join(api, "standup", "+447700900123", muted=True)
    await api.advance(5)
    people = await participants(api, "standup")
    assert people == [
        {"cli": "+46730170101", "id": callee, "duration": 5, "muted": False, "onhold": False},
        {"cli": "+447700900123", "id": dialled_in, "duration": 5, "muted": True, "onhold": False},
    ]
    assert all(list(p) == ["cli", "id", "duration", "muted", "onhold"] for p in people)

    assert (await api.admin("DELETE", f"/conferences/standup/participants/{dialled_in}")).status_code == 204
    assert sandbox.calls[dialled_in].reason == "CALLERHANGUP"
    assert [p["id"] for p in await participants(api, "standup")] == [callee]
    assert (await api.delete(f"/calling/v1/conferences/id/standup/{callee}")).status_code == 204
    assert_error(await api.get("/calling/v1/conferences/id/standup"), 404, 40400)
    assert "standup" not in sandbox.conferences


@pytest.mark.parametrize(("command", "field", "value"), [
    ("mute", "muted", True), ("unmute", "muted", False), ("onhold", "onhold", True), ("resume", "onhold", False),
])
async def test_participant_commands(api: Api, command: str, field: str, value: bool) -> None:
    call_id = await join(api, "room", "+46730170101", muted=command == "unmute")
    if command == "resume":
        await api.patch(f"/calling/v1/conferences/id/room/{call_id}", {"command": "onhold"})
    assert (await api.patch(f"/calling/v1/conferences/id/room/{call_id}", {"command": command})).status_code == 204
    assert (await participants(api, "room"))[0][field] is value


async def test_participant_command_errors(api: Api) -> None:
    call_id = await join(api, "room", "+46730170101")
    assert_error(await api.patch(f"/calling/v1/conferences/id/room/{call_id}", {"command": "shout"}), 400, 40001,
                 "command")
    assert_error(await api.patch(f"/calling/v1/conferences/id/room/{call_id}", {}), 400, 40002, "command")
    assert_error(await api.patch("/calling/v1/conferences/id/room/" + "0" * 32, {"command": "mute"}), 404, 40400)
    assert_error(await api.patch(f"/calling/v1/conferences/id/elsewhere/{call_id}", {"command": "mute"}), 404,
                 40400, "Conference not found")
    assert_error(await api.delete("/calling/v1/conferences/id/room/" + "0" * 32), 404, 40400)


async def test_kick_all(api: Api, sandbox: Sandbox) -> None:
    ids = [await join(api, "board", cli) for cli in ("+46730170101", "+447700900123", "+4915112345678")]
    assert (await api.delete("/calling/v1/conferences/id/board")).status_code == 204
    assert_error(await api.get("/calling/v1/conferences/id/board"), 404, 40400)
    assert {sandbox.calls[i].reason for i in ids} == {"MANAGERHANGUP"}
    assert_error(await api.delete("/calling/v1/conferences/id/board"), 404, 40400)


async def test_kicked_callout_is_final_with_duration(api: Api) -> None:
    call_id = await conference_callout(api, "r1")
    await api.advance(2 + 42)
    await api.delete(f"/calling/v1/conferences/id/r1/{call_id}")
    result = (await api.get(f"/calling/v1/calls/id/{call_id}")).json()
    assert (result["status"], result["result"], result["reason"], result["duration"]) == (
        "FINAL", "ANSWERED", "MANAGERHANGUP", 42)


async def test_max_duration_ends_a_conference_call(api: Api) -> None:
    call_id = await conference_callout(api, "short", maxDuration=10)
    await api.advance(12)
    result = (await api.get(f"/calling/v1/calls/id/{call_id}")).json()
    assert (result["status"], result["reason"], result["duration"]) == ("FINAL", "TIMEOUT", 10)


async def test_admin_join_validation(api: Api) -> None:
    assert_error(await api.admin("POST", "/conferences/r/participants", {"muted": True}), 400, 40002, "cli")
    assert_error(await api.admin("POST", "/conferences/r/participants", {"cli": "nope"}), 400, 40001, "cli")
    assert_error(await api.admin("DELETE", "/conferences/r/participants/abc"), 404, 40400)


async def test_escaped_slash_stays_inside_the_id(api: Api, sandbox: Sandbox) -> None:
    """`standup%2F<callId>` is a conference id with a slash, not the kick-one-participant path."""
    call_id = await join(api, "standup", "+46730170101")
    assert_error(await api.delete(f"/calling/v1/conferences/id/standup%2F{call_id}"), 404, 40400)
    assert not sandbox.calls[call_id].is_final
    await join(api, "a%2Fb", "+46730170102")
    assert "a/b" in sandbox.conferences
    assert len(await participants(api, "a%2Fb")) == 1
