"""Soak: the console headless for --minutes against a faulty sandbox, with the relay killed and restarted.

    python bench/soak.py                 # 10 minutes, as issue 12 asks (`make bench` runs this)
    python bench/soak.py --minutes 1     # a quick try

Set-up, all on 127.0.0.1 and inside one temporary folder that serves as HOME (config, data, downloads, logs):
- the sandbox as a child process (bench/soak_sandbox.py) answering 20 % of API requests with a 5xx and
  dropping 5 % of connections (half of them after the platform acted), plus bursts of 429 with Retry-After
  added now and then through its admin route;
- the relay as a child (`python -m relay`, what `sinch-relay` runs; its documented flags only; the secret
  and a 43-character token in its environment; debug logging to a file) that the sandbox's callback URL
  points at; it is killed (SIGKILL) and restarted on the same port twice (bench/soak_world.py);
- the console (console.app.SinchConsole) with a profile like an operator's: application key and relay in the
  config file, the secret in the environment, the platform at the sandbox's URL; driven by
  bench/soak_operator.py through every mode while all this goes on.

Printed: a summary table and the line `exceptions N, failed workers N, duplicate callouts N, secrets found in
written files N`, with the evidence of any non-zero count below it. Exit status 1 when any count is not 0,
2 when the soak itself could not run (a child that never listened, the bench's own script breaking).
The seed fixes the faults' draws and the operator's choices; timing on a shared machine still varies.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this tree first, even over an install
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
from soak_checks import (
    CalloutLedger,
    ExceptionCounter,
    Sightings,
    WorkerWatch,
    describe,
    duplicate_callouts,
    log_tracebacks,
    secret_needles,
    secrets_in_files,
    unknown_placed,
    written_files,
)
from soak_world import Chaos, Folders, Relay, start_sandbox, stop_child, write_config

SIZE = (120, 40)
HANG_MARGIN = 180.0
"""Seconds past the deadline the operator may still be waiting on a step (each wait is bounded by ~60 s)."""


async def soak(args: argparse.Namespace, folders: Folders) -> dict[str, Any]:
    """Start the relay and the sandbox, let the operator work, then count. RuntimeError when a child fails."""
    key = str(uuid.uuid4())
    secret = base64.b64encode(os.urandom(32)).decode()
    token = secrets.token_urlsafe(32)
    relay = Relay(folders, key, secret, token, args.relay_log_level)
    sandbox: subprocess.Popen[str] | None = None
    try:
        relay_url = await asyncio.to_thread(relay.start)
        sandbox, sandbox_url = await asyncio.to_thread(start_sandbox, folders, key, secret, args,
                                                       f"{relay_url}/callback")
        async with httpx.AsyncClient(base_url=sandbox_url, timeout=10) as admin:
            rooms = list((await admin.get("/_sandbox/state")).json()["rooms"])
        config = write_config(folders, key, sandbox_url, relay.port, token, rooms)
        report = await drive(args, config, secret, sandbox_url, relay)
        try:
            async with httpx.AsyncClient(base_url=sandbox_url, timeout=30) as admin:
                await admin.post("/_sandbox/callbacks/flush", json={"timeout": 5})
                state = (await admin.get("/_sandbox/state")).json()
        except (httpx.HTTPError, ValueError) as error:
            raise RuntimeError(f"the sandbox did not give its calls at the end ({error}): see logs/sandbox.log, "
                               "run again with --keep") from None
        report["duplicates"] = duplicate_callouts(state["calls"], report["ledger"])
        report["calls_in_sandbox"] = len(state["calls"])
        report["unknown_placed"] = unknown_placed(state["calls"], report["ledger"])
    finally:
        if sandbox is not None:
            await asyncio.to_thread(stop_child, sandbox)
        await asyncio.to_thread(relay.stop)
    report["config"] = config
    files = written_files([folders.root], skip={config.resolve()})
    report["child_tracebacks"] = log_tracebacks(sorted(folders.logs.glob("*.log")))
    others = {"S3 recording credentials": report["s3_secret"]}
    report["secrets"] = secrets_in_files(files, secret_needles(key, secret, token, others))
    return report


async def drive(args: argparse.Namespace, config: Path, secret: str, sandbox_url: str,
                relay: Relay) -> dict[str, Any]:
    """The console on the operator's profile, driven until the deadline while Chaos runs; counted throughout."""
    from soak_operator import Operator

    from console.app import SinchConsole
    from console.backend import connect
    from console.config import resolve_settings

    counter = ExceptionCounter()
    ledger = CalloutLedger()
    chaos = Chaos(sandbox_url, relay, seed=args.seed, minutes=args.minutes, restarts=args.relay_restarts)
    report: dict[str, Any] = {"counter": counter, "ledger": ledger, "relay": relay, "chaos": chaos,
                              "s3_secret": secrets.token_urlsafe(24)}
    resolved = resolve_settings(config, env={"SINCH_APPLICATION_SECRET": secret})
    app = SinchConsole(connect, resolved)
    counter.install(asyncio.get_running_loop())
    started = time.monotonic()
    try:
        async with app.run_test(headless=True, size=SIZE) as pilot:
            report["watch"] = watch = WorkerWatch(app)
            report["sightings"] = sightings = Sightings(app, lambda: relay.starts)
            report["operator"] = operator = Operator(app, pilot, seed=args.seed, ledger=ledger,
                                                     deadline=started + args.minutes * 60,
                                                     s3_secret=report["s3_secret"])
            chaos_task = asyncio.create_task(chaos.run(started))
            scan_task = asyncio.create_task(_keep_watching(watch, sightings))
            try:
                try:
                    await asyncio.wait_for(operator.run(), args.minutes * 60 + HANG_MARGIN)
                except TimeoutError:
                    counter.add("hang", f"the console still had not taken the operator's last keys "
                                        f"{HANG_MARGIN:g} s after the deadline (screen {operator.screen_name()})")
                except Exception as error:  # the bench's own script broke: reported apart, not as the console's
                    report["bench_error"] = describe(error)
                await chaos_task
            finally:
                scan_task.cancel()
                chaos_task.cancel()
            watch.scan()
    except Exception as error:  # the app crashed and run_test re-raised it, or the operator broke
        counter.add("run_test", describe(error))
    finally:
        counter.uninstall()
    counter.app_crash(app)
    report["seconds"] = time.monotonic() - started
    return report


async def _keep_watching(watch: WorkerWatch, sightings: Sightings) -> None:
    while True:
        watch.scan()
        sightings.listen_to_events()
        await asyncio.sleep(1.0)


# ---- the report ------------------------------------------------------------------------------------------


def summary(report: dict[str, Any]) -> tuple[dict[str, int], list[str]]:
    """The four counts, and the table's lines (what ran, what was injected, what the console answered)."""
    counter: ExceptionCounter = report["counter"]
    watch: WorkerWatch | None = report.get("watch")
    ledger: CalloutLedger = report["ledger"]
    chaos: Chaos | None = report.get("chaos")
    operator = report.get("operator")
    duplicates, _ = report.get("duplicates", (0, []))
    found, _, searched = report["secrets"]
    counts = {"exceptions": len(counter), "failed workers": len(watch) if watch is not None else 0,
              "duplicate callouts": duplicates, "secrets found in written files": found}
    mode = oct(report["config"].stat().st_mode & 0o777) if report["config"].exists() else "missing"
    statuses = ", ".join(f"{status} {n}" for status, n in sorted(ledger.statuses().items())) or "none"
    rows = [
        ("ran", f"{report.get('seconds', 0) / 60:.1f} min, {operator.rounds if operator else 0} operator rounds"),
        ("keys pressed", str(sum(operator.actions.values())) if operator else "0"),
        ("callout forms / sends", f"{len(ledger.outcomes)} / {ledger.sends} ({statuses})"),
        ("calls in the sandbox", str(report.get("calls_in_sandbox", "?"))),
        ("unknown outcomes placed", "{1} of {0} (the platform had placed them: right not to resend)".format(
            *report.get("unknown_placed", (0, 0)))),
        ("429 bursts", f"{chaos.bursts} ({chaos.burst_requests} requests)" if chaos else "0"),
        ("relay kills / starts", f"{chaos.kills if chaos else 0} / {report['relay'].starts}"),
        ("workers finished", str(watch.finished) if watch is not None else "?"),
        *sighting_rows(report.get("sightings"), report["relay"].starts),
        ("tracebacks in child logs", f"{report['child_tracebacks'][0]} (sandbox and relay: not the console's)"),
        ("files searched", f"{searched} (config.toml left out: written by the bench, mode {mode})"),
        *((name, str(value)) for name, value in counts.items()),
    ]
    width = max(len(name) for name, _ in rows)
    return counts, [f"  {name:<{width}}  {value}" for name, value in rows]


def sighting_rows(sightings: Sightings | None, relay_starts: int) -> list[tuple[str, str]]:
    if sightings is None:
        return []
    per_life = " / ".join(str(sightings.events_per_relay[life]) for life in range(1, relay_starts + 1))
    shown = ", ".join(f"{severity} {n}" for severity, n in sorted(sightings.severities.items())) or "none"
    rows = [("events received per relay run", per_life), ("notifications", shown)]
    rows += [("  error wording", f"{n} x {words}") for words, n in sightings.error_words.most_common(6)]
    return rows


def silent_relay_runs(report: dict[str, Any]) -> list[str]:
    """A relay run the console heard nothing from: after a restart that means it never subscribed again."""
    sightings: Sightings | None = report.get("sightings")
    if sightings is None:
        return []
    return [f"no event reached the console while relay run {life} of {report['relay'].starts} was up"
            for life in range(1, report["relay"].starts + 1) if not sightings.events_per_relay[life]]


def evidence(report: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    sections = [("exceptions", report["counter"].found),
                ("failed workers", list(report["watch"].failed.values()) if "watch" in report else []),
                ("duplicate callouts", report.get("duplicates", (0, []))[1]),
                ("secrets found in written files", report["secrets"][1]),
                ("relay restarts", report["chaos"].restart_problems if "chaos" in report else []),
                ("child logs", report["child_tracebacks"][1]),
                ("live events", silent_relay_runs(report)),
                ("the soak script itself", [report["bench_error"]] if "bench_error" in report else [])]
    for title, items in sections:
        for item in items:
            lines.append(f"--- {title}: {item}")
    return lines


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="how long the operator works (default 10)")
    parser.add_argument("--seed", type=int, default=12, help="fixes the faults' draws and the operator's choices")
    parser.add_argument("--error-rate", type=float, default=0.2, help="share of API requests answered 5xx")
    parser.add_argument("--drop-rate", type=float, default=0.05, help="share of API requests whose connection drops")
    parser.add_argument("--relay-restarts", type=int, default=2, help="times the relay is killed and restarted")
    parser.add_argument("--relay-log-level", default="debug", choices=("debug", "info", "warning"),
                        help="the relay's log level (debug: the most to leak, searched afterwards)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary HOME, logs and downloads (kept anyway when a count is not 0)")
    args = parser.parse_args(argv)
    if args.minutes <= 0:
        parser.error("--minutes must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    folders = Folders(Path(tempfile.mkdtemp(prefix="sinch-soak-")))
    print(f"soak: {args.minutes:g} min, seed {args.seed}, {args.error_rate:.0%} 5xx, {args.drop_rate:.0%} drops, "
          f"429 bursts, {args.relay_restarts} relay restarts; files in {folders.root}", flush=True)
    status = 2
    try:
        try:
            report = asyncio.run(soak(args, folders))
        except RuntimeError as error:
            print(f"soak: could not run: {error}", file=sys.stderr)
            return status
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__  # Textual's capture, in case it was left in place
        counts, rows = summary(report)
        print("\n".join(rows))
        for line in evidence(report):
            print(line)
        sandbox_log = folders.logs / "sandbox.log"
        faults = [line for line in sandbox_log.read_text().splitlines() if "faults:" in line]
        if faults:
            print(f"  injected by the sandbox: {faults[-1].split('faults: ', 1)[1]}")
        print(", ".join(f"{name} {value}" for name, value in counts.items()))
        status = 2 if "bench_error" in report else 1 if any(counts.values()) else 0
    finally:
        if args.keep or status:  # the evidence names files in it: keep them to be read
            print(f"kept {folders.root}")
        else:
            shutil.rmtree(folders.root, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
