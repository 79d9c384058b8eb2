"""Fixtures of the kiosk's tests: a fresh state store; a publisher's key pair and the feed it published."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.state import StateStore
from tests.kiosk.test_cli import kiosk


@pytest.fixture
def state(tmp_path: Path) -> Iterator[StateStore]:
    """A fresh state store of the test's own."""
    store = StateStore(f"sqlite:///{tmp_path / 'state.db'}")
    yield store
    store.close()


@pytest.fixture(scope="module")
def publisher(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A publisher's key pair and a feed published from a demo cache: (keys folder, feed folder)."""
    root = tmp_path_factory.mktemp("publisher")
    home, keys, src, feed = root / "home", root / "keys", root / "src", root / "feed"
    for args in (
        ("demo-content", "--count", "40", "--seed", "5"),
        ("keygen", str(keys)),
        ("export", str(src)),
        ("publish", str(src), str(feed), "--key", str(keys / "publisher.key")),
    ):
        done = kiosk(home, *args)
        assert done.returncode == 0, done.stderr
    return keys, feed
