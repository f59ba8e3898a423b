"""Authentication: signed and Basic accepted for the configured application; anything else 401/40108."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sandbox_helpers import Api, assert_error

from api.auth import utc_timestamp
from sandbox import DEMO_APPLICATION_KEY, DEMO_APPLICATION_SECRET


async def test_signed_request_is_accepted(api: Api) -> None:
    response = await api.get("/v1/configuration/numbers")
    assert response.status_code == 200


async def test_signed_request_with_body_and_plus_offset_timestamp(api: Api) -> None:
    stamp = datetime.now(UTC).isoformat()  # what sinch 1.1.4 sends: +00:00 and microseconds
    response = await api.post("/calling/v1/callouts", {"method": "ttsCallout", "ttsCallout": {
        "destination": {"type": "number", "endpoint": "+46730170101"}, "text": "hi"}}, timestamp=stamp)
    assert response.status_code == 200, response.text


async def test_basic_auth_is_accepted(api: Api) -> None:
    response = await api.get("/v1/configuration/numbers", auth="basic")
    assert response.status_code == 200


async def test_missing_authorization(api: Api) -> None:
    assert_error(await api.get("/v1/configuration/numbers", auth="none"), 401, 40108, "Invalid credentials")


async def test_bad_signature(api: Api) -> None:
    response = await api.get("/v1/configuration/numbers", secret="d3Jvbmctc2VjcmV0LTE2Yg==")
    assert_error(response, 401, 40108)


async def test_body_tampered_after_signing_is_refused(api: Api) -> None:
    # signed for one body, another body sent: the MD5 over the raw bytes no longer matches
    from api.auth import application_authorization, sign_request

    stamp = utc_timestamp()
    signature = sign_request(DEMO_APPLICATION_SECRET, method="POST", path="/v1/configuration/numbers",
                             body=b'{"numbers":["+14155550132"]}', content_type="application/json",
                             timestamp=stamp)
    response = await api.http.post("/v1/configuration/numbers", content=b'{"numbers":["+4930901820"]}', headers={
        "Content-Type": "application/json", "x-timestamp": stamp,
        "Authorization": application_authorization(DEMO_APPLICATION_KEY, signature)})
    assert_error(response, 401, 40108)


async def test_wrong_key(api: Api) -> None:
    assert_error(await api.get("/v1/configuration/numbers", key="not-our-application"), 401, 40108)
    assert_error(await api.get("/v1/configuration/numbers", key="not-our-application", auth="basic"), 401, 40108)


async def test_basic_with_wrong_secret(api: Api) -> None:
    response = await api.get("/v1/configuration/numbers", auth="basic", secret="d3Jvbmctc2VjcmV0LTE2Yg==")
    assert_error(response, 401, 40108)


async def test_stale_and_future_timestamps(api: Api) -> None:
    stale = utc_timestamp(datetime.now(UTC) - timedelta(minutes=20))
    future = utc_timestamp(datetime.now(UTC) + timedelta(minutes=20))
    assert_error(await api.get("/v1/configuration/numbers", timestamp=stale), 401, 40108)
    assert_error(await api.get("/v1/configuration/numbers", timestamp=future), 401, 40108)
    recent = utc_timestamp(datetime.now(UTC) - timedelta(minutes=2))
    assert (await api.get("/v1/configuration/numbers", timestamp=recent)).status_code == 200


async def test_unknown_scheme(api: Api) -> None:
    response = await api.http.get("/v1/configuration/numbers", headers={"Authorization": "Bearer abc"})
    assert_error(response, 401, 40108)


async def test_signature_covers_the_raw_path(api: Api) -> None:
    # the query number path keeps a literal `+`; `%2B` is signed as sent and also understood
    assert (await api.get("/v1/calling/query/number/+46730170101")).status_code == 200
    response = await api.get("/v1/calling/query/number/%2B46730170101")
    assert response.status_code == 200, response.text
    assert response.json()["number"]["normalizedNumber"] == "+46730170101"


async def test_admin_routes_need_no_auth(api: Api) -> None:
    assert (await api.admin("GET", "/state")).status_code == 200


async def test_unknown_path_is_a_sinch_404_after_auth(api: Api) -> None:
    assert_error(await api.get("/calling/v1/nowhere"), 404, 40400)
    assert_error(await api.get("/calling/v1/nowhere", auth="none"), 401, 40108)
