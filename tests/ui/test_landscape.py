"""Landscape 1920×1080: the same screens adapt (three tile columns, side-by-side document)."""

from __future__ import annotations

from typing import Any

from tests.ui.conftest import LANDSCAPE, frame, screenshot, wait_until


def test_home_and_document_in_landscape(app: Any, window: Any) -> None:
    window.size = LANDSCAPE
    frame()
    home = app.current_screen
    wait_until(lambda: home.ids.tiles.cols == 3)
    screenshot("20-home-landscape")

    app.navigator.show("document", index_no="01404553-7/2026-90001")
    doc = app.current_screen
    wait_until(lambda: doc.ready)
    wait_until(lambda: doc.ids.meta_scroller.right < doc.ids.scroller.x)  # side by side
    screenshot("21-document-landscape")

    app.navigator.show("search")
    screenshot("22-search-landscape")
