"""Seeded identifiers. Separate random streams per kind, so an extra error reference in a test does not
shift the call ids that follow it."""

from __future__ import annotations

import random


class Ids:
    """Sinch-like ids from a seed (`None` = unpredictable, like the real platform)."""

    def __init__(self, seed: int | str | None = None) -> None:
        base = random.Random(seed).getrandbits(64) if seed is not None else random.SystemRandom().getrandbits(64)
        self._calls = random.Random(f"{base}-calls")
        self._refs = random.Random(f"{base}-refs")
        self._recs = random.Random(f"{base}-recordings")
        self._faults = 0

    def call_id(self) -> str:
        """32 lowercase hex digits, like `4398599d1ba84ef3bde0a82dfb61abed`."""
        return f"{self._calls.getrandbits(128):032x}"

    def reference(self) -> str:
        """An error reference in UUID layout, as Sinch support asks for."""
        h = f"{self._refs.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def recording_key(self, call_id: str) -> str:
        """A file name safe in a URL path: the call id plus a short random suffix."""
        return f"{call_id}-{self._recs.getrandbits(32):08x}.wav"

    def fault_id(self) -> str:
        self._faults += 1
        return f"fault-{self._faults}"
