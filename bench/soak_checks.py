"""What the soak counts: exceptions, failed workers, duplicate callouts and secrets in the files a run wrote.

Each counter keeps the evidence (a traceback, a worker's error, the calls of a duplicate, the file and what
was found in it, never the secret itself), so a non-zero figure can be read and fixed.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import re
import sys
import threading
import traceback
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual.app import App
from textual.worker import Worker, WorkerState


def describe(error: BaseException | None) -> str:
    if error is None:
        return "(no exception object)"
    return "".join(traceback.format_exception(type(error), error, error.__traceback__)).rstrip()


class ExceptionCounter(logging.Handler):
    """Unhandled exceptions anywhere in this process: sys and threading excepthooks, the asyncio loop's
    exception handler, and log records at ERROR or above that carry a traceback (a caught-and-logged crash)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.found: list[str] = []
        self._lock = threading.Lock()

    def add(self, where: str, text: str) -> None:
        with self._lock:
            self.found.append(f"[{where}] {text}")

    def install(self, loop: asyncio.AbstractEventLoop) -> None:
        self._hooks = (sys.excepthook, threading.excepthook)
        sys.excepthook = lambda kind, error, tb: self.add("sys.excepthook", describe(error))
        threading.excepthook = lambda hook: self.add(f"thread {hook.thread.name if hook.thread else '?'}",
                                                     describe(hook.exc_value))
        loop.set_exception_handler(self._loop_handler)
        logging.getLogger().addHandler(self)

    def uninstall(self) -> None:
        """Put the hooks back: what goes wrong in the bench's own report must show as a traceback."""
        sys.excepthook, threading.excepthook = self._hooks
        logging.getLogger().removeHandler(self)

    def _loop_handler(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        error = context.get("exception")
        self.add("asyncio loop", f"{context.get('message', '')}\n{describe(error) if error else ''}".rstrip())

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            self.add(f"log {record.name}", f"{record.getMessage()}\n{describe(record.exc_info[1])}")

    def app_crash(self, app: App[Any]) -> None:
        """Textual's own crash: an exception it caught and exited on (`App._exception`, return code)."""
        error = getattr(app, "_exception", None)
        if error is not None:
            self.add("textual app crash", describe(error))
        elif app.return_code not in (None, 0):
            self.add("textual app exit", f"return code {app.return_code}")

    def __len__(self) -> int:
        return len(self.found)


class WorkerWatch:
    """Every worker that ends in ERROR: spied on when the worker manager lets a finished worker go, and
    scanned in the live set (a worker that never finishes would otherwise be missed)."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.failed: dict[int, str] = {}
        self.finished = 0
        manager = app.workers
        let_go = manager._remove_worker

        def spy(worker: Worker[Any]) -> None:
            self.finished += 1
            self._check(worker)
            let_go(worker)

        manager._remove_worker = spy  # type: ignore[method-assign]

    def _check(self, worker: Worker[Any]) -> None:
        if worker.state == WorkerState.ERROR and id(worker) not in self.failed:
            self.failed[id(worker)] = (f"worker {worker.name!r} group {worker.group!r} on "
                                       f"{type(worker.node).__name__}:\n{describe(worker.error)}")

    def scan(self) -> None:
        for worker in list(self.app.workers):
            self._check(worker)

    def __len__(self) -> int:
        return len(self.failed)


class Sightings:
    """What the operator would have seen: notifications by severity (the error wordings kept, to read them)
    and live events the console received, per life of the relay (0 after a restart = no resubscription)."""

    def __init__(self, app: App[Any], relay_lives: Callable[[], int]) -> None:
        self.severities: Counter[str] = Counter()
        self.error_words: Counter[str] = Counter()
        self.events_per_relay: Counter[int] = Counter()
        self._relay_lives = relay_lives
        self._listening = False
        notify = app.notify

        def spied(message: str, *args: Any, **kwargs: Any) -> Any:
            severity = str(kwargs.get("severity", "information"))
            self.severities[severity] += 1
            if severity == "error":
                self.error_words[re.sub(r"[0-9a-f]{16,}|\+?\d{6,}", "…", str(message))[:160]] += 1
            return notify(message, *args, **kwargs)

        app.notify = spied  # type: ignore[method-assign]
        self.app = app

    def listen_to_events(self) -> bool:
        """Once the session's feed exists: count each event it hands to the app."""
        feed = getattr(self.app, "events_feed", None)
        if feed is None or self._listening:
            return self._listening
        feed.listen(on_event=lambda event: self.events_per_relay.update([self._relay_lives()]))
        self._listening = True
        return True


@dataclass
class CalloutLedger:
    """What the operator sent, per form (one unique destination per form), and what the console answered."""

    outcomes: dict[str, list[str]] = field(default_factory=dict)
    """destination -> the status of each send of that form ("placed", "failed", "unknown", ...)."""

    def sent(self, destination: str, status: str) -> None:
        self.outcomes.setdefault(destination, []).append(status)

    @property
    def sends(self) -> int:
        return sum(len(statuses) for statuses in self.outcomes.values())

    def statuses(self) -> Counter[str]:
        return Counter(status for statuses in self.outcomes.values() for status in statuses)


def duplicate_callouts(calls: dict[str, dict[str, Any]], ledger: CalloutLedger) -> tuple[int, list[str]]:
    """Calls the platform placed beyond one per form the operator filled in. A form may be sent again after
    the console said it failed; if the platform had in fact placed it, the phone rang twice. Calls that carry
    the same correlation id in `custom` are duplicates too (the client sent one request twice)."""
    per_destination: Counter[str] = Counter()
    per_correlation: Counter[str] = Counter()
    for call in calls.values():
        endpoint = str((call.get("to") or {}).get("endpoint", ""))
        if endpoint in ledger.outcomes:
            per_destination[endpoint] += 1
            if call.get("custom"):
                per_correlation[str(call["custom"])] += 1
    evidence = [f"{endpoint}: {n} calls placed, console said {ledger.outcomes[endpoint]}"
                for endpoint, n in per_destination.items() if n > 1]
    evidence += [f"correlation {key!r}: {n} calls" for key, n in per_correlation.items() if n > 1]
    by_form = sum(n - 1 for n in per_destination.values() if n > 1)
    by_correlation = sum(n - 1 for n in per_correlation.values() if n > 1)
    return max(by_form, by_correlation), evidence


def log_tracebacks(paths: Iterable[Path]) -> tuple[int, list[str]]:
    """Tracebacks the children (sandbox, relay) wrote to their logs: (how many, one line per kind and file:
    its last line, the exception, with how often it came)."""
    total, lines = 0, []
    for path in paths:
        text = path.read_text(errors="replace") if path.exists() else ""
        kinds: Counter[str] = Counter()
        for block in text.split("Traceback (most recent call last):")[1:]:
            tail = [line for line in block.splitlines() if line.strip() and not line.startswith((" ", "\t"))]
            kinds[tail[0][:200] if tail else "(no exception line)"] += 1
        total += sum(kinds.values())
        lines += [f"{path.name}: {n} x {kind}" for kind, n in kinds.most_common()]
    return total, lines


def unknown_placed(calls: dict[str, dict[str, Any]], ledger: CalloutLedger) -> tuple[int, int]:
    """(forms whose last send was "unknown", how many of those the platform had in fact placed): how often
    "may have been placed" was true, i.e. how right it was not to send again."""
    placed = Counter(str((call.get("to") or {}).get("endpoint", "")) for call in calls.values())
    unknown = [destination for destination, statuses in ledger.outcomes.items() if statuses[-1] == "unknown"]
    return len(unknown), sum(1 for destination in unknown if placed[destination])


# ---- secrets in written files -------------------------------------------------------------------------


@dataclass(frozen=True)
class Needle:
    label: str
    pattern: re.Pattern[bytes]


def secret_needles(application_key: str, application_secret: str, relay_token: str,
                   others: dict[str, str] | None = None) -> list[Needle]:
    """What must never be written: the secret (as given, URL-safe, and its decoded bytes), the relay token,
    a signature or Basic credential in an Authorization value, a Bearer token, and `others` (label -> value).
    Redacted forms ("***") do not match: a credential here is at least 16 characters of base64."""
    raw = base64.b64decode(application_secret)
    basic = base64.b64encode(f"{application_key}:{application_secret}".encode())
    url_safe = application_secret.translate(str.maketrans("+/", "-_"))
    literal = [("application secret", application_secret.encode()),
               *([("application secret (url-safe)", url_safe.encode())] if url_safe != application_secret else []),
               ("application secret (decoded bytes)", raw), ("relay token", relay_token.encode()),
               ("Basic credentials", basic)]
    literal += [(label, value.encode()) for label, value in (others or {}).items()]
    needles = [Needle(label, re.compile(re.escape(value))) for label, value in literal]
    needles.append(Needle("signed Authorization value",
                          re.compile(rb"Application\s+" + re.escape(application_key.encode()) +
                                     rb":[A-Za-z0-9+/]{16,}={0,2}")))
    needles.append(Needle("Authorization header value",
                          re.compile(rb"(?i)authorization[\"']?\s*[:=]\s*[\"']?(?:Application\s+[^\s:\"']+:"
                                     rb"[A-Za-z0-9+/]{16,}|(?:Basic|Bearer)\s+[A-Za-z0-9+/_.~=-]{16,})")))
    needles.append(Needle("Bearer token", re.compile(rb"(?i)Bearer\s+[A-Za-z0-9_.~+/=-]{16,}")))
    return needles


def written_files(roots: Iterable[Path], skip: set[Path]) -> list[Path]:
    found: list[Path] = []
    for root in roots:
        if root.is_file():
            found.append(root)
        elif root.is_dir():
            found += [p for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()]
    return [p for p in dict.fromkeys(found) if p.resolve() not in skip]


def secrets_in_files(files: Iterable[Path], needles: list[Needle]) -> tuple[int, list[str], int]:
    """(findings, evidence, files searched). A finding is a place (file and line) where the first match of at
    least one kind of secret is: one leaked header line is one finding, however many needles it matches."""
    evidence: list[str] = []
    findings = searched = 0
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as error:  # reported, not counted: a file gone since the walk holds nothing
            evidence.append(f"{path}: could not be read ({error})")
            continue
        searched += 1
        places: dict[int, list[str]] = {}
        for needle in needles:
            match = needle.pattern.search(data)
            if match:
                places.setdefault(data.count(b"\n", 0, match.start()) + 1, []).append(needle.label)
        findings += len(places)
        evidence += [f"{path}: line {line}: {', '.join(labels)}" for line, labels in sorted(places.items())]
    return findings, evidence, searched
