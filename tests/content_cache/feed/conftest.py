"""Fixtures of the feed tests: a key pair, a demo cache exported as publisher input, a published feed."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from content_cache import ContentCache
from content_cache.feed import export_cache, generate_keypair, load_private_key, load_public_key, publish

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
DEMO_ITEMS = 50


@dataclass(frozen=True)
class KeyPair:
    key_path: Path
    pub_path: Path
    private: Ed25519PrivateKey
    public: Ed25519PublicKey


@pytest.fixture(scope="session")
def keypair(tmp_path_factory: pytest.TempPathFactory) -> KeyPair:
    key_path, pub_path = generate_keypair(tmp_path_factory.mktemp("keys"))
    return KeyPair(key_path, pub_path, load_private_key(key_path), load_public_key(pub_path))


@pytest.fixture(scope="session")
def feed_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ContentCache]:
    """The demo cache the feed tests publish: the seed report and 50 generated items (read only)."""
    cache = ContentCache.open(tmp_path_factory.mktemp("feed-cache") / "content.db")
    cache.load_demo(DEMO_ITEMS, seed=3, today=date(2026, 11, 1))
    yield cache
    cache.close()


@pytest.fixture(scope="session")
def exported(feed_cache: ContentCache, tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("exported") / "src"
    export_cache(feed_cache, src)
    return src


@pytest.fixture
def src(exported: Path, tmp_path: Path) -> Path:
    """A private copy of the exported publisher input, free to edit."""
    return Path(shutil.copytree(exported, tmp_path / "src"))


@pytest.fixture
def out(src: Path, tmp_path: Path, keypair: KeyPair) -> Path:
    """A feed folder holding sequence 1, published from `src`."""
    folder = tmp_path / "feed"
    publish(src, folder, keypair.key_path, now=NOW)
    return folder
