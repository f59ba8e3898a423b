"""Callback authentication: Sinch's documented request and hand-signed ones accepted; forgeries refused.

Every signature is computed by hand (relay_helpers.hand_signature) or copied from Sinch's documentation.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from relay_helpers import (
    CONTENT_TYPE,
    DOC_BODY,
    DOC_KEY,
    DOC_PATH,
    DOC_SECRET,
    DOC_SIGNATURE,
    DOC_TIMESTAMP,
    KEY,
    SECRET,
    Callbacks,
    ace,
    assert_refused,
    basic_headers,
    body_of,
    hand_signature,
    make_settings,
    now_stamp,
    signed_headers,
)

from relay import create_app

OTHER_SECRET = base64.b64encode(b"not-the-secret-16").decode()


def relay_client(**settings) -> httpx.AsyncClient:  # type: ignore[no-untyped-def]
    app = create_app(make_settings(**settings))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://relay")


def doc_headers() -> dict[str, str]:
    return {"x-timestamp": DOC_TIMESTAMP, "content-type": "application/json",
            "authorization": f"application {DOC_KEY}:{DOC_SIGNATURE}"}


def test_hand_signature_reproduces_the_documented_example() -> None:
    # guards the helper itself: the test signer must agree with Sinch before it may judge our verifier
    signature = hand_signature(DOC_SECRET, method="POST", path=DOC_PATH, body=DOC_BODY,
                               content_type="application/json", timestamp=DOC_TIMESTAMP)
    assert signature == DOC_SIGNATURE


async def test_the_documented_sinch_callback_is_accepted() -> None:
    # the exact request from Sinch's docs (lower-case "application" scheme included), at the documented URL
    async with relay_client(application_key=DOC_KEY, application_secret=DOC_SECRET, path_prefix="/sinch",
                            max_age=0) as http:
        response = await http.post(DOC_PATH, content=DOC_BODY, headers=doc_headers())
        assert response.status_code == 200, response.text
        assert response.json() == {"instructions": [], "action": {"name": "continue"}}
        tampered = DOC_BODY.replace(b'"version":1', b'"version":2')
        assert_refused(await http.post(DOC_PATH, content=tampered, headers=doc_headers()))


async def test_the_documented_callback_is_stale_with_a_time_window() -> None:
    # signed in 2014: a replay today is refused unless the window is switched off (max_age=0 above)
    async with relay_client(application_key=DOC_KEY, application_secret=DOC_SECRET, path_prefix="/sinch") as http:
        assert_refused(await http.post(DOC_PATH, content=DOC_BODY, headers=doc_headers()))


async def test_hand_signed_callback_is_accepted(callbacks: Callbacks) -> None:
    response = await callbacks.post(ace())
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["action"] == {"name": "continue"}


@pytest.mark.parametrize("stamp", [
    lambda now: now.strftime("%Y-%m-%dT%H:%M:%SZ"),              # no fraction, Z
    lambda now: now.isoformat(),                                  # +00:00 with microseconds (sinch 1.1.4)
    lambda now: now.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",  # milliseconds, Z
])
async def test_timestamp_spellings_are_accepted(callbacks: Callbacks, stamp) -> None:  # type: ignore[no-untyped-def]
    response = await callbacks.post(ace(), timestamp=stamp(datetime.now(UTC)))
    assert response.status_code == 200, response.text


async def test_signature_covers_the_raw_body_bytes(callbacks: Callbacks) -> None:
    # the same JSON spelt differently: signed as sent, it is accepted; the verifier never re-serialises
    raw = b'{ "event" : "ace",\n  "callId" : "c-1" , "version": 1 }'
    assert (await callbacks.post(raw=raw)).status_code == 200


async def test_tampered_body_is_refused(callbacks: Callbacks) -> None:
    body = body_of(ace())
    headers = signed_headers(body)
    assert_refused(await callbacks.post(raw=body.replace(b"c-ace-1", b"c-ace-2"), headers=headers))


async def test_wrong_key_is_refused(callbacks: Callbacks) -> None:
    assert_refused(await callbacks.post(ace(), key="another-application"))


async def test_wrong_secret_is_refused(callbacks: Callbacks) -> None:
    assert_refused(await callbacks.post(ace(), secret=OTHER_SECRET))


async def test_signed_for_another_path_is_refused(callbacks: Callbacks) -> None:
    body = body_of(ace())
    assert_refused(await callbacks.post(raw=body, headers=signed_headers(body, path="/elsewhere/callback")))


async def test_changed_content_type_is_refused(callbacks: Callbacks) -> None:
    body = body_of(ace())
    headers = signed_headers(body) | {"Content-Type": "text/plain"}
    assert_refused(await callbacks.post(raw=body, headers=headers))


@pytest.mark.parametrize("offset", [timedelta(minutes=-11), timedelta(minutes=11)])
async def test_stale_or_future_timestamp_is_refused(callbacks: Callbacks, offset: timedelta) -> None:
    assert_refused(await callbacks.post(ace(), timestamp=now_stamp(datetime.now(UTC) + offset)))


async def test_time_window_is_configurable() -> None:
    async with relay_client(max_age=30) as http:
        old = now_stamp(datetime.now(UTC) - timedelta(minutes=2))
        assert_refused(await Callbacks(http).post(ace(), timestamp=old))
        recent = now_stamp(datetime.now(UTC) - timedelta(seconds=5))
        assert (await Callbacks(http).post(ace(), timestamp=recent)).status_code == 200


@pytest.mark.parametrize("drop", ["Authorization", "x-timestamp"])
async def test_missing_headers_are_refused(callbacks: Callbacks, drop: str) -> None:
    body = body_of(ace())
    headers = {k: v for k, v in signed_headers(body).items() if k != drop}
    assert_refused(await callbacks.post(raw=body, headers=headers))


@pytest.mark.parametrize("authorization", [
    "Application", f"Application {KEY}", f"Application :{'A' * 44}", "Bearer abc", f"Application {KEY}:",
])
async def test_malformed_authorization_is_refused(callbacks: Callbacks, authorization: str) -> None:
    body = body_of(ace())
    headers = signed_headers(body) | {"Authorization": authorization}
    assert_refused(await callbacks.post(raw=body, headers=headers))


@pytest.mark.parametrize("stamp", ["yesterday", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
async def test_unparsable_timestamp_is_refused(callbacks: Callbacks, stamp: str) -> None:
    assert_refused(await callbacks.post(ace(), timestamp=stamp))  # out of range is refused, not a 500


async def test_basic_is_refused_by_default(callbacks: Callbacks) -> None:
    # Sinch signs its callbacks; Basic has no timestamp (replayable), so it must be switched on
    assert_refused(await callbacks.post(ace(), headers=basic_headers()))


async def test_basic_mode_accepts_basic_only() -> None:
    async with relay_client(auth="basic") as http:
        callbacks = Callbacks(http)
        assert (await callbacks.post(ace(), headers=basic_headers())).status_code == 200
        assert_refused(await callbacks.post(ace()))  # a valid signature, but this relay wants Basic
        assert_refused(await callbacks.post(ace(), headers=basic_headers(secret=OTHER_SECRET)))
        assert_refused(await callbacks.post(ace(), headers=basic_headers(key="another-application")))
        garbled = {"Content-Type": CONTENT_TYPE, "Authorization": "Basic !!not-base64!!"}
        assert_refused(await callbacks.post(ace(), headers=garbled))


async def test_either_mode_accepts_both() -> None:
    async with relay_client(auth="either") as http:
        callbacks = Callbacks(http)
        assert (await callbacks.post(ace(), headers=basic_headers())).status_code == 200
        assert (await callbacks.post(ace())).status_code == 200
        assert_refused(await callbacks.post(ace(), headers=basic_headers(secret=OTHER_SECRET)))
        assert_refused(await callbacks.post(ace(), secret=OTHER_SECRET))


async def test_path_prefix_moves_the_callback() -> None:
    async with relay_client(path_prefix="sinch/") as http:
        callbacks = Callbacks(http, path="/sinch/callback")
        assert (await callbacks.post(ace())).status_code == 200
        assert (await callbacks.post(ace(), path="/sinch/callback/ace")).status_code == 200
        response = await callbacks.post(ace(), path="/callback")
        assert response.status_code == 404 and response.json()["errorCode"] == 40400


async def test_refusals_are_counted_and_never_published(app, http: httpx.AsyncClient, callbacks: Callbacks) -> None:
    subscriber = app.state.hub.subscribe()
    assert_refused(await callbacks.post(ace(), secret=OTHER_SECRET))
    health = (await http.get("/health")).json()
    assert health["refused"] == 1 and health["relayed"] == 0
    assert subscriber.queued == 0


async def test_refusal_reason_is_logged_not_answered(callbacks: Callbacks, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="relay")
    response = await callbacks.post(ace(), timestamp=now_stamp(datetime.now(UTC) - timedelta(hours=1)))
    assert_refused(response)
    assert "outside the allowed window" not in response.text
    assert "outside the allowed window" in caplog.text and response.json()["reference"] in caplog.text
    assert SECRET not in caplog.text


async def test_oversized_body_is_refused_before_reading_it(callbacks: Callbacks) -> None:
    big = body_of(ace(custom="x" * (2 * 1024 * 1024)))
    response = await callbacks.post(raw=big)
    assert response.status_code == 413 and response.json()["errorCode"] == 40001


async def test_get_on_the_callback_is_a_sinch_shaped_405(http: httpx.AsyncClient) -> None:
    response = await http.get("/callback")
    assert response.status_code == 405 and response.json()["errorCode"] == 40003
