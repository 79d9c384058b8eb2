"""A document's print path on a fake service: pages, fee, refusals, printer errors, attachments.

Browsing and reading run on the real services in test_browse_long_column.py and test_document.py.
"""

from __future__ import annotations

from typing import Any

from screens.print_copy import UNKNOWN_FAULT
from tests.ui.conftest import screenshot, tap, wait_for_workers, wait_until
from tests.ui.fakes import COLLECT_AT, JOB_NO, printer_offline


def _open_first_document(app: Any) -> Any:
    app.navigator.show("document", index_no="01404553-7/2026-10000")
    wait_until(lambda: app.current_screen.name == "document" and app.current_screen.ready)
    return app.current_screen


def test_abolished_document_is_clearly_marked(app: Any) -> None:
    app.navigator.show("document", index_no="01404553-7/2008-00012")
    doc = app.current_screen
    wait_until(lambda: doc.ready)
    assert doc.abolished
    assert doc.validity == "已废止（2015年1月1日起）"
    assert doc.ids.abolished_banner.text == "本文件已废止，仅供查阅参考"
    screenshot("05-document-abolished")


def test_print_a4_shows_pages_then_the_job_and_where_to_collect(app: Any, services: Any) -> None:
    doc = _open_first_document(app)
    tap(doc.ids.print_button)
    wait_until(lambda: app.current_screen.name == "print")
    printer = app.current_screen
    assert printer.ids.confirm.disabled
    screenshot("06-print-choose")

    tap(printer.ids.a4)
    wait_until(lambda: printer.phase == "ready")
    assert printer.pages_text == "A4 复印件共 1 页"
    tap(printer.ids.confirm)
    wait_until(lambda: printer.phase == "done")
    assert printer.ids.outcome_title.text == f"打印任务号 {JOB_NO}"
    assert COLLECT_AT in printer.ids.outcome.text
    assert ("print_item", (doc.index_no, "a4")) in services.calls
    screenshot("07-print-done")


def test_print_error_is_shown_in_words(app: Any, services: Any) -> None:
    services.print_error = printer_offline()
    app.navigator.show("print", index_no="01404553-7/2026-90001", title="宿州市2026年市级财政预算执行情况的报告")
    printer = app.current_screen
    tap(printer.ids.receipt)
    wait_until(lambda: printer.phase == "ready")
    assert printer.pages_text.endswith("张")
    tap(printer.ids.confirm)
    wait_until(lambda: printer.phase == "unknown")
    # an error the services did not put into words: nobody can say whether a job was made
    assert printer.ids.outcome_title.text == "未能打印"
    assert printer.ids.outcome.text == UNKNOWN_FAULT
    screenshot("08-print-failed")
    wait_for_workers()


def test_print_warns_of_an_abolished_document_and_shows_the_fee(app: Any, services: Any) -> None:
    services.fee_cents_per_page = 50
    abolished = next(d for d in services._docs.values() if d.detail.validity == "abolished").detail
    app.navigator.show("print", index_no=abolished.index_no, title=abolished.title)
    printer = app.current_screen
    tap(printer.ids.a4)
    wait_until(lambda: printer.phase == "ready")
    pages = services.print_quote(abolished.index_no, "a4").pages
    assert printer.pages_text == f"A4 复印件共 {pages} 页" and printer.terms_text == f"费用 {pages * 0.5:.2f} 元"
    assert printer.ids.warning.text == "本文件已废止，打印件仅供查阅参考。" and printer.ids.warning.height > 0
    screenshot("09-print-abolished-fee")
    wait_for_workers()


def test_a_quota_refusal_is_said_before_confirming(app: Any, services: Any) -> None:
    services.refusal = "每位读者每次最多打印 50 页，您还可打印 2 页。如需更多，请联系工作人员。"
    app.navigator.show("print", index_no="01404553-7/2026-90001", title="宿州市2026年市级财政预算执行情况的报告")
    printer = app.current_screen
    tap(printer.ids.a4)
    wait_until(lambda: printer.phase == "refused")
    assert printer.ids.confirm.disabled and printer.ids.outcome.text == services.refusal
    assert not any(name == "print_item" for name, _ in services.calls)
    wait_for_workers()


def test_an_attachment_is_read_page_by_page_and_printed_as_it_is(app: Any, services: Any) -> None:
    from screens.document import AttachmentButton
    from tests.ui.fakes import ATTACHMENT, ATTACHMENT_PAGES, ORG

    index_no = f"{ORG}/2025-90002"
    app.navigator.show("document", index_no=index_no)
    doc = app.current_screen
    wait_until(lambda: doc.ready and doc.title and not doc.laying_out)  # attachments follow the paragraphs
    button = next(w for w in doc.ids.body.children if isinstance(w, AttachmentButton))
    assert button.text == f"附件：{ATTACHMENT}"
    doc.ids.scroller.scroll_y = 0  # the attachments follow the text
    tap(button)
    wait_until(lambda: app.current_screen.name == "attachment" and app.current_screen.ready)
    viewer = app.current_screen
    assert viewer.ids.page_label.text == f"第 1 / {ATTACHMENT_PAGES} 页" and viewer.ids.page_image.texture is not None
    assert viewer.ids.previous.disabled
    screenshot("10-attachment-page")
    tap(viewer.ids.next)
    wait_until(lambda: ("attachment_page", (index_no, ATTACHMENT, 1)) in services.calls and viewer.ready)
    assert viewer.ids.page_label.text == f"第 2 / {ATTACHMENT_PAGES} 页"
    tap(viewer.ids.print_button)
    wait_until(lambda: app.current_screen.name == "print")
    printer = app.current_screen
    assert printer.ids.receipt.disabled  # an attachment prints as it is, on A4
    tap(printer.ids.a4)
    wait_until(lambda: printer.phase == "ready")
    assert printer.pages_text == f"A4 复印件共 {ATTACHMENT_PAGES} 页"
    tap(printer.ids.confirm)
    wait_until(lambda: printer.phase == "done")
    assert ("print_item", (index_no, "a4", ATTACHMENT)) in services.calls
    wait_for_workers()
