"""Fixtures shared by every test package: a temporary KIOSK_HOME and fresh stores."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import settings

from content_cache import ContentCache
from kiosk.bootstrap import build_services, ensure_content
from kiosk.config import load_config
from kiosk.services import Services

# The same examples on every run, so that a green suite stays green on CI; a new seed is a deliberate change.
settings.register_profile("kiosk", derandomize=True)
settings.load_profile("kiosk")

DEMO_COUNT = 300
DEMO_DAY = date(2026, 11, 1)


@pytest.fixture
def kiosk_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty KIOSK_HOME, with no KIOSK_* setting leaking in from the environment."""
    home = tmp_path / "kiosk-home"
    home.mkdir()
    for name in [n for n in __import__("os").environ if n.startswith("KIOSK_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("KIOSK_HOME", str(home))
    return home


@pytest.fixture
def real_services(kiosk_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    """The kiosk's real services over a fresh KIOSK_HOME holding the seed report and 40 demo items."""
    monkeypatch.setenv("KIOSK_CONTENT_DEMO_COUNT", "40")
    config = load_config()
    built = build_services(config)
    assert ensure_content(built.content, config) == 41
    yield built
    built.close()


@pytest.fixture
def empty_cache(tmp_path: Path) -> Iterator[ContentCache]:
    """A freshly migrated, empty content cache."""
    cache = ContentCache.open(tmp_path / "content.db")
    yield cache
    cache.close()


@pytest.fixture(scope="session")
def demo_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ContentCache]:
    """A content cache with the seed report and DEMO_COUNT generated items (read-only in tests)."""
    cache = ContentCache.open(tmp_path_factory.mktemp("demo") / "content.db")
    cache.load_demo(DEMO_COUNT, seed=7, today=DEMO_DAY)
    yield cache
    cache.close()
