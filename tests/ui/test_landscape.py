"""Landscape 1920×1080 on the real services: three tile columns, the document's card beside its text."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.services import Services
from tests.ui.conftest import LANDSCAPE, PORTRAIT, frame, screenshot, wait_until

SEED_INDEX_NO = "003232741/2008-00001"


@pytest.fixture
def services(real_services: Services) -> Services:
    """The real services (overrides the fake of tests/ui)."""
    return real_services


def test_home_and_document_in_landscape(app: Any, window: Any) -> None:
    window.size = LANDSCAPE
    frame()
    home = app.current_screen
    wait_until(lambda: home.ids.tiles.cols == 3)
    screenshot("20-home-landscape")

    app.navigator.show("document", index_no=SEED_INDEX_NO)
    doc = app.current_screen
    wait_until(lambda: doc.ready and not doc.laying_out, timeout=120)
    wait_until(lambda: doc.ids.meta_scroller.right < doc.ids.scroller.x)  # side by side
    screenshot("21-document-landscape")

    app.navigator.show("search")
    screenshot("22-search-landscape")
    window.size = PORTRAIT
