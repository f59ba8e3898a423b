"""`POST {prefix}/callback`: verify, refuse replays, parse, answer from the rules, publish; nothing in it waits
on subscribers (with a shared stream, it waits a moment for Redis to have the event, never for Redis to come
back: relay.stream).

Order matters: the body is read (bounded in size and in time) and verified before it is parsed, so an
unsigned request costs a hash and nothing else, and only verified callbacks enter the replay memory (a forger
cannot fill it). A verified body must be one strict JSON object (relay.strict_json: no NaN, no 100,000 levels
of nesting); such a body is always answered 200: an event type we do not know (Sinch adds them) or a known
one our models cannot read is logged, relayed as it came and given the safe default, because a 4xx would make
Sinch play an error and drop a real caller's call.

`{prefix}/callback/<anything>` is the same endpoint: custom callouts may name one URL per event (`.../ace`), and
the path is covered by the signature either way.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from pydantic import ValidationError
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from api.models.events import parse_callback_event
from relay.errors import CLOSE, error_response, new_reference
from relay.hub import Hub
from relay.messages import event_body, event_message
from relay.replay import Clock, ReplayGuard, ReplayMemoryFull, content_key, replay_key
from relay.rules import CallbackEvent, Rules
from relay.settings import RelaySettings
from relay.strict_json import NotStrictJson, load_object
from relay.verify import verify_callback

if TYPE_CHECKING:  # imported by the app only with --redis-url (it brings redis-py)
    from relay.stream import EventStream

log = logging.getLogger("relay.callback")
KNOWN_TYPES = ("ice", "ace", "dice", "pie", "notify")
MAX_TYPE_LENGTH = 32
BACKSTOP_GRACE = 1.0
"""Served by sinch-relay, the protocol's body deadline (relay.limits, --read-timeout from the headers) cuts first;
this one, that much later, is for the app run under another server."""


@dataclass
class CallbackStats:
    """Counters for `/health`: callbacks refused (replays included), accepted ones whose type or shape we did
    not know, replays, retries of an event already in a team's stream (answered, not relayed twice), callbacks
    that verified only with the previous secret (0 for a while: rotation done), and bodies cut off for not
    arriving within the read timeout."""

    refused: int = 0
    unparsed: int = 0
    replayed: int = 0
    retried: int = 0
    previous_secret: int = 0
    slow_bodies: int = 0


class BodyTooLarge(Exception):
    pass


def callback_endpoint(settings: RelaySettings, rules: Rules, hub: Hub, stats: CallbackStats, *,
                      replays: ReplayGuard, clock: Clock,
                      stream: EventStream | None = None) -> Callable[[Request], Awaitable[Response]]:
    async def callback(request: Request) -> Response:
        try:
            async with asyncio.timeout(settings.read_timeout + BACKSTOP_GRACE):
                body = await _read_body(request, settings.max_body)
        except BodyTooLarge:
            return error_response(40001, "Invalid request: the body is too large", status=413, headers=CLOSE)
        except TimeoutError:
            stats.slow_bodies += 1
            log.info("cut off a callback whose body did not arrive within %ss", settings.read_timeout + BACKSTOP_GRACE)
            return error_response(40001, "Invalid request: the body did not arrive in time", status=408,
                                  headers=CLOSE)
        except ClientDisconnect:  # gone before its body was whole: nobody to answer, nothing to log loudly
            log.debug("a client left before sending its whole callback body")
            return error_response(40001, "Invalid request: the body was not sent", headers=CLOSE)
        path = _raw_path(request)
        headers = [(name.decode("latin-1").lower(), value.decode("latin-1"))
                   for name, value in request.scope.get("headers", [])]
        now = datetime.fromtimestamp(clock(), UTC)
        verdict = verify_callback(settings, headers=headers, path=path, body=body, now=now)
        if not verdict.ok:
            return _refuse(stats, path, verdict.reason)
        key, expires_at = replay_key(verdict, path=path, body=body, max_age=settings.max_age, now=now)
        if stream is None:  # with a shared stream, the replay check travels with the event (relay.stream)
            refusal = await _check_replay(replays, key, expires_at, stats, path)
            if refusal is not None:
                return refusal
            _note_previous_secret(verdict.previous, stats)
        try:
            document = load_object(body)
        except NotStrictJson as exc:
            log.warning("answered 400 to a verified callback to %s: its body is %s", path, exc)
            return error_response(40001, "Invalid request: a callback body is one JSON object")
        kind, event = classify(document, body, stats)
        answer = rules.answer(kind, event)
        if stream is None:
            hub.publish(event_message(kind=kind, seq=hub.next_seq, event=document, answer=answer.svaml,
                                      rule=answer.rule))
        else:  # every relay of the team fans it out once it is in the stream, this one included
            outcome = await stream.publish(event_body(kind=kind, event=document, answer=answer.svaml,
                                                      rule=answer.rule), key, content_key(path=path, body=body),
                                           expires_at)
            refusal = None
            if outcome == "replay":
                stats.replayed += 1
                refusal = _refuse(stats, path, "a replay: this signed callback was already accepted")
            elif outcome == "retry":  # a retry of an event already in the stream: answered, not relayed twice
                stats.retried += 1
            elif outcome == "pending":  # Redis did not say: this relay's own memory does
                refusal = await _check_replay(replays, key, expires_at, stats, path)
            if refusal is not None:
                return refusal
            _note_previous_secret(verdict.previous, stats)
        if answer.svaml is None:
            return Response(status_code=200)
        return Response(answer.body, media_type="application/json")

    return callback


def _note_previous_secret(previous: bool, stats: CallbackStats) -> None:
    if previous:
        stats.previous_secret += 1
        log.info("accepted a callback signed with the previous application secret")


async def _check_replay(replays: ReplayGuard, key: str, expires_at: float, stats: CallbackStats,
                        path: str) -> Response | None:
    """None for a callback seen the first time; else the answer refusing it."""
    try:
        first = await replays.seen_first(key, expires_at)
    except ReplayMemoryFull as exc:
        reference = new_reference()
        log.error("refused a callback to %s: %s; raise it or lower --max-age (reference %s)", path, exc, reference)
        return error_response(50300, "Service unavailable: try again later", reference=reference)
    if first:
        return None
    stats.replayed += 1
    return _refuse(stats, path, "a replay: this signed callback was already accepted")


def _refuse(stats: CallbackStats, path: str, reason: str) -> Response:
    stats.refused += 1
    reference = new_reference()
    # the reason stays here, for the operator: the caller only learns that it was refused
    log.warning("refused a callback to %s: %s (reference %s)", path, reason, reference)
    return error_response(40108, "Invalid credentials", reference=reference)


def classify(document: dict[str, object], body: bytes, stats: CallbackStats) -> tuple[str, CallbackEvent | None]:
    """The callback's type (lower case, "unknown" without one) and its parsed model, None when it did not parse."""
    raw = document.get("event")
    kind = raw.strip().lower()[:MAX_TYPE_LENGTH] if isinstance(raw, str) and raw.strip() else "unknown"
    try:
        return kind, parse_callback_event(body)
    except ValidationError as exc:
        stats.unparsed += 1
        if kind in KNOWN_TYPES:
            problem = exc.errors()[0]
            log.warning("accepted a %s callback the models could not read (%s at %s); answered with the default",
                        kind, problem["msg"], ".".join(str(part) for part in problem["loc"]))
        else:
            log.warning("accepted a callback of unknown event type %r; relayed, answered with an empty 200", kind)
        return kind, None


async def _read_body(request: Request, limit: int) -> bytes:
    """The raw body; BodyTooLarge once it is larger than `limit` (checked before reading all of it)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _raw_path(request: Request) -> str:
    """The path exactly as sent (the one Sinch signed), without the query."""
    raw = request.scope.get("raw_path")
    if raw:
        return raw.decode("latin-1").split("?", 1)[0]
    return request.scope.get("root_path", "") + request.scope["path"]
