"""The attachment viewer on the real services: a page it cannot show is said in words, with printing and 返回 left."""

from __future__ import annotations

import hashlib
import io
from dataclasses import replace
from typing import Any

import pytest
from pypdf import PdfWriter

from content_cache.attachments import attachment_file
from content_cache.demo import annual_report_2008
from content_cache.records import AttachmentRecord
from content_cache.store import upsert_items
from kiosk.services import Services
from printing.pdf import TOO_TALL, TOO_WIDE
from screens.attachment import PAGE_WAY_ON
from tests.ui.conftest import LANDSCAPE, PORTRAIT, frame, screenshot, tap, wait_for_workers, wait_until
from tests.ui.settle import assert_no_overlap, assert_settled

NAME = "2008年公开目录长卷.pdf"


@pytest.fixture
def services(real_services: Services) -> Services:
    """The real services (overrides the fake of tests/ui)."""
    return real_services


def _pdf(*sizes: tuple[float, float]) -> bytes:
    writer = PdfWriter()
    for width, height in sizes:
        writer.add_blank_page(width=width, height=height)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _attach(services: Services, data: bytes) -> str:
    """The seed report with one PDF attachment; its 索引号."""
    sha = hashlib.sha256(data).hexdigest()
    path = attachment_file(services.attachments, sha)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    record = replace(annual_report_2008(), attachments=(AttachmentRecord(NAME, sha, len(data), "application/pdf"),))
    with services.content.transaction() as session:
        upsert_items(session, [record])
    return record.index_no


def _open(app: Any, index_no: str) -> Any:
    app.navigator.show("attachment", index_no=index_no, title=annual_report_2008().title, attachment=NAME)
    viewer = app.current_screen
    wait_until(lambda: viewer.name == "attachment" and viewer.ready, timeout=30)
    return viewer


def test_a_page_too_tall_to_show_is_said_in_words_and_the_other_pages_still_show(app: Any, services: Services) -> None:
    viewer = _open(app, _attach(services, _pdf((595, 842), (200, 20_000), (595, 842))))
    assert viewer.ids.page_image.texture is not None and viewer.notice == ""

    tap(viewer.ids.next)
    wait_until(lambda: viewer.ready and viewer.page == 1, timeout=30)
    assert viewer.notice == f"{TOO_TALL}\n{PAGE_WAY_ON}"
    assert viewer.ids.page_image.texture is None  # not the first page's picture under 第 2 页
    assert viewer.ids.page_label.text == "第 2 / 3 页"
    assert not viewer.ids.print_button.disabled and not viewer.ids.next.disabled
    assert_settled(app.root)
    assert_no_overlap(app.root, PORTRAIT)
    screenshot("attachment-page-too-tall-portrait")

    tap(viewer.ids.next)
    wait_until(lambda: viewer.ready and viewer.page == 2 and viewer.ids.page_image.texture is not None, timeout=30)
    assert viewer.notice == ""

    tap(viewer.ids.previous)
    wait_until(lambda: viewer.ready and viewer.page == 1, timeout=30)
    tap(viewer.ids.print_button)  # the attachment still prints as it is
    wait_until(lambda: app.current_screen.name == "print")
    wait_for_workers()


def test_an_attachment_of_one_banner_page_offers_printing_and_back(app: Any, services: Services, window: Any) -> None:
    index_no = _attach(services, _pdf((20_000, 200)))
    window.size = LANDSCAPE
    frame()
    viewer = _open(app, index_no)
    assert viewer.notice == f"{TOO_WIDE}\n{PAGE_WAY_ON}" and viewer.ids.page_image.texture is None
    assert viewer.ids.page_label.text == "第 1 / 1 页" and not viewer.ids.print_button.disabled
    assert_settled(app.root)
    assert_no_overlap(app.root, LANDSCAPE)
    screenshot("attachment-page-too-wide-landscape")

    tap(viewer.ids.print_button)
    wait_until(lambda: app.current_screen.name == "print")
    wait_for_workers()
    window.size = PORTRAIT


def test_a_picture_the_screen_cannot_take_is_a_page_not_shown_never_a_crash(app: Any, services: Services) -> None:
    viewer = _open(app, _attach(services, _pdf((595, 842))))
    viewer._drawn(b"\x89PNG\r\n\x1a\n not a picture")
    assert viewer.ready and viewer.ids.page_image.texture is None
    assert viewer.notice.endswith(PAGE_WAY_ON) and "PNG" not in viewer.notice
    wait_for_workers()
