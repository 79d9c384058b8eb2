"""The kiosk keeps serving while a sync runs, and Home shows the new content after it, without a restart."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from content_cache import ContentCache
from content_cache.feed import export_cache, generate_keypair, publish
from kiosk.config import load_config
from kiosk.services import Services
from kiosk.sync import SyncRequest, sync_now
from tests.ui.conftest import frame, screenshot, wait_until


@pytest.fixture
def services(real_services: Services) -> Services:
    """The real services (overrides the fake of tests/ui)."""
    return real_services


@pytest.fixture
def feed(tmp_path: Path) -> tuple[Path, Path]:
    """A publisher's feed of 400 other items, and its public key."""
    cache = ContentCache.open(tmp_path / "publisher.db")
    cache.load_demo(400, seed=21)
    export_cache(cache, tmp_path / "src")
    cache.close()
    key, pub = generate_keypair(tmp_path / "keys")
    publish(tmp_path / "src", tmp_path / "feed", key)
    return tmp_path / "feed", pub


def _counts(home: Any) -> dict[str, str]:
    return {tile.title: tile.count for tile in home.ids.tiles.children}


def test_home_shows_the_synced_content_without_a_restart(app: Any, services: Services, feed: tuple[Path, Path]) -> None:
    home = app.current_screen
    before = _counts(home)
    request = SyncRequest(str(feed[0]), (feed[1],))
    done: list[object] = []
    worker = threading.Thread(
        target=lambda: done.append(
            sync_now(load_config(), services.content, services.state, request, status=services.sync_status)
        )
    )
    worker.start()
    frames = 0
    while worker.is_alive() and frames < 100_000:  # the kiosk keeps drawing frames while the sync writes
        frame()
        frames += 1
    worker.join(timeout=60)
    assert done and not worker.is_alive() and frames > 0
    assert _counts(home) == before  # nothing reloaded by itself yet
    app.content_changed()
    frame()
    wait_until(lambda: app.current_screen.ready and _counts(app.current_screen) != before)
    total = sum(int(c.removeprefix("共 ").removesuffix(" 条").replace(",", "")) for c in _counts(home).values())
    assert total == services.content.item_count() == 401
    screenshot("40-home-after-sync")
