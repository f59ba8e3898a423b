"""Callouts: make the platform dial someone. Never retried blindly (see api.retry): a duplicate rings twice.

A callout that was sent but got no usable answer raises api.errors.OutcomeUnknownError: the call may be ringing.
That includes a 2xx whose callId cannot be read (too big, or not the documented body): the platform took it.
"""

from __future__ import annotations

from typing import Any

from api.errors import ResponseTooLargeError, ResponseValidationError
from api.models import (
    CalloutRequest,
    CalloutResponse,
    ConferenceCalloutRequest,
    CustomCalloutRequest,
    Destination,
    Svaml,
    TtsCalloutRequest,
)
from api.resources._base import Resource, build
from api.retry import Idempotency, outcome_unknown

CALLOUTS_PATH = "/calling/v1/callouts"


def _drop_none(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


class Callouts(Resource):
    """Each method validates its arguments into the request model (raising before anything is sent)."""

    async def _place(self, request: CalloutRequest) -> str:
        try:
            response = await self._client._request(
                "POST", CALLOUTS_PATH, body=request.to_wire(), idempotency=Idempotency.UNSAFE
            )
            return self._client._parse(response, CalloutResponse).call_id
        except (ResponseTooLargeError, ResponseValidationError) as exc:  # only a 2xx gets this far
            raise outcome_unknown("POST", CALLOUTS_PATH, f"it was accepted but the callId could not be read "
                                  f"({exc})", status=getattr(exc, "status", None), accepted=True) from None

    async def tts(
        self,
        destination: str | Destination,
        *,
        text: str | None = None,
        cli: str | None = None,
        locale: str = "en-US",
        prompts: str | None = None,
        dtmf: str | None = None,
        domain: str | None = None,
        custom: str | None = None,
        enable_ace: bool | None = None,
        enable_dice: bool | None = None,
        enable_pie: bool | None = None,
    ) -> str:
        """Call `destination` and speak `text` (or play `prompts`). Returns the call id."""
        tts = build(TtsCalloutRequest, _drop_none(
            destination=destination, text=text, cli=cli, locale=locale, prompts=prompts, dtmf=dtmf,
            domain=domain, custom=custom, enable_ace=enable_ace, enable_dice=enable_dice, enable_pie=enable_pie,
        ))
        return await self._place(CalloutRequest(method="ttsCallout", tts_callout=tts))

    async def conference(
        self,
        destination: str | Destination,
        *,
        conference_id: str,
        cli: str | None = None,
        greeting: str | None = None,
        locale: str | None = None,
        max_duration: int | None = None,
        dtmf: str | None = None,
        domain: str | None = None,
        custom: str | None = None,
        moh_class: str | None = None,
        enable_ace: bool | None = None,
        enable_dice: bool | None = None,
        enable_pie: bool | None = None,
        conference_dtmf_options: dict[str, Any] | None = None,
    ) -> str:
        """Call `destination` and put them in conference `conference_id` when they answer. Returns the call id."""
        conf = build(ConferenceCalloutRequest, _drop_none(
            destination=destination, conference_id=conference_id, cli=cli, greeting=greeting, locale=locale,
            max_duration=max_duration, dtmf=dtmf, domain=domain, custom=custom, moh_class=moh_class,
            enable_ace=enable_ace, enable_dice=enable_dice, enable_pie=enable_pie,
            conference_dtmf_options=conference_dtmf_options,
        ))
        return await self._place(CalloutRequest(method="conferenceCallout", conference_callout=conf))

    async def custom(
        self,
        destination: str | Destination | None = None,
        cli: str | None = None,
        ice: str | Svaml | dict[str, Any] | None = None,
        ace: str | Svaml | dict[str, Any] | None = None,
        pie: str | Svaml | dict[str, Any] | None = None,
        *,
        dice: str | None = None,
        dtmf: str | None = None,
        max_duration: int | None = None,
        domain: str | None = None,
        custom: str | None = None,
    ) -> str:
        """A callout steered per event by inline SVAML (a Svaml, a dict or a JSON string) or by URLs."""
        body = build(CustomCalloutRequest, _drop_none(
            destination=destination, cli=cli, ice=ice, ace=ace, pie=pie, dice=dice, dtmf=dtmf,
            max_duration=max_duration, domain=domain, custom=custom,
        ))
        return await self._place(CalloutRequest(method="customCallout", custom_callout=body))
