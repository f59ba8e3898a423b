"""Configuration routes: numbers, callback URLs and query number."""

from __future__ import annotations

import pytest
from sandbox_helpers import Api, assert_error

from sandbox import DEMO_APPLICATION_KEY, Sandbox

OTHER_KEY = "11983f76-12c8-1111-9515-4785c7b49ca8"


@pytest.mark.parametrize("path", ["/v1/configuration/numbers", "/v1/configuration/numbers/",
                                  "/calling/v1/configuration/numbers"])
async def test_get_numbers(api: Api, path: str) -> None:
    response = await api.get(path)
    assert response.status_code == 200
    numbers = response.json()["numbers"]
    assert numbers[0] == {"number": "+46850512345", "applicationkey": DEMO_APPLICATION_KEY, "capability": "voice"}
    assert {"number": "+14155550132", "capability": "voice"} in numbers


@pytest.mark.parametrize("spelling", ["applicationkey", "applicationKey", "application_key"])
async def test_assign_and_unassign(api: Api, sandbox: Sandbox, spelling: str) -> None:
    body = {"numbers": ["+14155550132"], spelling: DEMO_APPLICATION_KEY, "capability": "voice"}
    assert (await api.post("/v1/configuration/numbers/", body)).status_code == 204
    assert sandbox.numbers.items["+14155550132"].application_key == DEMO_APPLICATION_KEY
    unassign = {"number": "+14155550132", "applicationKey": DEMO_APPLICATION_KEY, "capability": "voice"}
    assert (await api.delete("/v1/configuration/numbers", unassign)).status_code == 204
    assert sandbox.numbers.items["+14155550132"].application_key is None


async def test_assign_without_key_uses_the_signer(api: Api, sandbox: Sandbox) -> None:
    assert (await api.post("/v1/configuration/numbers", {"numbers": ["14155550132"]})).status_code == 204
    assert sandbox.numbers.items["+14155550132"].application_key == DEMO_APPLICATION_KEY
    assert (await api.delete("/v1/configuration/numbers", {"number": "+14155550132"})).status_code == 204


@pytest.mark.parametrize(("body", "code", "words"), [
    ({"numbers": ["+15005550006"]}, 40001, "not a number of this account"),
    ({"numbers": []}, 40001, "numbers"),
    ({}, 40002, "numbers"),
    ({"numbers": ["+14155550132"], "applicationkey": OTHER_KEY}, 40003, "Invalid Application Key"),
    ({"numbers": ["+33142685300"], "capability": "voice"}, 40001, "does not support"),
    ({"numbers": ["+14155550132"], "capability": "fax"}, 40001, "capability"),
    ({"numbers": ["banana"]}, 40001, "banana"),
])
async def test_assign_errors(api: Api, body: dict, code: int, words: str) -> None:
    assert_error(await api.post("/v1/configuration/numbers", body), 400, code, words)


async def test_unassign_errors(api: Api) -> None:
    not_assigned = {"number": "+14155550132"}
    assert_error(await api.delete("/v1/configuration/numbers", not_assigned), 400, 40001, "not assigned")
    assert_error(await api.delete("/v1/configuration/numbers", {}), 400, 40002, "number")
    assert_error(await api.delete("/v1/configuration/numbers", raw=b"nope"), 400, 40003)


async def test_callbacks(api: Api, sandbox: Sandbox) -> None:
    path = f"/v1/configuration/callbacks/applications/{DEMO_APPLICATION_KEY}"
    assert (await api.get(path)).json() == {"url": {}}
    body = {"url": {"primary": "https://primary.example.com/sinch", "fallback": "https://fallback.example.com"}}
    assert (await api.post(path, body)).status_code == 204
    assert (await api.get(path)).json() == body
    assert sandbox.callbacks.get(DEMO_APPLICATION_KEY)["primary"] == "https://primary.example.com/sinch"
    assert_error(await api.post(path, {"url": {"primary": "ftp://x"}}), 400, 40001, "url.primary")


async def test_callbacks_of_another_application_are_forbidden(api: Api) -> None:
    path = f"/v1/configuration/callbacks/applications/{OTHER_KEY}"
    assert_error(await api.get(path), 403, 40301)
    assert_error(await api.post(path, {"url": {"primary": "https://x.example.com"}}), 403, 40301)


@pytest.mark.parametrize(("number", "expected"), [
    ("+46730170101", ("SE", "Mobile", "+46730170101", False, 0.0368)),
    ("%2B46730170101", ("SE", "Mobile", "+46730170101", False, 0.0368)),
    ("+46(0)73-017-0101", ("SE", "Mobile", "+46730170101", False, 0.0368)),
    ("46730170101", ("SE", "Mobile", "+46730170101", False, 0.0368)),
    ("+14155552671", ("US", "Fixed", "+14155552671", False, 0.0085)),
    ("+442071838750", ("GB", "Fixed", "+442071838750", False, 0.014)),
    ("+4915112345678", ("DE", "Mobile", "+4915112345678", False, 0.042)),
    ("+19005550123", ("US", "Other", "+19005550123", True, 0.0255)),
    ("+46730176666", ("SE", "Mobile", "+46730176666", True, 0.0368)),
])
async def test_query_number(api: Api, number: str, expected: tuple) -> None:
    response = await api.get(f"/v1/calling/query/number/{number}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["numberItem"] == body["number"]
    item = body["numberItem"]
    assert (item["countryId"], item["numberType"], item["normalizedNumber"], item["restricted"],
            item["rate"]["amount"]) == expected
    assert item["rate"]["currencyId"] == "USD"


async def test_query_invalid_number(api: Api) -> None:
    assert_error(await api.get("/v1/calling/query/number/hello"), 400, 40001, "Invalid number specified")
    assert_error(await api.get("/v1/calling/query/number/+1"), 400, 40001)


async def test_query_number_path_is_decoded_once(api: Api) -> None:
    """`%2B` is a `+`; `%252B` is the three characters `%2B`, which is not a number."""
    assert (await api.get("/v1/calling/query/number/%2B46730170101")).status_code == 200
    assert_error(await api.get("/v1/calling/query/number/%252B46730170101"), 400, 40001)
