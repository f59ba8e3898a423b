"""Replays in another dress: the same verified callback with its Authorization written differently (a trailing
no-break space, NEL, spaces, the scheme's case) or its signed headers sent twice is still one callback.

Header values decode as latin-1, and `str.strip()` takes `\\xa0` and `\\x85` for whitespace: the verifier used
to strip them while the replay memory keyed on the raw header, so each dressed-up copy was a "new" callback
(200 and one more event, every time). Now the memory keys on exactly what verification checked, and an
Authorization that is not exactly `<scheme> <credentials>` is refused before any check.

Time is a fake clock handed to the app: nothing sleeps. The last test goes through uvicorn on 127.0.0.1, as
the reviewer's script did.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from relay_helpers import (
    CONTENT_TYPE,
    KEY,
    ace,
    assert_refused,
    basic_headers,
    body_of,
    dice,
    make_settings,
    now_stamp,
    signed_headers,
)

from relay import create_app, start_relay_thread
from relay.__main__ import parse_args
from relay.replay import MemoryReplayGuard

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC).timestamp()
STAMP = now_stamp(datetime.fromtimestamp(T0, UTC))
Headers = list[tuple[bytes, bytes]]


def latin1(headers: dict[str, str]) -> Headers:
    return [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]


def with_authorization(headers: Headers, value: str) -> Headers:
    return [(n, value.encode("latin-1") if n.lower() == b"authorization" else v) for n, v in headers]


def signed(body: bytes) -> tuple[Headers, str, str]:
    """The request's headers, its Authorization, and its signature."""
    headers = signed_headers(body, timestamp=STAMP)
    authorization = headers["Authorization"]
    return latin1(headers), authorization, authorization.rpartition(":")[2]


def _dressings(authorization: str, signature: str) -> dict[str, str]:
    scheme, _, credentials = authorization.partition(" ")
    return {
        "nbsp-trailing": authorization + "\xa0",
        "nel-trailing": authorization + "\x85",
        "two-nbsp-trailing": authorization + "\xa0\xa0",
        "nbsp-before-key": f"{scheme} \xa0{credentials}",
        "nbsp-leading": "\xa0" + authorization,
        "space-trailing": authorization + " ",
        "tab-trailing": authorization + "\t",
        "two-spaces": f"{scheme}  {credentials}",
        "tab-separator": f"{scheme}\t{credentials}",
        "scheme-lower": f"{scheme.lower()} {credentials}",
        "scheme-upper": f"{scheme.upper()} {credentials}",
        "scheme-mixed": f"{scheme[:3].upper()}{scheme[3:].lower()} {credentials}",
        "vertical-tab": authorization + "\x0b",
    }


SIGNED_DRESSINGS = list(_dressings("Application K:S", "S"))


class FakeClock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def app():  # type: ignore[no-untyped-def]
    clock = FakeClock()
    app = create_app(make_settings(), clock=clock, replays=MemoryReplayGuard(1000, clock))
    app.state.subscriber = app.state.hub.subscribe()
    return app


@pytest.fixture
async def http(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://relay") as client:
        yield client


async def post(http: httpx.AsyncClient, body: bytes, headers: Headers) -> int:
    return (await http.post("/callback", content=body, headers=headers)).status_code


@pytest.mark.parametrize("dressing", SIGNED_DRESSINGS)
async def test_a_dressed_up_copy_of_an_accepted_callback_is_refused(app, http: httpx.AsyncClient,
                                                                   dressing: str) -> None:
    body = body_of(dice())
    headers, authorization, signature = signed(body)
    dressed = with_authorization(headers, _dressings(authorization, signature)[dressing])
    statuses = [await post(http, body, headers)] + [await post(http, body, dressed) for _ in range(3)]
    assert statuses == [200, 401, 401, 401]
    assert app.state.subscriber.queued == 1  # one event fanned out, not four


@pytest.mark.parametrize("dressing", SIGNED_DRESSINGS)
async def test_a_dressed_up_callback_then_the_plain_one_is_still_one_callback(app, http: httpx.AsyncClient,
                                                                             dressing: str) -> None:
    body = body_of(dice())
    headers, authorization, signature = signed(body)
    dressed = with_authorization(headers, _dressings(authorization, signature)[dressing])
    statuses = [await post(http, body, dressed), await post(http, body, headers), await post(http, body, dressed),
                await post(http, body, headers)]
    assert statuses.count(200) <= 1 and set(statuses) <= {200, 401}
    assert app.state.subscriber.queued == statuses.count(200)


async def test_the_scheme_is_case_insensitive_as_in_sinch_docs(app, http: httpx.AsyncClient) -> None:
    # RFC 9110 section 11.1, and Sinch's own documented example says "application": the first one passes
    body = body_of(dice())
    headers, authorization, signature = signed(body)
    lower = with_authorization(headers, _dressings(authorization, signature)["scheme-lower"])
    assert [await post(http, body, lower), await post(http, body, headers)] == [200, 401]


@pytest.mark.parametrize("dressing", ["nbsp-trailing", "nel-trailing", "two-nbsp-trailing", "nbsp-before-key",
                                      "space-trailing", "two-spaces", "tab-separator", "vertical-tab"])
async def test_an_authorization_not_in_its_exact_form_is_refused_even_the_first_time(
        app, http: httpx.AsyncClient, dressing: str, caplog: pytest.LogCaptureFixture) -> None:
    body = body_of(dice())
    headers, authorization, signature = signed(body)
    response = await http.post("/callback", content=body,
                               headers=with_authorization(headers, _dressings(authorization, signature)[dressing]))
    assert_refused(response)
    assert "not in the form" in caplog.text and signature not in caplog.text
    assert app.state.subscriber.queued == 0


@pytest.mark.parametrize("twice", ["Authorization", "x-timestamp", "Content-Type"])
async def test_a_signed_header_sent_twice_is_refused(app, http: httpx.AsyncClient, twice: str,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    # which copy counts differs between proxies and frameworks: a verifier must not guess
    body = body_of(dice())
    headers, _, _ = signed(body)
    value = next(v for n, v in headers if n.lower() == twice.lower().encode())
    other = (twice.encode(), b"something else")
    for doubled in ([*headers, (twice.encode(), value)], [*headers, other], [other, *headers]):
        assert_refused(await http.post("/callback", content=body, headers=doubled))
    assert f"{twice.lower()} header more than once" in caplog.text
    assert app.state.subscriber.queued == 0
    assert await post(http, body, headers) == 200  # the plain one was never taken


@pytest.mark.parametrize("dressing", ["nbsp-trailing", "nel-trailing", "space-trailing", "scheme-lower",
                                      "scheme-upper", "two-spaces"])
async def test_a_dressed_up_basic_copy_is_refused(dressing: str) -> None:
    clock = FakeClock()
    app = create_app(make_settings(auth="basic"), clock=clock, replays=MemoryReplayGuard(1000, clock))
    subscriber = app.state.hub.subscribe()
    body = body_of(ace())
    headers = latin1(basic_headers())
    authorization = basic_headers()["Authorization"]
    dressed = with_authorization(headers, _dressings(authorization, "")[dressing])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://relay") as http:
        statuses = [await post(http, body, headers)] + [await post(http, body, dressed) for _ in range(3)]
    assert statuses == [200, 401, 401, 401]
    assert subscriber.queued == 1


def raw_post(port: int, body: bytes, authorization: bytes, stamp: str) -> bytes:
    """One request on a raw socket (the header bytes exactly as given), the status line of the answer."""
    signed_part = (f"POST /callback HTTP/1.1\r\nHost: relay\r\nContent-Length: {len(body)}\r\nConnection: close\r\n"
                   f"Content-Type: {CONTENT_TYPE}\r\nx-timestamp: {stamp}\r\n").encode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(signed_part + b"Authorization: " + authorization + b"\r\n\r\n" + body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer.split(b"\r\n", 1)[0]


async def test_the_reviewers_replays_through_uvicorn_get_401() -> None:
    # /tmp/rv/replay.py: the same dice with `\xa0`, `\x85` and two `\xa0` after the signature, through the server
    with start_relay_thread(make_settings()) as relay:
        subscriber = relay.hub.subscribe()
        body = body_of(dice(call_id="c-raw-1"))
        stamp = now_stamp()
        authorization = signed_headers(body, timestamp=stamp)["Authorization"].encode("latin-1")
        statuses = [await asyncio.to_thread(raw_post, relay.port, body, authorization + tail, stamp)
                    for tail in (b"", b"", b"\xa0", b"\x85", b"\xa0\xa0", b" ", b"\t")]
        assert statuses == [b"HTTP/1.1 200 OK"] + [b"HTTP/1.1 401 Unauthorized"] * 6
        assert subscriber.queued == 1
        assert KEY in authorization.decode()


def test_help_says_the_replay_memory_is_forgotten_on_restart(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "in memory only" in text and "a restart forgets" in text
