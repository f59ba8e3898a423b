"""PEP 562 for packages that re-export their submodules' names.

A package's `__init__` that imports every submodule makes importing any one of them pay for all: the line
filter under every screen needed `api.models.display` and got pydantic and ~60 wire models with it, before
the console's first frame. Such a package keeps its imports in an `if TYPE_CHECKING:` block (what type checkers
and readers see) and ends with `__getattr__, __dir__ = attach(globals())` (`dir()` lists its `__all__`, for
completion in a REPL or notebook). Its names stay importable as before
(`from api.models import Conference`) and load on first use, each from the one submodule that block names
for it: trying the submodules in turn had loaded SVAML and the callout models to find `normalize_number`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import Any

_SOURCES = "__lazy_sources__"


def attach(package: MutableMapping[str, Any]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The package's `__getattr__` (its names from `export`) and `__dir__` (what it holds and its `__all__`)."""

    def package_getattr(name: str) -> Any:
        return export(package, name)

    def package_dir() -> list[str]:
        return sorted({*package, *package["__all__"]})

    return package_getattr, package_dir


def export(package: MutableMapping[str, Any], name: str) -> Any:
    """`name` from the submodule the package's TYPE_CHECKING block imports it from, remembered in the package;
    `package.submodule` imports that submodule."""
    sources: dict[str, tuple[str, str]] | None = package.get(_SOURCES)
    if sources is None:
        package[_SOURCES] = sources = type_checking_imports(Path(package["__file__"]))
    source = sources.get(name)
    if source is not None:
        module, original = source
        package[name] = value = getattr(importlib.import_module(module), original)
        return value
    if f"{package['__name__']}.{name}" in {module for module, _ in sources.values()}:
        return importlib.import_module(f"{package['__name__']}.{name}")
    raise AttributeError(f"module {package['__name__']!r} has no attribute {name!r}")


def type_checking_imports(init: Path) -> dict[str, tuple[str, str]]:
    """{name: (module, name there)} for every `from module import name [as other]` in the top-level
    `if TYPE_CHECKING:` of `init`. A package must not re-export a name that is also one of its submodules' names:
    once that submodule is imported, Python binds the submodule there."""
    import ast  # here: `console.config.early` comes through a lazy package before the sandbox is spawned

    names: dict[str, tuple[str, str]] = {}
    for node in ast.parse(init.read_bytes(), str(init)).body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for statement in node.body:
                if isinstance(statement, ast.ImportFrom) and statement.module and not statement.level:
                    for alias in statement.names:
                        names[alias.asname or alias.name] = (statement.module, alias.name)
    return names
