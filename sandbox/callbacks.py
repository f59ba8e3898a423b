"""Signed callbacks from the sandbox to the application's callback URL, and the SVAML they are answered with.

    ICE     an inbound call arrives (a dial-in to a room), or a custom callout is placed
    ACE     an outbound callout is answered               (not when the callout said enableAce: false)
    DiCE    any call ends: result, reason, duration, debit (not when the callout said enableDice: false)
    PIE     keys pressed in an IVR menu (runMenu: sandbox.menus), or by a participant of a room with DTMF
            detection (conferenceDtmfOptions mode detect)
    Notify  a recording became available (type `recording_finished`)

The engine builds each body at the moment the event happens (so a DiCE carries the call as it ended) and
hands it to `CallbackDispatcher.emit`, which only puts it in a bounded queue: the engine and the request
handlers never wait on the network. One daemon thread drains the queue: it signs each body as Sinch does
(`Authorization: Application {key}:{signature}` + `x-timestamp`, over the exact bytes and the URL's path),
POSTs it with a short timeout, tries the fallback URL once when the primary fails, counts what happened
(`/_sandbox/state` -> `callbackDelivery`) and hands any SVAML answer back to the engine to apply
(`Sandbox.apply_callback_answer`). Nothing here raises into the engine.

The engine is lazy (events run when a request ticks it), so while a callback URL is configured and the clock
is real, a ticker thread ticks it every half second: the demo's events reach the callback URL in real time.
With a manual clock tests move time themselves and call `flush()` to wait for deliveries and answers.

httpx is imported on the first delivery only: a sandbox without a callback URL never loads it.
The x-timestamp is wall-clock time (a receiver checks it against its own clock); the `timestamp` in the
body is the sandbox's (possibly virtual) time of the event.
"""

from __future__ import annotations

import contextlib
import json
import logging
import queue
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from api.auth import application_authorization, sign_request, utc_timestamp
from sandbox.clock import wire_time
from sandbox.rates import CURRENCY
from sandbox.stores import CallbackStore

if TYPE_CHECKING:
    from sandbox.engine import Sandbox
    from sandbox.state import Call, Recording

log = logging.getLogger("sandbox.callbacks")

EVENT_VERSION = 1
QUEUE_SIZE = 1000
SEND_TIMEOUT = 3.0
TICK_SECONDS = 0.5
CONTENT_TYPE = "application/json; charset=utf-8"
KINDS = ("ice", "ace", "dice", "pie", "notify")
ANSWERED_KINDS = ("ice", "ace", "pie")  # Sinch ignores what a DiCE or a Notify is answered with


# ---- bodies ------------------------------------------------------------------------------------------------


def _money(amount: float) -> dict[str, Any]:
    return {"currencyId": CURRENCY, "amount": amount}


def _base(kind: str, call_id: str, application_key: str, at: datetime, custom: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"event": kind, "callId": call_id, "timestamp": wire_time(at), "version": EVENT_VERSION}
    if custom is not None:
        body["custom"] = custom
    body["applicationKey"] = application_key
    return body


def ice_body(call: Call, at: datetime, *, base_url: str | None = None, custom: Any = None) -> dict[str, Any]:
    """An inbound call (`cli` calls `to`), or a server callout about to be connected."""
    body = _base("ice", call.call_id, call.application_key, at, custom if custom is not None else call.custom)
    if base_url:
        body["callResourceUrl"] = f"{base_url.rstrip('/')}/calling/v1/calls/id/{call.call_id}"
    body |= {
        "userRate": _money(call.rate),
        "cli": call.cli or "",
        "to": dict(call.to),
        "domain": call.domain,
        "originationType": "pstn" if call.domain == "pstn" else "mxp",
        "rdnis": "",
        "callHeaders": [],
    }
    return body


def ace_body(call: Call, at: datetime) -> dict[str, Any]:
    return _base("ace", call.call_id, call.application_key, at, call.custom) | {
        "amd": {"status": "human", "reason": "", "duration": 0}
    }


def dice_body(call: Call, at: datetime) -> dict[str, Any]:
    """How the call ended and what it cost (the call must already be FINAL)."""
    return _base("dice", call.call_id, call.application_key, at, call.custom) | {
        "reason": call.reason,
        "result": call.result,
        "debit": _money(call.debit(at)),
        "userRate": _money(call.rate),
        "to": dict(call.to),
        "from": call.cli or "",
        "duration": call.duration(at),
    }


def pie_body(call: Call, at: datetime, *, menu_id: str, value: str, result_type: str = "sequence") -> dict[str, Any]:
    return _base("pie", call.call_id, call.application_key, at, call.custom) | {
        "menuResult": {"menuId": menu_id, "type": result_type, "value": value, "inputMethod": "dtmf"}
    }


def notify_body(recording: Recording, application_key: str, at: datetime, *, base_url: str | None = None,
                custom: Any = None) -> dict[str, Any]:
    body = _base("notify", recording.call_id, application_key, at, custom) | {
        "type": "recording_finished",
        "recordingKey": recording.key,
    }
    if base_url:
        body["destination"] = recording.to_wire(base_url)["url"]
    return body


# ---- delivery ----------------------------------------------------------------------------------------------


@dataclass
class DeliveryStats:
    """What happened to the callbacks sent so far (shown in /_sandbox/state as `callbackDelivery`)."""

    queued: int = 0
    sent: int = 0
    failed: int = 0
    dropped: int = 0
    answered: int = 0
    fallback_used: int = 0
    last_error: str | None = None
    by_kind: dict[str, int] = field(default_factory=dict)

    def to_wire(self, pending: int) -> dict[str, Any]:
        return {"queued": self.queued, "sent": self.sent, "failed": self.failed, "dropped": self.dropped,
                "answered": self.answered, "fallbackUsed": self.fallback_used, "pending": pending,
                "lastError": self.last_error, "sentByType": dict(self.by_kind)}


@dataclass(frozen=True)
class Outgoing:
    """One callback, ready to send: the exact body bytes are what gets signed."""

    kind: str
    call_id: str
    application_key: str
    body: bytes
    urls: tuple[str, ...]


class CallbackUrls(CallbackStore):
    """The callback URL store, telling the dispatcher when a URL is configured (to start the ticker)."""

    def __init__(self, on_change: Any = None) -> None:
        super().__init__()
        self.on_change = on_change

    def set(self, application_key: str, primary: str | None, fallback: str | None) -> None:
        super().set(application_key, primary, fallback)
        if self.on_change is not None:
            self.on_change()

    def configured(self) -> bool:
        return any(self.items.values())


class CallbackDispatcher:
    """A bounded queue of callbacks, one sender thread, and the real-time ticker. Never raises into callers."""

    def __init__(self, sb: Sandbox, *, queue_size: int = QUEUE_SIZE, timeout: float = SEND_TIMEOUT,
                 tick_seconds: float = TICK_SECONDS) -> None:
        self.sb = sb
        self.timeout = timeout
        self.tick_seconds = tick_seconds
        self.stats = DeliveryStats()
        self._queue: queue.Queue[Outgoing] = queue.Queue(queue_size)
        self._stop = threading.Event()
        self._start_lock = threading.Lock()
        self._sender: threading.Thread | None = None
        self._ticker: threading.Thread | None = None
        self._client: Any = None  # an httpx.Client, created with the first delivery

    # ---- the engine's side (called under the sandbox lock: must not block) ------------------------------

    def emit(self, kind: str, call_id: str, application_key: str, body: dict[str, Any]) -> bool:
        """Queue one callback for the application's URLs; False when none is configured or the queue is full."""
        urls = self.sb.callbacks.get(application_key)
        ordered = tuple(url for url in (urls.get("primary"), urls.get("fallback")) if url)
        if not ordered or self._stop.is_set():
            return False
        item = Outgoing(kind, call_id, application_key, json.dumps(body, separators=(",", ":")).encode(), ordered)
        try:
            self._queue.put_nowait(item)
        except queue.Full:
            self.stats.dropped += 1
            self.stats.last_error = "the callback queue is full: callback dropped"
            return False
        self.stats.queued += 1
        self._ensure_sender()
        return True

    def configuration_changed(self) -> None:
        """A callback URL was set: with a real clock, tick the engine in the background from now on."""
        if self.sb.callbacks.configured() and not self.sb.clock.is_manual:
            self._ensure_ticker()

    def to_wire(self) -> dict[str, Any]:
        return self.stats.to_wire(self._queue.unfinished_tasks)

    # ---- tests and shutdown -------------------------------------------------------------------------

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every queued callback was sent (or failed) and its answer applied. False on timeout."""
        done = self._queue.all_tasks_done
        with done:
            return done.wait_for(lambda: self._queue.unfinished_tasks == 0, timeout)

    def close(self, timeout: float = 2.0) -> None:
        self._stop.set()
        for thread in (self._sender, self._ticker):
            if thread is not None and thread is not threading.current_thread():
                thread.join(timeout)
        if self._sender is not None and self._sender.is_alive():
            return  # still inside a POST (bounded by the timeout): the daemon thread ends with the process
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(Exception):  # closing is best effort
                client.close()

    # ---- threads --------------------------------------------------------------------------------------

    def _ensure_sender(self) -> None:
        if self._sender is not None:
            return
        with self._start_lock:
            if self._sender is None:
                self._sender = threading.Thread(target=self._send_loop, name="sandbox-callbacks", daemon=True)
                self._sender.start()

    def _ensure_ticker(self) -> None:
        with self._start_lock:
            if self._ticker is None and not self._stop.is_set():
                self._ticker = threading.Thread(target=self._tick_loop, name="sandbox-ticker", daemon=True)
                self._ticker.start()

    def _tick_loop(self) -> None:
        while not self._stop.wait(self.tick_seconds):
            if not self.sb.callbacks.configured():
                continue
            try:
                self.sb.tick()
            except Exception:
                log.exception("the sandbox's background tick failed")

    def _send_loop(self) -> None:
        while not self._stop.is_set():
            try:
                item = self._queue.get(timeout=0.2)
            except queue.Empty:
                continue
            try:
                answer = self._deliver(item)
                if answer is not None and item.kind in ANSWERED_KINDS:
                    self.stats.answered += 1
                    self.sb.apply_callback_answer(item.kind, item.call_id, answer)
            except Exception as exc:  # a bug here must not kill deliveries
                self.stats.last_error = f"{item.kind}: {type(exc).__name__}: {exc}"
                log.exception("handling a %s callback failed", item.kind)
            finally:
                self._queue.task_done()
        # drain what is left so flush() never waits on a stopped sender
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                return
            self._queue.task_done()

    def _http(self) -> Any:
        if self._client is None:
            import httpx  # lazily: only a sandbox with a callback URL pays for it

            # trust_env off: a proxy from the environment must not swallow loopback callbacks
            self._client = httpx.Client(timeout=self.timeout, follow_redirects=False, trust_env=False)
        return self._client

    def _deliver(self, item: Outgoing) -> dict[str, Any] | None:
        """POST to the primary, then once to the fallback; the JSON answer (None when there is none)."""
        secret = self.sb.applications.get(item.application_key)
        if secret is None:
            self._fail(item, "no secret for the application: cannot sign")
            return None
        errors = []
        for attempt, url in enumerate(item.urls):
            timestamp = utc_timestamp()
            path = urlsplit(url).path or "/"
            signature = sign_request(secret, method="POST", path=path, body=item.body, content_type=CONTENT_TYPE,
                                     timestamp=timestamp)
            headers = {"Content-Type": CONTENT_TYPE, "x-timestamp": timestamp,
                       "Authorization": application_authorization(item.application_key, signature)}
            try:
                response = self._http().post(url, content=item.body, headers=headers)
            except Exception as exc:
                errors.append(f"{url}: {type(exc).__name__}: {exc}".rstrip(": "))
                continue
            if not 200 <= response.status_code < 300:
                errors.append(f"{url}: HTTP {response.status_code}")
                continue
            self.stats.sent += 1
            self.stats.by_kind[item.kind] = self.stats.by_kind.get(item.kind, 0) + 1
            if attempt:
                self.stats.fallback_used += 1
            return _answer(response.content)
        self._fail(item, "; ".join(errors))
        return None

    def _fail(self, item: Outgoing, reason: str) -> None:
        self.stats.failed += 1
        self.stats.last_error = f"{item.kind} {item.call_id}: {reason}"
        log.warning("a %s callback was not delivered: %s", item.kind, reason)


def _answer(content: bytes) -> dict[str, Any] | None:
    if not content.strip():
        return None
    try:
        document = json.loads(content)
    except ValueError:
        return None
    return document if isinstance(document, dict) else None
