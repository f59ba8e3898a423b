"""PEP 562 for packages that re-export their submodules' names.

A package's `__init__` that imports every submodule makes importing any one of them pay for all: the line
filter under every screen needed `api.models.display` and got pydantic and ~60 wire models with it, before
the console's first frame. Such a package lists its submodules and defines
`def __getattr__(name): return export(globals(), SUBMODULES, name)` (and a `__dir__` over its `__all__`, for
completion in a REPL or notebook); its names stay importable as before (`from api.models import Conference`),
loaded on first use.
"""

from __future__ import annotations

import importlib
from collections.abc import MutableMapping, Sequence
from typing import Any


def export(package: MutableMapping[str, Any], submodules: Sequence[str], name: str) -> Any:
    """`name` from the first of `package`'s `submodules` (in order) that defines it, remembered in the package."""
    if name in submodules:  # `package.save`: the submodule itself
        return importlib.import_module(f"{package['__name__']}.{name}")
    if not name.startswith("_"):
        for submodule in submodules:
            module = importlib.import_module(f"{package['__name__']}.{submodule}")
            if name in vars(module):
                package[name] = value = vars(module)[name]
                return value
    raise AttributeError(f"module {package['__name__']!r} has no attribute {name!r}")
