"""Recordings: paged listing with the API reference's validation, real WAV downloads, delete."""

from __future__ import annotations

import io
import wave

import pytest
from sandbox_helpers import Api, assert_error

from sandbox import Sandbox


async def make_recordings(api: Api, count: int, gap: float = 60) -> list[dict]:
    made = []
    for i in range(count):
        response = await api.admin("POST", "/recordings", {"seconds": 1 + i})
        assert response.status_code == 201, response.text
        made.append(response.json())
        await api.advance(gap)
    return made


async def test_listing_pages_newest_first(api: Api) -> None:
    made = await make_recordings(api, 5)
    everything = (await api.get("/calling/v1/recording")).json()
    assert [r["key"] for r in everything] == [r["key"] for r in reversed(made)]
    first = everything[0]
    assert set(first) == {"key", "url", "createdOn", "expiresOn", "headers"}
    assert first["createdOn"] == "2026-01-05T09:04:00.000Z" and first["expiresOn"] == "2026-02-04T09:04:00.000Z"
    assert first["url"] == f"http://sandbox/calling/v1/recording/{first['key']}"
    page2 = (await api.get("/calling/v1/recording", params={"page": 2, "pageSize": 2})).json()
    assert [r["key"] for r in page2] == [made[2]["key"], made[1]["key"]]
    assert (await api.get("/calling/v1/recording", params={"page": 4, "pageSize": 2})).json() == []


async def test_listing_by_time_range(api: Api) -> None:
    made = await make_recordings(api, 4)
    window = {"from": "2026-01-05T09:01:00Z", "to": "2026-01-05T09:03:00+00:00"}
    found = (await api.get("/calling/v1/recording", params=window)).json()
    assert [r["key"] for r in found] == [made[2]["key"], made[1]["key"]]


@pytest.mark.parametrize(("params", "message"), [
    ({"page": 0}, "'pageNumber' must be greater than 0"),
    ({"page": "two"}, "'pageNumber' must be greater than 0"),
    ({"pageSize": -1}, "'pageSize' must be a positive integer"),
    ({"pageSize": 0}, "'pageSize' must be a positive integer"),
    ({"from": "2026-01-05T10:00:00Z", "to": "2026-01-05T09:00:00Z"}, "'to' must be greater than 'from'"),
    ({"from": "2026-01-05T10:00:00Z", "to": "2026-01-05T10:00:00Z"}, "'to' must be greater than 'from'"),
    ({"from": "yesterday"}, "'from'"),
])
async def test_listing_validation(api: Api, params: dict, message: str) -> None:
    assert_error(await api.get("/calling/v1/recording", params=params), 400, 40001, message)


async def test_download_is_a_real_wav(api: Api) -> None:
    rec = (await api.admin("POST", "/recordings", {"seconds": 2.5})).json()
    response = await api.get(f"/calling/v1/recording/{rec['key']}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/wav"
    assert int(response.headers["content-length"]) == len(response.content) == rec["bytes"] == 44 + 2 * 20000
    with wave.open(io.BytesIO(response.content)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate(), wav.getnframes()) == (1, 2, 8000, 20000)
        frames = wav.readframes(wav.getnframes())
    assert len(frames) == 40000 and frames.count(0) < len(frames) // 2  # tones, not silence


async def test_recording_of_a_given_size_streams(api: Api) -> None:
    rec = (await api.admin("POST", "/recordings", {"bytes": 3_000_000})).json()
    assert rec["bytes"] == 3_000_000
    response = await api.get(f"/calling/v1/recording/{rec['key']}")
    assert len(response.content) == 3_000_000
    with wave.open(io.BytesIO(response.content)) as wav:
        assert wav.getnframes() == (3_000_000 - 44) // 2


async def test_delete(api: Api, sandbox: Sandbox) -> None:
    rec = (await api.admin("POST", "/recordings", {"seconds": 1})).json()
    assert (await api.delete(f"/calling/v1/recording/{rec['key']}")).status_code == 204
    assert sandbox.recordings.items == {}
    assert_error(await api.delete(f"/calling/v1/recording/{rec['key']}"), 404, 40400, "Recording not found")
    assert_error(await api.get(f"/calling/v1/recording/{rec['key']}"), 404, 40400)
    assert_error(await api.delete("/calling/v1/recording/"), 400, 40002, "No key specified")


async def test_recordings_expire(api: Api) -> None:
    await make_recordings(api, 1, gap=0)
    await api.advance(30 * 86400)
    assert (await api.get("/calling/v1/recording")).json() == []


async def test_admin_recording_validation(api: Api) -> None:
    assert_error(await api.admin("POST", "/recordings", {"seconds": -1}), 400, 40001)
    assert_error(await api.admin("POST", "/recordings", {"bytes": "big"}), 400, 40001)
