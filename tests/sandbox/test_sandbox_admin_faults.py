"""Admin routes (state, clock) and injected faults: 5xx, 429 with Retry-After, latency, dropped connections."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sandbox_helpers import Api, assert_error, tts

import sandbox.faults
from sandbox.faults import DroppedConnection


async def test_state_dump(api: Api) -> None:
    call_id = await tts(api)
    await api.admin("POST", "/conferences/room/participants", {"cli": "+46730170102"})
    state = (await api.admin("GET", "/state")).json()
    assert state["now"] == "2026-01-05T09:00:00.000Z"
    assert state["calls"][call_id]["status"] == "INITIATED"
    assert [p["cli"] for p in state["conferences"]["room"]] == ["+46730170102"]
    assert {"numbers", "recordings", "callbacks", "faults", "rooms"} <= set(state)


async def test_clock_advance(api: Api) -> None:
    response = await api.admin("POST", "/clock/advance", {"seconds": 90})
    assert response.json() == {"now": "2026-01-05T09:01:30.000Z"}
    assert_error(await api.admin("POST", "/clock/advance", {"seconds": -1}), 400, 40001)
    assert_error(await api.admin("POST", "/clock/advance", {"seconds": "soon"}), 400, 40001)


async def test_status_fault_then_ok(api: Api) -> None:
    created = await api.admin("POST", "/faults", {"kind": "status", "count": 2, "status": 503})
    assert created.status_code == 201 and created.json()["kind"] == "status"
    for _ in range(2):
        assert_error(await api.get("/v1/configuration/numbers"), 503, 50000)
    assert (await api.get("/v1/configuration/numbers")).status_code == 200
    assert (await api.admin("GET", "/faults")).json() == {"faults": []}


async def test_rate_limit_with_retry_after(api: Api) -> None:
    await api.admin("POST", "/faults", {"kind": "rate_limit", "retry_after": 7})
    response = await api.get("/v1/configuration/numbers")
    assert response.status_code == 429 and response.headers["retry-after"] == "7"
    assert response.json()["message"] == "Too many requests"
    assert (await api.get("/v1/configuration/numbers")).status_code == 200


async def test_latency(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    real_sleep = asyncio.sleep

    async def recorded(seconds: float) -> None:  # the fault's wait, seen without a stopwatch
        slept.append(seconds)
        await real_sleep(0)

    await api.admin("POST", "/faults", {"kind": "latency", "seconds": 0.2})
    monkeypatch.setattr(sandbox.faults.asyncio, "sleep", recorded)
    assert (await api.get("/v1/configuration/numbers")).status_code == 200
    assert slept == [0.2]


async def test_drop_is_a_transport_error_in_process(api: Api) -> None:
    await api.admin("POST", "/faults", {"kind": "drop"})
    with pytest.raises(httpx.RemoteProtocolError) as caught:
        await api.get("/v1/configuration/numbers")
    assert isinstance(caught.value, DroppedConnection)
    assert (await api.get("/v1/configuration/numbers")).status_code == 200


async def test_path_prefix_and_until_cleared(api: Api) -> None:
    await api.admin("POST", "/faults", {"kind": "status", "status": 500, "count": -1, "path": "/calling/v1/recording"})
    assert (await api.get("/v1/configuration/numbers")).status_code == 200
    for _ in range(3):
        assert_error(await api.get("/calling/v1/recording"), 500, 50000)
    assert (await api.admin("GET", "/state")).status_code == 200  # admin routes are never faulted
    assert (await api.admin("DELETE", "/faults")).status_code == 204
    assert (await api.get("/calling/v1/recording")).status_code == 200


async def test_fault_validation(api: Api) -> None:
    assert_error(await api.admin("POST", "/faults", {"kind": "meteor"}), 400, 40001, "kind")
    assert_error(await api.admin("POST", "/faults", {"kind": "status", "count": 0}), 400, 40001)
    assert_error(await api.admin("POST", "/faults", {"kind": "status", "status": 99}), 400, 40001)


async def test_unexpected_failure_is_a_sinch_50000(api: Api, sandbox, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(sandbox.numbers, "listing", broken)
    assert_error(await api.get("/v1/configuration/numbers"), 500, 50000, "Internal error")


async def test_bulk_participants_build_and_thin_a_big_room(api: Api, sandbox) -> None:
    made = await api.admin("POST", "/conferences/big/participants/bulk", {"add": 1000})
    assert made.status_code == 201
    added = made.json()["added"]
    assert len(set(added)) == 1000 and made.json()["participants"] == 1000
    roster = (await api.get("/calling/v1/conferences/id/big")).json()["participants"]
    assert len(roster) == 1000 and roster[0]["cli"] == "+46700000000" and roster[-1]["cli"] == "+46700000999"

    churn = await api.admin("POST", "/conferences/big/participants/bulk",
                            {"remove": 10, "add": 10, "cliStart": 1000})
    body = churn.json()
    assert body["removed"] == added[:10] and len(body["added"]) == 10 and body["participants"] == 1000
    assert sandbox.calls[added[0]].reason == "CALLERHANGUP"

    named = await api.admin("POST", "/conferences/big/participants/bulk",
                            {"remove": [added[10]], "add": [{"cli": "+46730170102", "muted": True}]})
    assert named.json()["removed"] == [added[10]]
    assert sandbox.conferences["big"].participants[named.json()["added"][0]].muted


@pytest.mark.parametrize("body", [{"add": -1}, {"add": 10_001}, {"add": "many"}, {"add": True},
                                  {"add": [{"muted": True}]}, {"remove": "all"}, {"add": 5, "cliStart": -1}])
async def test_bulk_participants_refuse_nonsense(api: Api, body) -> None:
    assert_error(await api.admin("POST", "/conferences/big/participants/bulk", body), 400, 40001)


async def test_bulk_remove_of_a_call_not_in_the_room_is_40400(api: Api) -> None:
    await api.admin("POST", "/conferences/big/participants/bulk", {"add": 2})
    assert_error(await api.admin("POST", "/conferences/big/participants/bulk", {"remove": ["nope"]}), 404, 40400)
