"""Every failure becomes a typed api.errors exception; no raw httpx/aiohttp/pydantic error escapes."""

from __future__ import annotations

import httpx
import pytest

from api import errors
from tests.api.conftest import KEY, SECRET, reply

CASES = [
    (400, 40001, errors.BadRequestError),
    (400, 40002, errors.BadRequestError),
    (400, 40003, errors.BadRequestError),
    (401, 40108, errors.AuthenticationError),
    (403, 40301, errors.PermissionDeniedError),
    (404, 40400, errors.NotFoundError),
    (500, 50000, errors.ServerError),
]


@pytest.mark.parametrize(("status", "code", "cls"), CASES)
async def test_error_codes_map_to_typed_errors(make_client, status, code, cls):
    client, sent = make_client(reply(status, {"errorCode": code, "message": "nope", "reference": "ref-1"}),
                               max_retries=0)
    with pytest.raises(cls) as caught:
        await client.conferences.get("room")
    err = caught.value
    assert (err.status, err.error_code, err.message, err.reference) == (status, code, "nope", "ref-1")
    assert err.method == "GET" and err.path == "/calling/v1/conferences/id/room"
    assert len(sent.sent) == 1


async def test_429_is_rate_limit_with_retry_after(make_client):
    client, _ = make_client(reply(429, {"message": "slow down"}, {"Retry-After": "7"}), max_retries=0)
    with pytest.raises(errors.RateLimitError) as caught:
        await client.calls.get("c1")
    assert caught.value.retry_after == 7.0 and caught.value.status == 429


async def test_non_json_502_is_server_error(make_client):
    client, _ = make_client(reply(502, raw=b"<html>Bad gateway</html>", headers={"content-type": "text/html"}),
                            max_retries=0)
    with pytest.raises(errors.ServerError) as caught:
        await client.calls.get("c1")
    assert caught.value.status == 502 and caught.value.error_code is None


async def test_timeout_becomes_api_timeout_error(make_client):
    client, _ = make_client(httpx.ReadTimeout("slow"), max_retries=0)
    with pytest.raises(errors.APITimeoutError):
        await client.conferences.get("room")


async def test_connect_error_becomes_api_connection_error(make_client):
    client, _ = make_client(httpx.ConnectError("refused"), max_retries=0)
    with pytest.raises(errors.APIConnectionError) as caught:
        await client.conferences.get("room")
    assert not isinstance(caught.value, errors.APITimeoutError)
    assert caught.value.__cause__ is None  # no httpx request (with its Authorization header) rides along


async def test_leaked_os_error_is_mapped(make_client):
    client, _ = make_client(ConnectionResetError("reset"), max_retries=0)
    with pytest.raises(errors.APIConnectionError):
        await client.conferences.get("room")


async def test_aiohttp_errors_through_real_transport_are_mapped():
    """A refused loopback port via the default aiohttp transport: connection error, not a timeout."""
    import socket

    from api import SinchVoiceClient

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again at once: nothing listens there
    async with SinchVoiceClient(KEY, SECRET, base_url=f"http://127.0.0.1:{port}", max_retries=0) as client:
        with pytest.raises(errors.APIConnectionError) as caught:
            await client.conferences.get("room")
    assert not isinstance(caught.value, errors.APITimeoutError)


async def test_malformed_2xx_body_names_the_field(make_client):
    client, _ = make_client(reply(200, {"participants": [{"cli": "+46708168731", "duration": "long"}]}))
    with pytest.raises(errors.ResponseValidationError) as caught:
        await client.conferences.get("room")
    assert "participants.0" in str(caught.value)
    assert caught.value.field is not None and caught.value.field.startswith("participants.0.")


async def test_non_json_2xx_body_is_response_validation_error(make_client):
    client, _ = make_client(reply(200, raw=b"not json"))
    with pytest.raises(errors.ResponseValidationError):
        await client.calls.get("c1")


async def test_callout_without_call_id_is_outcome_unknown(make_client):
    """A 2xx means the platform took the callout: without its callId the call is ringing somewhere unseen."""
    client, _ = make_client(reply(200, {"id": "x"}))
    with pytest.raises(errors.OutcomeUnknownError) as caught:
        await client.callouts.tts("+46708168731", text="hi")
    assert "field callId" in str(caught.value) and caught.value.accepted


async def test_unknown_response_fields_are_tolerated(make_client):
    body = {"participants": [{"cli": "+46708168731", "id": "abc", "duration": 3, "muted": True,
                              "onhold": False, "newField": {"x": 1}}], "somethingNew": True}
    client, _ = make_client(reply(200, body))
    conference = await client.conferences.get("room")
    assert conference.participants[0].call_id == "abc" and conference.participants[0].muted


async def test_error_hierarchy_aliases():
    assert errors.TimeoutError is errors.APITimeoutError
    assert issubclass(errors.APITimeoutError, errors.APIConnectionError)
    assert issubclass(errors.DownloadExistsError, FileExistsError)
    assert issubclass(errors.DownloadExistsError, errors.SinchError)
