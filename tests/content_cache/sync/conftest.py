"""Fixtures of the sync tests: the feed tests' key pair and published feed, an empty kiosk cache."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from content_cache import ContentCache
from tests.content_cache.feed.conftest import exported, feed_cache, keypair, out, src

__all__ = ["exported", "feed_cache", "keypair", "out", "src"]


@pytest.fixture
def kiosk_cache(tmp_path: Path) -> Iterator[ContentCache]:
    """The kiosk's own, empty content cache."""
    cache = ContentCache.open(tmp_path / "kiosk" / "content.db")
    yield cache
    cache.close()
