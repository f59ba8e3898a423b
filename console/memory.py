"""The garbage collector, set for a console that holds a big room for hours (issue 13's scale goals).

CPython 3.11's cyclic collector runs a young collection every 700 net new container objects, and a full one
when, roughly, a quarter as many objects as the old generation holds were promoted into it since the last. In a
churning room of 1,000 a poll parses a thousand fresh participant models and the table renders its lines, so
the young collections came many times a second, promoted whatever happened to be alive at that instant, and a
full collection followed every few seconds: each walks every live object (Textual's widgets and styles, the
modules, the roster) and held the UI loop 100-200 ms on a loaded machine, the stalls and late polls the bench
measured (bench/scale_console.py).

Two settings, taken once by the process that owns the console (`manage()`, from `console/__main__.py`; a test
process that builds many apps keeps the interpreter's defaults, so nothing of one test is kept alive for the
next):
- a larger young generation (`YOUNG_THRESHOLD`): a poll's short-lived objects are freed by reference counting
  before a collection sees them, so far fewer are promoted and full collections come minutes apart;
- `freeze_long_lived()` at start-up milestones (the app mounted; the other modes preloaded): what is alive then
  (modules, classes, the app's widgets and styles) lives as long as the process, so it moves to the permanent
  generation no collection walks. Cyclic garbage frozen with it would never be freed, so a young collection
  runs first (cheap: the old generation is not walked).
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 10_000
"""Net new container objects between young collections (CPython's default is 700); the older generations keep
their defaults."""

_managed = False


def manage() -> None:
    """Set the collector for a long-running console. Once per process, before the app starts."""
    global _managed
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
    _managed = True


def freeze_long_lived() -> None:
    """What is alive now stays for the process's life: collections skip it from now on. Does nothing unless
    `manage()` was called (tests build and drop many apps in one process)."""
    if not _managed:
        return
    gc.collect(1)
    gc.freeze()
