"""Each package says what it offers: its `__all__` holds every name the rest of the project imports from it, and
each name it holds resolves (the lazily loaded ones too)."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("content_cache", "kiosk", "printing", "screens")


def _packages() -> list[str]:
    found = []
    for name in PACKAGES:
        found.append(name)
        package = importlib.import_module(name)
        found += [info.name for info in pkgutil.walk_packages(package.__path__, f"{name}.") if info.ispkg]
    return found


def _imported_from(packages: set[str]) -> dict[str, set[str]]:
    """Names the project's modules, benchmarks and tests import from each package (`from package import name`),
    the package's own modules left out."""
    used: dict[str, set[str]] = defaultdict(set)
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or ".cache" in path.parts:
            continue
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in packages and not module.startswith(node.module):
                for alias in node.names:
                    if not importlib.util.find_spec(f"{node.module}.{alias.name}"):  # a submodule is no name
                        used[node.module].add(alias.name)
    return used


PACKAGE_NAMES = _packages()
USED = _imported_from(set(PACKAGE_NAMES))


@pytest.mark.parametrize("name", PACKAGE_NAMES)
def test_a_package_s_all_holds_what_the_project_imports_from_it(name: str) -> None:
    package = importlib.import_module(name)
    declared = set(getattr(package, "__all__", ()))
    assert USED[name] <= declared, f"{name}.__all__ misses {sorted(USED[name] - declared)}"


@pytest.mark.parametrize("name", PACKAGE_NAMES)
def test_every_name_a_package_declares_resolves(name: str) -> None:
    package = importlib.import_module(name)
    for public in getattr(package, "__all__", ()):
        assert getattr(package, public) is not None, f"{name}.{public}"


@pytest.mark.parametrize("name", PACKAGES)
def test_each_package_is_marked_typed(name: str) -> None:
    assert (ROOT / name / "py.typed").is_file()
