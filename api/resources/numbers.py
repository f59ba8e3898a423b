"""Numbers of the account and which application answers them (configuration host)."""

from __future__ import annotations

from collections.abc import Sequence

from api.models import AssignNumbersRequest, NumberList, NumbersList, UnassignNumberRequest
from api.resources._base import Resource, build

NUMBERS_PATH = "/v1/configuration/numbers"


class Numbers(Resource):
    """Assigning and unassigning set state (doing it twice changes nothing), so they retry like reads."""

    async def list(self) -> NumberList:
        """The account's numbers: a plain list (of NumberItem) that renders as a table in a notebook."""
        response = await self._client._request("GET", NUMBERS_PATH, config=True)
        return NumberList(self._client._parse(response, NumbersList).numbers)

    async def assign(
        self, numbers: str | Sequence[str], application_key: str | None = None, capability: str | None = None
    ) -> None:
        """Route `numbers` (one or several) to an application (this client's when not given)."""
        body = build(AssignNumbersRequest, {
            "numbers": [numbers] if isinstance(numbers, str) else [*numbers],
            "application_key": application_key or self._client.application_key,
            "capability": capability,
        })
        await self._client._request("POST", NUMBERS_PATH, config=True, body=body.to_wire())

    async def unassign(
        self, number: str, application_key: str | None = None, capability: str | None = None
    ) -> None:
        """Detach `number` from an application. The API takes a JSON body on this DELETE."""
        body = build(UnassignNumberRequest, {
            "number": number,
            "application_key": application_key or self._client.application_key,
            "capability": capability,
        })
        await self._client._request("DELETE", NUMBERS_PATH, config=True, body=body.to_wire())
