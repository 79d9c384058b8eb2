"""The real App on the real services: a citizen browses to the seed report and prints an A4 copy."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from kiosk.services import Services
from tests.ui.conftest import screenshot, tap, wait_until

pytestmark = pytest.mark.slow  # separate processes: `make test-fast` leaves these out

SEED_TITLE = "宿州市2008年政府信息公开工作年度报告"
SEED_INDEX_NO = "003232741/2008-00001"


@pytest.fixture
def services(real_services: Services) -> Services:
    """The real services (overrides the fake of tests/ui)."""
    return real_services


def _tile(container: Any, title: str) -> Any:
    return next(t for t in container.children if t.title == title)


def test_home_to_a_printed_a4_copy(app: Any, services: Services, kiosk_home: Path) -> None:
    home = app.current_screen
    assert [t.title for t in reversed(home.ids.tiles.children)][3] == "政府信息公开年度报告"
    tap(_tile(home.ids.tiles, "政府信息公开年度报告"))
    wait_until(lambda: app.current_screen.name == "browse" and app.current_screen.ready)
    items = app.current_screen.ids.item_list
    wait_until(lambda: any(r.index_no == SEED_INDEX_NO for r in items.layout_manager.children))
    screenshot("30-real-annual-reports")

    tap(next(r for r in items.layout_manager.children if r.index_no == SEED_INDEX_NO))
    wait_until(lambda: app.current_screen.name == "document" and app.current_screen.ready)
    doc = app.current_screen
    assert doc.index_no == SEED_INDEX_NO and doc.published_on == "2008年12月30日"
    screenshot("31-real-document")

    tap(doc.ids.print_button)
    wait_until(lambda: app.current_screen.name == "print")
    printer = app.current_screen
    tap(printer.ids.a4)
    wait_until(lambda: printer.phase == "ready")
    pages = services.print_quote(SEED_INDEX_NO, "a4").pages
    assert printer.pages_text == f"A4 复印件共 {pages} 页"
    tap(printer.ids.confirm)
    wait_until(lambda: printer.phase == "done", timeout=30)
    screenshot("32-real-printed")

    job = services.queue.jobs()[0]
    assert job.state == "done" and printer.ids.outcome_title.text == f"打印任务号 {job.job_no}"
    pdf = kiosk_home / "spool" / f"{job.job_no}.pdf"
    assert pdf.exists() and job.output == services.queue.printers["a4"].name
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert SEED_TITLE in text and SEED_INDEX_NO in text
