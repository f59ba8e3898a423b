"""The client checks a number's E.164 shape only: whether the numbering plan knows it is the platform's call
(Sinch's own reference uses +14151112223333, which phonenumbers calls impossible)."""

from __future__ import annotations

import httpx
import pytest

from api import SinchVoiceClient, errors
from api.models.common import e164_syntax


@pytest.mark.parametrize(("typed", "sent"), [
    ("+14151112223333", "+14151112223333"),  # the Calling API reference's example number
    ("+3361234567890", "+3361234567890"),  # too long for France's plan, but E.164-shaped
    ("+33 1 23 45 67 89", "+33123456789"),  # a number the plan knows is formatted as before
    ("0046701234567", "+46701234567"),
])
def test_e164_shaped_numbers_pass(typed: str, sent: str) -> None:
    assert e164_syntax(typed) == sent


@pytest.mark.parametrize("typed", ["+4670", "+0123456789", "+1234567890123456", "+7\U0001d7d93\u06647203", "call me"])
def test_numbers_not_shaped_like_e164_are_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        e164_syntax(typed)


async def test_query_number_asks_the_platform_about_a_number_the_plan_does_not_know() -> None:
    asked: list[str] = []

    def platform(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        return httpx.Response(200, json={"numberItem": {"countryId": "US", "numberType": "Unknown",
                                                         "normalizedNumber": "+14151112223333"}})

    client = SinchVoiceClient("key", "c2VjcmV0", base_url="http://sinch.test",
                              http_client=httpx.AsyncClient(transport=httpx.MockTransport(platform)))
    async with client:
        info = await client.query_number("+14151112223333")
    assert asked == ["/v1/calling/query/number/+14151112223333"]
    assert info.country_id == "US"


async def test_the_client_still_refuses_what_is_no_number_before_sending() -> None:
    client = SinchVoiceClient("key", "c2VjcmV0", base_url="http://sinch.test",
                              http_client=httpx.AsyncClient(transport=httpx.MockTransport(
                                  lambda request: pytest.fail("nothing may be sent"))))
    async with client:
        with pytest.raises(errors.InvalidArgumentError, match="number"):
            await client.query_number("+4670")
