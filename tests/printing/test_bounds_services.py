"""The kiosk's services bound a citizen's A4 copy: refused on its estimate before rendering, stopped at its time."""

from __future__ import annotations

from dataclasses import replace

import pytest

from content_cache.demo import annual_report_2008
from content_cache.store import upsert_items
from kiosk.errors import TOO_LONG, TOO_SLOW, trouble
from kiosk.print_outcome import NO_JOB
from kiosk.services import PrintRefused, Services, print_document
from printing import a4
from printing.errors import CopyTooLong, RenderTimedOut

SENTENCE = "各级行政机关应当主动公开本机关的政府信息，方便公民、法人和其他组织查阅和复制。"


def _with_body(services: Services, body: str) -> str:
    """The seed report given `body`; its 索引号."""
    record = replace(annual_report_2008(), body=body)
    with services.content.transaction() as session:
        upsert_items(session, [record])
    return record.index_no


def test_a_copy_over_the_visit_quota_is_refused_on_its_estimate_without_rendering(real_services: Services) -> None:
    index_no = _with_body(real_services, SENTENCE * 3_000)  # 120,000 characters, about 95 pages
    # The renderer is held: a quote or a print that rendered would wait for it and time out instead.
    with a4._RENDER_LOCK:
        quote = real_services.print_quote(index_no, "a4")
        with pytest.raises(PrintRefused) as refused:
            real_services.print_item(index_no, "a4")
    assert quote.refusal.startswith("每位读者每次最多打印 50 页") and quote.pages > 50
    assert str(refused.value).startswith("每位读者每次最多打印 50 页") and str(refused.value).endswith(NO_JOB)
    assert real_services.queue.jobs() == []


def test_a_copy_within_the_quota_is_still_counted_exactly(real_services: Services) -> None:
    index_no = _with_body(real_services, SENTENCE * 500)
    quote = real_services.print_quote(index_no, "a4")
    doc = print_document(real_services.content.item(index_no))
    assert quote.refusal == "" and quote.pages == a4.count_a4_pages(doc, real_services._stamp()) > 10
    assert a4.estimate_a4_pages(doc) <= quote.pages


def test_a_copy_that_takes_too_long_to_render_is_not_made_and_the_next_one_is(
    real_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_no = _with_body(real_services, SENTENCE * 100)
    monkeypatch.setattr(a4, "RENDER_SECONDS", 0.0)
    with pytest.raises(PrintRefused) as refused:
        real_services.print_item(index_no, "a4")
    assert str(refused.value) == f"{TOO_SLOW.text}\n{NO_JOB}"
    assert real_services.queue.jobs() == []
    monkeypatch.setattr(a4, "RENDER_SECONDS", 60.0)
    outcome = real_services.print_item(index_no, "a4")
    assert outcome.made and outcome.state == "done"


def test_render_bounds_are_said_in_the_citizens_words() -> None:
    assert trouble(CopyTooLong("x", pages=900, limit=500)) is TOO_LONG
    assert trouble(RenderTimedOut("x")) is TOO_SLOW
    for words in (TOO_LONG.text, TOO_SLOW.text):
        assert "工作人员" in words and not any(ch.isascii() and ch.isalpha() for ch in words)
