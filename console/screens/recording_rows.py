"""How one recording is drawn on the Recordings screen: its table cells and its detail pane.

Pure functions of a recording and the session's clock (no widget), so the screen only places what they return.
Keys, call ids, URLs and headers come from the platform: every text is a rich `Text` run through `printable`,
never markup.
"""

from __future__ import annotations

import json
from datetime import datetime

from rich.text import Text

from api.models import Recording
from api.models.display import printable
from console.recordings.listing import call_id_of, countdown, expiring_soon, human_size, size_of
from console.recordings.range import SHORT, shown

COLUMNS = (("mark", " ", 1), ("key", "Key", 46), ("created", "Created", 12), ("expires", "Expires", 15),
           ("size", "Size", 10), ("call", "Call", 17))
MARK = Text("●", style="bold cyan")
SOON_STYLE = "bold red"


def cells(recording: Recording, now: datetime, *, marked: bool) -> list[Text]:
    """One table row, in COLUMNS order."""
    soon = expiring_soon(recording, now)
    created = shown(recording.created_on, SHORT) if recording.created_on else ""
    return [
        MARK if marked else Text(" "),
        Text(printable(recording.key), overflow="ellipsis", no_wrap=True),
        Text(created),
        Text(countdown(recording.expires_on, now), style=SOON_STYLE if soon else ""),
        Text(human_size(size_of(recording)), justify="right"),
        Text(printable(call_id_of(recording)), overflow="ellipsis", no_wrap=True),
    ]


def detail_text(recording: Recording, now: datetime) -> Text:
    """The detail pane: key, call, size, dates with the countdown, URL and headers."""
    size = size_of(recording)
    text = Text.assemble((printable(recording.key), "bold"),
                         f" · call {printable(call_id_of(recording)) or 'unknown'}")
    if size is not None:
        text.append(f" · {human_size(size)} ({size} bytes)")
    if recording.created_on:
        text.append(f"\ncreated {shown(recording.created_on)}")
    if recording.expires_on:
        text.append(f" · expires {shown(recording.expires_on)} ")
        text.append(f"({countdown(recording.expires_on, now)})",
                    style=SOON_STYLE if expiring_soon(recording, now) else "")
    text.append(f"\nurl {printable(recording.url) or 'none given'}")
    text.append(f"\nheaders {printable(json.dumps(recording.headers, ensure_ascii=False))}")
    return text
