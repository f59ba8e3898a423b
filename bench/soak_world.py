"""The world the soak's console lives in: a temporary HOME, the faulty sandbox and the relay as children on
127.0.0.1, the operator's config file, and Chaos (429 bursts, the relay killed and restarted on its port).

Children run from this checkout (`python -m relay`, bench/soak_sandbox.py), so a copy of an older commit with
these bench files soaks that commit's relay and sandbox. Secrets reach them through the environment only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from client_throughput import read_ready_line

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
READY_WAIT = 30.0


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


def stop_child(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        if proc.stdin:
            proc.stdin.close()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
