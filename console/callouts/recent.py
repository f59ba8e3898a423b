"""Recent forms, per profile: the last destination, locale, room, caller id... so a repeat callout is quick.

Kept as JSON in the data folder (`callouts/<profile>.json`), written atomically; a missing or broken file is
an empty memory, never an error.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from console.files import atomic_write

REMEMBERED = ("destination", "destination_type", "cli", "locale", "conference_id", "greeting", "kind", "numbers")
MAX_VALUE = 2000


def recent_path(data_dir: Path, profile: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.@-]", "_", profile)[:80] or "default"
    return data_dir / "callouts" / f"{safe}.json"


def load_recent(path: Path) -> dict[str, dict[str, str]]:
    """Form kind ("tts", "conference", "custom", "dialin") -> field -> last value. Blocking: call in a thread."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {kind: {k: v for k, v in values.items() if k in REMEMBERED and isinstance(v, str)}
            for kind, values in data.items() if isinstance(kind, str) and isinstance(values, dict)}


def remember(memory: dict[str, dict[str, str]], kind: str, values: dict[str, Any]) -> dict[str, dict[str, str]]:
    """`memory` with `kind`'s remembered fields replaced by `values` (only the fields worth remembering)."""
    kept = {k: str(v)[:MAX_VALUE] for k, v in values.items() if k in REMEMBERED and v not in (None, "")}
    return {**memory, kind: kept}


def save_recent(path: Path, memory: dict[str, dict[str, str]]) -> None:
    """Blocking: call in a thread. Owner-only: it names people's numbers."""
    atomic_write(path, json.dumps(memory, indent=1, ensure_ascii=False), private=True)
