"""SinchVoiceClient: the async entry point to the Calling API v1.

It owns what every request shares: the two origins (regional traffic host, global configuration host),
signing each attempt afresh, retries by idempotency (api.retry), mapping every failure to api.errors and a
trace record per attempt (api.trace). The resource classes in api.resources only build paths and bodies.

Two limits hold whatever the server does (api.limits): a body is read up to `max_response_bytes` (10 MiB) and
an attempt must be answered, body included, within `deadline` seconds (30 s), however slowly the bytes drip.
A streamed download's body is exempt from both: it goes to disk piece by piece and may take long.

Downloads may take another HTTP client than the other requests (`downloads_on_default_transport`): a console
on the local sandbox keeps httpx's own transport for its polls (no aiohttp to import at start-up) but streams
recordings through the default one, whose big body pieces more than double the throughput.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from functools import cached_property
from time import perf_counter
from typing import TYPE_CHECKING, Any, Literal, TypeVar
from urllib.parse import urlencode, urlsplit

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from api import auth
from api.auth import basic_authorization as auth_basic
from api.errors import APIError, ResponseTooLargeError, ResponseValidationError, error_from_response
from api.limits import DEFAULT_DEADLINE, DEFAULT_MAX_RESPONSE_BYTES, DeadlineExceeded, answer_within
from api.models import NumberInfo, QueryNumberResponse
from api.regions import REGIONS
from api.resources._base import e164, path_segment
from api.retry import (
    Idempotency,
    RetryPolicy,
    deadline_error,
    leaked_errors,
    leaves_outcome_unknown,
    outcome_unknown,
    transport_error,
)
from api.trace import TraceHook, Tracer, TraceRecord, body_text

if TYPE_CHECKING:
    from api.resources import Callbacks, Callouts, Calls, Conferences, Numbers, Recordings

# Everything a send can raise without an answer: httpx's errors and what its transports let through.
CONFIG_ORIGIN = "https://callingapi.sinch.com"
JSON_CONTENT_TYPE = "application/json; charset=UTF-8"

T = TypeVar("T")


def traffic_origin(region: str) -> str:
    """The traffic (call management) origin for a region; "global" lets Sinch pick the region."""
    if region not in REGIONS:
        raise ValueError(f"unknown region {region!r}; use one of {', '.join(REGIONS)}")
    return "https://calling.api.sinch.com" if region == "global" else f"https://calling-{region}.api.sinch.com"


class _Secret:
    """Holds the application secret so no repr, vars() dump or debugger view shows it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return auth.REDACTED


class SinchVoiceClient:
    """Async client for the Sinch Calling API v1. Use `async with` (or `await aclose()`) to release sockets.

    `region` picks the traffic host; `base_url` replaces it (and the configuration host too, unless
    `config_base_url` is given: the sandbox serves both from one origin). `auth="basic"` sends the secret
    in every request and is meant for quick tests; "signed" never sends it. `max_retries` overrides the
    one in `retry_policy` (whose sleep and jitter tests replace). `on_trace` receives one TraceRecord per
    attempt; the last `trace_limit` records are kept in `trace`. `http_client` is used as given and left
    open on close; by default the client creates (and closes) httpx on the aiohttp transport.
    `downloads_on_default_transport=True` streams downloads through such a default client even when
    `http_client` is given (created by the first download, closed by `aclose`): httpx's own transport hands a
    body over 64 KiB at a time, at about half the default's throughput (bench/download.py). The limits, the
    retries and the part-file handling are the same either way; only the transport differs.

    `max_response_bytes` caps the body read of any answer (ResponseTooLargeError beyond it; an error answer
    beyond it is mapped from its status alone); `deadline` is the most seconds one attempt may take from
    sending to the last byte of its body (APITimeoutError, or OutcomeUnknownError for a callout or manage call),
    unlike `timeout`, which httpx applies to each connect, write and read separately. None turns either off.
    """

    def __init__(
        self,
        application_key: str,
        application_secret: str,
        region: str = "global",
        base_url: str | None = None,
        config_base_url: str | None = None,
        auth: Literal["signed", "basic"] = "signed",
        timeout: float | httpx.Timeout = 10.0,
        max_retries: int = 2,
        http_client: httpx.AsyncClient | None = None,
        *,
        retry_policy: RetryPolicy | None = None,
        on_trace: TraceHook | None = None,
        trace_limit: int = 200,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        deadline: float | None = DEFAULT_DEADLINE,
        downloads_on_default_transport: bool = False,
    ) -> None:
        if not application_key:
            raise ValueError("application_key is required")
        if not application_secret:
            raise ValueError("application_secret is required")
        if auth not in ("signed", "basic"):
            raise ValueError("auth must be 'signed' or 'basic'")
        if auth == "signed":
            _check_secret(application_secret)
        if max_response_bytes is not None and max_response_bytes < 1:
            raise ValueError("max_response_bytes must be a positive number of bytes (or None for no limit)")
        if deadline is not None and not deadline > 0:
            raise ValueError("deadline must be a positive number of seconds (or None for none)")
        self.max_response_bytes = max_response_bytes
        self.deadline = deadline
        self.application_key = application_key
        self._secret = _Secret(application_secret)
        self.region = region
        self.auth = auth
        regional = traffic_origin(region)  # validates the region even when base_url overrides it
        self.traffic_origin = _origin(base_url or regional, "base_url")
        self.config_origin = _origin(config_base_url or base_url or CONFIG_ORIGIN, "config_base_url")
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self.retry_policy = dataclasses.replace(retry_policy or RetryPolicy(), max_retries=max(0, max_retries))
        self.tracer = Tracer(on_trace, trace_limit)
        self._owns_http = http_client is None
        self._http = http_client or _default_http_client(self.timeout)
        # None until the first download needs it: aiohttp is imported then, not when the client is built
        self._download_http: httpx.AsyncClient | None = None
        self._downloads_apart = downloads_on_default_transport and http_client is not None
        self._basic = _Secret(auth_basic(application_key, application_secret)) if auth == "basic" else None

    # The API areas, each built when first used: a console watching a conference loads no callout, recording
    # or number models (~15 ms of start-up).
    @cached_property
    def callouts(self) -> Callouts:
        from api.resources.callouts import Callouts

        return Callouts(self)

    @cached_property
    def calls(self) -> Calls:
        from api.resources.calls import Calls

        return Calls(self)

    @cached_property
    def conferences(self) -> Conferences:
        from api.resources.conferences import Conferences

        return Conferences(self)

    @cached_property
    def recordings(self) -> Recordings:
        from api.resources.recordings import Recordings

        return Recordings(self)

    @cached_property
    def numbers(self) -> Numbers:
        from api.resources.numbers import Numbers

        return Numbers(self)

    @cached_property
    def callbacks(self) -> Callbacks:
        from api.resources.callbacks import Callbacks

        return Callbacks(self)

    def __repr__(self) -> str:
        return f"SinchVoiceClient(application_key={self.application_key!r}, region={self.region!r})"

    @property
    def trace(self) -> list[TraceRecord]:
        """The most recent trace records, oldest first."""
        return list(self.tracer.records)

    async def __aenter__(self) -> SinchVoiceClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP clients we created; an injected one belongs to the caller."""
        if self._owns_http:
            await self._http.aclose()
        if self._download_http is not None:
            await self._download_http.aclose()
            self._download_http = None

    def http_for(self, *, stream: bool) -> httpx.AsyncClient:
        """The HTTP client a request goes through: a streamed download's own when it has one (see the class)."""
        if not (stream and self._downloads_apart):
            return self._http
        if self._download_http is None:
            self._download_http = _default_http_client(self.timeout)
        return self._download_http

    async def query_number(self, number: str) -> NumberInfo:
        """What a number is (country, type, normalised form) and the rate to call it."""
        path = f"/v1/calling/query/number/{path_segment(e164(number), 'number')}"
        response = await self._request("GET", path, config=True)
        return self._parse(response, QueryNumberResponse).number_item

    # ---- the shared request path (used by api.resources) -------------------------------------------------

    async def _request(
        self,
        method: str,
        path: str,
        *,
        config: bool = False,
        body: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        idempotency: Idempotency = Idempotency.SAFE,
        stream: bool = False,
    ) -> httpx.Response:
        """Send with signing, retries, error mapping and tracing. Returns a 2xx response, else raises."""
        content = None if body is None else json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
        url = (self.config_origin if config else self.traffic_origin) + path
        if query:
            url += "?" + urlencode(query)
        policy = self.retry_policy
        http = self.http_for(stream=stream)
        attempt = 0
        while True:
            attempt += 1
            request = http.build_request(method, url, content=content, timeout=self.timeout)
            self._authorize(request, content)
            request.headers["Accept-Encoding"] = "identity"  # a compressed body could expand past the size cap
            started = perf_counter()
            try:
                response = await answer_within(http, request, stream=stream, deadline=self.deadline,
                                               max_bytes=self.max_response_bytes)
            except ResponseTooLargeError as exc:
                self._trace(request, exc.status, None, started, attempt, False, error="ResponseTooLargeError")
                raise
            except DeadlineExceeded:
                self._trace(request, None, None, started, attempt, False, error="DeadlineExceeded")
                raise deadline_error(method, request.url.path, self.deadline, idempotency) from None
            except leaked_errors() as exc:
                retry = attempt <= policy.max_retries and policy.retry_error(idempotency, exc)
                self._trace(request, None, None, started, attempt, retry, error=type(exc).__name__)
                if not retry:
                    raise transport_error(exc, method, request.url.path, idempotency) from None
                await policy.sleep(policy.delay(attempt))
                continue
            if 200 <= response.status_code < 300:
                self._trace(request, response.status_code, None, started, attempt, False)
                return response
            error = error_from_response(response)
            if idempotency is Idempotency.UNSAFE and leaves_outcome_unknown(response.status_code, error.error_code):
                self._trace(request, response.status_code, error.error_code, started, attempt, False)
                raise outcome_unknown(method, request.url.path, f"the answer was {_status_words(error)}",
                                      status=response.status_code) from None
            wait = policy.retry_response(idempotency, response, attempt)
            self._trace(request, response.status_code, error.error_code, started, attempt, wait is not None)
            if wait is None:
                raise error
            await policy.sleep(wait)

    def _authorize(self, request: httpx.Request, content: bytes | None) -> None:
        """Sign this attempt over the exact bytes and raw path httpx will put on the wire."""
        if content is not None:
            request.headers["Content-Type"] = JSON_CONTENT_TYPE
        if self._basic is not None:
            request.headers["Authorization"] = self._basic.reveal()
            return
        timestamp = auth.utc_timestamp()
        signature = auth.sign_request(
            self._secret.reveal(),
            method=request.method,
            path=request.url.raw_path.split(b"?", 1)[0].decode("ascii"),
            body=content,
            content_type=JSON_CONTENT_TYPE if content is not None else "",
            timestamp=timestamp,
        )
        request.headers["x-timestamp"] = timestamp
        request.headers["Authorization"] = auth.application_authorization(self.application_key, signature)

    def _trace(self, request: httpx.Request, status: int | None, error_code: int | None, started: float,
               attempt: int, will_retry: bool, error: str | None = None) -> None:
        body, truncated = body_text(request.content)  # set from bytes in _request: always readable
        scheme = request.headers.get("authorization", "").partition(" ")[0] or None
        self.tracer.emit(TraceRecord(
            method=request.method,
            path=request.url.raw_path.decode("ascii"),
            status=status,
            error_code=error_code,
            latency_ms=(perf_counter() - started) * 1000,
            attempt=attempt,
            request_headers=Tracer.safe_headers(request.headers),
            error=error,
            will_retry=will_retry,
            origin=f"{request.url.scheme}://{request.url.netloc.decode('ascii')}",
            body=body,
            body_truncated=truncated,
            auth_scheme=scheme,
        ))

    @staticmethod
    def _parse(response: httpx.Response, model: type[T] | TypeAdapter[T]) -> T:
        """Validate a 2xx body; a mismatch becomes ResponseValidationError naming the field."""
        adapter = model if isinstance(model, TypeAdapter) else None
        try:
            if adapter is not None:
                return adapter.validate_json(response.content or b"null")
            assert isinstance(model, type) and issubclass(model, BaseModel)
            return model.model_validate_json(response.content or b"{}")
        except ValidationError as exc:
            raise _validation_error(exc, model, response) from None


def _status_words(error: APIError) -> str:
    """"HTTP 503" or "HTTP 503: Service unavailable (50000)"."""
    return f"HTTP {error.status}" + ("" if error.message == f"HTTP {error.status}" else f": {error}")


def _origin(url: str, what: str) -> str:
    """A base URL without its trailing slash; refused at once when it could never be reached."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"{what} must be an http(s) URL such as https://calling.api.sinch.com, not {url!r}")
    return url.rstrip("/")


def _check_secret(secret: str) -> None:
    auth._secret_key(secret)  # raises a ValueError that does not quote the secret


def _default_http_client(timeout: httpx.Timeout) -> httpx.AsyncClient:
    """httpx on aiohttp's connection handling: about 2x the requests/s of httpx's own transport here."""
    from api.transport import Transport

    return httpx.AsyncClient(transport=Transport(), timeout=timeout,
                             headers={"User-Agent": "sinch-console-api/0.1"})


def _validation_error(exc: ValidationError, model: object, response: httpx.Response) -> ResponseValidationError:
    name = getattr(model, "__name__", None) or str(getattr(model, "_type", "response"))
    first = exc.errors(include_url=False)[0]
    field = ".".join(str(part) for part in first.get("loc", ())) or "(body)"
    text = response.content.decode("utf-8", errors="replace")
    message = f"unexpected {name} from Sinch: field {field}: {first.get('msg')}"
    return ResponseValidationError(message, body=text, field=field)
