"""Soak: the console headless for --minutes against a faulty sandbox, with the relay killed and restarted.

    python bench/soak.py                 # 10 minutes, as issue 12 asks (`make bench` runs this)
    python bench/soak.py --minutes 1     # a quick try

Set-up, all on 127.0.0.1 and inside one temporary folder that serves as HOME (config, data, downloads, logs):
- the sandbox as a child process (bench/soak_sandbox.py) answering 20 % of API requests with a 5xx and
  dropping 5 % of connections (half of them after the platform acted), plus bursts of 429 with Retry-After
  added now and then through its admin route;
- a `sinch-relay` child (secret and a 43-character token in its environment, debug logging to a file) that
  the sandbox's callback URL points at; it is killed (SIGKILL) and restarted on the same port twice;
- the console (console.app.SinchConsole) with a profile like an operator's: application key and relay in the
  config file, the secret in the environment, the platform at the sandbox's URL; driven by
  bench/soak_operator.py through every mode while all this goes on.

Printed: a summary table and the line `exceptions N, failed workers N, duplicate callouts N, secrets found in
written files N`, with the evidence of any non-zero count below it. Exit status 1 when any count is not 0.
The seed fixes the faults' draws and the operator's choices; timing on a shared machine still varies.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import random
import secrets
import shutil
import signal
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
from client_throughput import read_ready_line
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

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
READY_WAIT = 30.0
SIZE = (120, 40)
HANG_MARGIN = 180.0
"""Seconds past the deadline the operator may still be waiting on a step (each wait is bounded by ~60 s)."""


class Folders:
    """One temporary HOME with the XDG folders inside it; this process's environment points at them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "home"
        self.config = self.home / ".config"
        self.data = self.home / ".local" / "share"
        self.downloads = self.home / "Downloads" / "sinch-recordings"
        self.logs = root / "logs"
        for folder in (self.config, self.data, self.home / ".cache", self.home / ".local" / "state", self.logs):
            folder.mkdir(parents=True, exist_ok=True)
        os.environ.update({"HOME": str(self.home), "XDG_CONFIG_HOME": str(self.config),
                           "XDG_DATA_HOME": str(self.data), "XDG_CACHE_HOME": str(self.home / ".cache"),
                           "XDG_STATE_HOME": str(self.home / ".local" / "state")})
        for name in ("SINCH_APPLICATION_KEY", "SINCH_APPLICATION_SECRET", "SINCH_PROFILE", "SINCH_REGION"):
            os.environ.pop(name, None)  # the operator's own profile must not leak into the run


class Relay:
    """`sinch-relay` as a child: started, killed, started again on the same port."""

    def __init__(self, folders: Folders, key: str, secret: str, token: str, log_level: str) -> None:
        # `python -m relay` from this tree, not the installed `sinch-relay`: the relay then is the same checkout's
        # as the console and the sandbox (a copy of an older commit soaks that commit's relay).
        self.command = [sys.executable, "-m", "relay"]
        self.folders, self.key, self.log_level = folders, key, log_level
        self.env = {**os.environ, "SINCH_APPLICATION_SECRET": secret, "SINCH_RELAY_TOKEN": token}
        self.port = 0
        self.starts = 0
        self.proc: subprocess.Popen[str] | None = None

    def start(self) -> str:
        self.starts += 1
        log = (self.folders.logs / f"relay-{self.starts}.log").open("w")
        self.proc = subprocess.Popen(
            [*self.command, "--host", "127.0.0.1", "--port", str(self.port), "--application-key", self.key,
             "--log-level", self.log_level, "--exit-on-stdin-close"],
            env=self.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True, cwd=ROOT)
        log.close()
        url = ready(self.proc, self.folders.logs / f"relay-{self.starts}.log")
        self.port = int(url.rsplit(":", 1)[1])
        return url

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def start_sandbox(folders: Folders, key: str, secret: str, args: argparse.Namespace,
                  callback_url: str) -> tuple[subprocess.Popen[str], str]:
    env = {**os.environ, "SINCH_SANDBOX_APPLICATION_KEY": key, "SINCH_SANDBOX_APPLICATION_SECRET": secret}
    log = (folders.logs / "sandbox.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "soak_sandbox.py"), "--seed", str(args.seed), "--error-rate",
         str(args.error_rate), "--drop-rate", str(args.drop_rate), "--callback-url", callback_url],
        env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True)
    log.close()
    return proc, ready(proc, folders.logs / "sandbox.log")


def ready(proc: subprocess.Popen[str], log: Path) -> str:
    """The child's address once it listens; RuntimeError with the end of its log when it never does."""
    try:
        return read_ready_line(proc, time.monotonic() + READY_WAIT)
    except RuntimeError as error:
        proc.kill()
        tail = log.read_text(errors="replace").strip().splitlines()[-3:] if log.exists() else []
        raise RuntimeError(f"{error}: {' / '.join(tail) or 'no output'}") from None


def write_config(folders: Folders, key: str, sandbox_url: str, relay_port: int, token: str,
                 rooms: list[str]) -> Path:
    """The operator's profile: key, platform and relay in the file (0600, it holds the relay token)."""
    import tomlkit

    path = folders.config / "sinch-console" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    profile = {"application_key": key, "base_url": sandbox_url, "relay_url": f"ws://127.0.0.1:{relay_port}/events",
               "relay_token": token, "rooms": rooms, "download_dir": str(folders.downloads)}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(tomlkit.dumps({"default_profile": "soak", "profiles": {"soak": profile}}))
    return path


class Chaos:
    """429 bursts through the sandbox's admin route, and the relay killed and restarted on a schedule."""

    def __init__(self, sandbox_url: str, relay: Relay, *, seed: int, minutes: float, restarts: int) -> None:
        self.sandbox_url, self.relay = sandbox_url, relay
        self.rng = random.Random(seed + 1)
        self.seconds = minutes * 60
        self.kill_at = [self.seconds * (i + 1) / (restarts + 1) for i in range(restarts)]
        self.bursts = 0
        self.burst_requests = 0
        self.kills = 0
        self.restart_problems: list[str] = []

    async def run(self, started: float) -> None:
        async with httpx.AsyncClient(base_url=self.sandbox_url, timeout=10) as admin:
            next_burst = self.rng.uniform(10, 30)
            while (elapsed := time.monotonic() - started) < self.seconds:
                if self.kill_at and elapsed >= self.kill_at[0]:
                    self.kill_at.pop(0)
                    await self.restart_relay()
                if elapsed >= next_burst:
                    count = self.rng.randint(5, 20)
                    response = await admin.post("/_sandbox/faults", json={
                        "kind": "rate_limit", "count": count, "retry_after": self.rng.choice([1, 2])})
                    if response.status_code == 201:
                        self.bursts += 1
                        self.burst_requests += count
                    next_burst = elapsed + self.rng.uniform(20, 45)
                await asyncio.sleep(0.5)

    async def restart_relay(self) -> None:
        self.kills += 1
        await asyncio.to_thread(self.relay.kill)
        await asyncio.sleep(self.rng.uniform(2, 5))  # the console and the sandbox meet a dead port meanwhile
        try:
            await asyncio.to_thread(self.relay.start)
        except (RuntimeError, OSError) as error:
            self.restart_problems.append(f"relay restart {self.kills}: {error}")


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
            await asyncio.to_thread(_stop, sandbox)
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
    from functools import partial

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
    app = SinchConsole(partial(connect, resolved), resolved)
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


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        if proc.stdin:
            proc.stdin.close()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


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


def evidence(report: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    sections = [("exceptions", report["counter"].found),
                ("failed workers", list(report["watch"].failed.values()) if "watch" in report else []),
                ("duplicate callouts", report.get("duplicates", (0, []))[1]),
                ("secrets found in written files", report["secrets"][1]),
                ("relay restarts", report["chaos"].restart_problems if "chaos" in report else []),
                ("child logs", report["child_tracebacks"][1]),
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
    parser.add_argument("--keep", action="store_true", help="keep the temporary HOME, logs and downloads")
    args = parser.parse_args(argv)
    if args.minutes <= 0:
        parser.error("--minutes must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    folders = Folders(Path(tempfile.mkdtemp(prefix="sinch-soak-")))
    print(f"soak: {args.minutes:g} min, seed {args.seed}, {args.error_rate:.0%} 5xx, {args.drop_rate:.0%} drops, "
          f"429 bursts, {args.relay_restarts} relay restarts; files in {folders.root}", flush=True)
    try:
        try:
            report = asyncio.run(soak(args, folders))
        except RuntimeError as error:
            print(f"soak: could not run: {error}", file=sys.stderr)
            return 2
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
    finally:
        if args.keep:
            print(f"kept {folders.root}")
        else:
            shutil.rmtree(folders.root, ignore_errors=True)
    if "bench_error" in report:
        return 2
    return 1 if any(counts.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
