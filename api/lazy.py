"""PEP 562 for packages that re-export their submodules' names.

A package's `__init__` that imports every submodule makes importing any one of them pay for all: the line
filter under every screen needed `api.models.display` and got pydantic and ~60 wire models with it, before
the console's first frame. Such a package keeps its imports in an `if TYPE_CHECKING:` block (what type checkers
and readers see) and defines `def __getattr__(name): return export(globals(), name)` (and a `__dir__` over its
`__all__`, for completion in a REPL or notebook). Its names stay importable as before
(`from api.models import Conference`) and load on first use, each from the one submodule that block names
for it: trying the submodules in turn had loaded SVAML and the callout models to find `normalize_number`.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

_SOURCES = "__lazy_sources__"


def export(package: MutableMapping[str, Any], name: str) -> Any:
    """`name` from the submodule the package's TYPE_CHECKING block imports it from, remembered in the package;
    `package.submodule` imports that submodule."""
    sources: dict[str, str] | None = package.get(_SOURCES)
    if sources is None:
        package[_SOURCES] = sources = type_checking_imports(Path(package["__file__"]))
    module = sources.get(name)
    if module is not None:
        loaded = importlib.import_module(module)
        package[name] = value = getattr(loaded, name)
        short = module.rpartition(".")[2]
        if short != name and sources.get(short) == module:
            # importing console.calls.manage bound the submodule over its function `manage`: the function again
            package[short] = getattr(loaded, short)
        return value
    if f"{package['__name__']}.{name}" in sources.values():
        return importlib.import_module(f"{package['__name__']}.{name}")
    raise AttributeError(f"module {package['__name__']!r} has no attribute {name!r}")


def type_checking_imports(init: Path) -> dict[str, str]:
    """{name: module} for every `from module import name` in the top-level `if TYPE_CHECKING:` of `init`."""
    names: dict[str, str] = {}
    for node in ast.parse(init.read_bytes(), str(init)).body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for statement in node.body:
                if isinstance(statement, ast.ImportFrom) and statement.module and not statement.level:
                    for alias in statement.names:
                        names[alias.asname or alias.name] = statement.module
    return names
