"""Home on a kiosk with a feed whose content cache is new and empty: it says 内容正在更新, with a way on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.bootstrap import build_services, prepare_content
from kiosk.config import load_config
from kiosk.services import Services
from tests.ui.conftest import LANDSCAPE, PORTRAIT, frame, screenshot, tap, wait_until


@pytest.fixture
def services(kiosk_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    """The real services of a kiosk with a feed configured, before its first sync (no demo content)."""
    monkeypatch.setenv("KIOSK_SYNC_SOURCE", "https://feed.example.invalid/feed/")
    config = load_config()
    built = build_services(config)
    prepare_content(built.content, config, lambda _line: None)
    yield built
    built.close()


def test_home_says_the_content_is_being_updated_and_offers_reload(app: Any, window: Any, services: Services) -> None:
    home = app.current_screen
    assert services.content.item_count() == 0
    assert home.notice == "内容正在更新，请稍后点“重新载入”查看。"
    assert home.ids.tiles.children == []
    reload = home.ids.reload
    assert reload.opacity == 1 and not reload.disabled and reload.height > 0
    screenshot("40-home-content-updating")
    window.size = LANDSCAPE
    frame()
    screenshot("41-home-content-updating-landscape")
    window.size = PORTRAIT
    frame()

    services.content.load_demo(3, 1)  # as the first sync fills the cache
    tap(reload)
    wait_until(lambda: home.ready and len(home.ids.tiles.children) > 0)
    assert home.notice == "" and home.ids.reload.opacity == 0


def test_home_after_a_failed_first_sync_sends_the_citizen_to_the_desk(
    app: Any, window: Any, services: Services
) -> None:
    home = app.current_screen
    services.sync_status.last_error = "manifest.json: connection failed"  # as the failed sync leaves it
    tap(home.ids.reload)
    wait_until(lambda: home.ready and home.notice.startswith("暂时无法取得公开信息内容"))
    assert "服务台" in home.notice and home.ids.reload.opacity == 1
    screenshot("42-home-first-sync-failed")

    services.sync_status.running = True  # a later try runs: it says the content is being updated again
    tap(home.ids.reload)
    wait_until(lambda: home.ready and home.notice == "内容正在更新，请稍后点“重新载入”查看。")
