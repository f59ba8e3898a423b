"""A verified body must be strict JSON: no 100,000-deep nesting (was a 500 with a traceback), no NaN or Infinity
(were fanned out as non-standard JSON). Both are a 400 in the Sinch shape, logged, and never published."""

from __future__ import annotations

import json

import pytest
from relay_helpers import Callbacks, ace, body_of, make_settings

from relay import create_app
from relay.strict_json import MAX_DEPTH, NotStrictJson, load_object


@pytest.fixture
def app():  # type: ignore[no-untyped-def]
    app = create_app(make_settings(max_body=1024 * 1024))  # room for the 100,000 levels of the report
    app.state.subscriber = app.state.hub.subscribe()
    return app


def refused_as_bad_request(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 400, response.text
    assert response.json()["errorCode"] == 40001 and "Traceback" not in response.text


@pytest.mark.parametrize("raw", [
    b'{"event":"ace","a":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    b'{"event":"ace","a":' + b'{"b":' * 100_000 + b"1" + b"}" * 100_000 + b"}",
    b'{"event":"ace","a":' + b"[" * 100_000,  # unterminated as well
], ids=["arrays", "objects", "unterminated"])
async def test_deep_nesting_is_a_400_not_a_500(app, callbacks: Callbacks, raw: bytes,
                                               caplog: pytest.LogCaptureFixture) -> None:
    refused_as_bad_request(await callbacks.post(raw=raw))
    assert app.state.subscriber.queued == 0
    assert "nested deeper than" in caplog.text and "Traceback" not in caplog.text


@pytest.mark.parametrize("value", [b"NaN", b"Infinity", b"-Infinity", b"1e400", b"-1e400"])
async def test_non_finite_numbers_are_a_400(app, callbacks: Callbacks, value: bytes) -> None:
    raw = b'{"event":"ace","callId":"c-1","version":1,"x":' + value + b"}"
    refused_as_bad_request(await callbacks.post(raw=raw))
    assert app.state.subscriber.queued == 0


async def test_what_is_published_is_always_standard_json(app, callbacks: Callbacks) -> None:
    document = ace(custom='[[[[{{{{"quoted brackets"', amount=0.02, big=10**30, nested={"a": [[[{"b": [1]}]]]})
    assert (await callbacks.post(document)).status_code == 200
    message = await app.state.subscriber.next()
    json.loads(message, parse_constant=lambda name: pytest.fail(f"{name} in a published message"))
    assert json.loads(message)["event"] == document


def test_depth_limit_counts_nesting_outside_strings_only() -> None:
    inside = "[" * 1000 + '\\"' + "{" * 1000
    assert load_object(json.dumps({"s": inside}).encode()) == {"s": inside}
    assert load_object(b'{"a":' * MAX_DEPTH + b"1" + b"}" * MAX_DEPTH)
    with pytest.raises(NotStrictJson, match="deeper"):
        load_object(b'{"a":' * (MAX_DEPTH + 1) + b"1" + b"}" * (MAX_DEPTH + 1))


@pytest.mark.parametrize(("raw", "why"), [
    (b"\xff\xfe", "not JSON"), (b"[1]", "list"), (b'{"n": ' + b"9" * 5000 + b"}", "not JSON"), (b"", "not JSON"),
], ids=["not-utf8", "array", "5000-digits", "empty"])
def test_other_bodies_are_said_in_words(raw: bytes, why: str) -> None:
    with pytest.raises(NotStrictJson, match=why):
        load_object(raw)


def test_a_typical_callback_reads_as_before() -> None:
    assert load_object(body_of(ace())) == ace()
