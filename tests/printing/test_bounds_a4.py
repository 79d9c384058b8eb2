"""A4 copies are bounded: pages known cheaply before rendering, layout linear in the text, limits on pages and time."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from printing import a4
from printing.a4 import estimate_a4_pages, render_a4
from printing.document import CopyStamp, PrintDocument
from printing.errors import CopyTooLong, RenderError, RenderTimedOut

SENTENCE = "各级行政机关应当主动公开本机关的政府信息，方便公民、法人和其他组织查阅和复制。"
MIXED = (
    "依据《条例》第12条（2008年修订）, the office published 003232741/2008-00001 at "
    "https://www.suqian.gov.cn/xxgk/ 共计1,234.5万元。"
)


def _text(unit: str, length: int, paragraph: int = 0) -> str:
    """`length` characters of `unit` repeated; cut into paragraphs of `paragraph` characters when given."""
    text = (unit * (length // len(unit) + 1))[:length]
    if not paragraph:
        return text
    return "\n".join(text[i : i + paragraph] for i in range(0, len(text), paragraph))


BODIES = {
    "chinese, one paragraph": _text(SENTENCE, 12_000),
    "chinese, many paragraphs": _text(SENTENCE, 12_000, 300),
    "mixed, one paragraph": _text(MIXED, 12_000),
    "mixed, many paragraphs": _text(MIXED, 12_000, 250),
    "spaces and controls": _text("公开 \t\x07信息\u200b  , ", 6_000),
    "characters the font lacks": _text("𠀀𠀁𠀂政府", 6_000),
    "short lines": "\n".join(["一"] * 400),
}


@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
def test_the_estimate_never_exceeds_the_pages_rendered_and_comes_close(
    make_document: Callable[..., PrintDocument], stamp: CopyStamp, body: str
) -> None:
    doc = make_document(body=body)
    estimate = estimate_a4_pages(doc)
    _, pages = render_a4(doc, stamp)
    assert estimate <= pages
    assert estimate >= 0.85 * pages - 1  # close enough to refuse a copy on it


def test_a_copy_over_the_limit_is_refused_before_rendering(
    make_document: Callable[..., PrintDocument], stamp: CopyStamp
) -> None:
    doc = make_document(body=_text(SENTENCE, 120_000))
    # The renderer is busy with another copy: a render would wait, a refusal on the estimate does not.
    with a4._RENDER_LOCK:
        with pytest.raises(CopyTooLong) as refused:
            render_a4(doc, stamp, max_pages=20, seconds=600)
    assert refused.value.limit == 20 and refused.value.pages == estimate_a4_pages(doc) > 20


def test_a_long_title_counts_in_the_estimate(make_document: Callable[..., PrintDocument], stamp: CopyStamp) -> None:
    doc = make_document(title=_text(SENTENCE, 6_000), body="正文。")
    estimate = estimate_a4_pages(doc)
    assert 1 < estimate <= render_a4(doc, stamp)[1]


def test_a_render_stops_as_soon_as_it_passes_the_limit(
    make_document: Callable[..., PrintDocument], stamp: CopyStamp
) -> None:
    # Short lines the estimate counts as one each; the header's metadata table is not counted at all.
    doc = make_document(body="\n".join(["一"] * 64))
    assert estimate_a4_pages(doc) == 2
    with pytest.raises(CopyTooLong) as stopped:
        render_a4(doc, stamp, max_pages=2)
    assert stopped.value.pages == 3
    assert render_a4(doc, stamp, max_pages=10)[1] == 3


def test_a_render_that_runs_out_of_time_stops_and_frees_the_renderer(
    make_document: Callable[..., PrintDocument], stamp: CopyStamp
) -> None:
    doc = make_document(body=_text(SENTENCE, 30_000))
    with pytest.raises(RenderTimedOut):
        render_a4(doc, stamp, seconds=0)
    assert not a4._RENDER_LOCK.locked()
    assert render_a4(doc, stamp)[1] > 1  # the next copy is made


def test_a_render_waiting_on_a_busy_renderer_gives_up_at_its_time(
    make_document: Callable[..., PrintDocument], stamp: CopyStamp
) -> None:
    with a4._RENDER_LOCK:
        with pytest.raises(RenderTimedOut):
            render_a4(make_document(), stamp, seconds=0.05)
    assert issubclass(RenderTimedOut, RenderError) and issubclass(CopyTooLong, RenderError)


@pytest.fixture
def laid_out_characters(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Characters reportlab's CJK line breaking is handed, in total (the real breaking runs)."""
    counted = [0]
    original = Paragraph.breakLinesCJK

    def counting(self: Paragraph, *args: Any, **kwargs: Any) -> Any:
        counted[0] += sum(len(getattr(frag, "text", "")) for frag in self.frags)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Paragraph, "breakLinesCJK", counting)
    yield counted


@pytest.mark.parametrize("body", [BODIES["chinese, one paragraph"], BODIES["mixed, one paragraph"]])
def test_one_long_paragraph_is_laid_out_a_bounded_number_of_times(
    make_document: Callable[..., PrintDocument], stamp: CopyStamp, laid_out_characters: list[int], body: str
) -> None:
    # Laid out whole and again for each page's rest, 12,000 characters were handed over about 60 times.
    _, pages = render_a4(make_document(body=body), stamp)
    assert pages > 5
    assert laid_out_characters[0] < 4 * len(body)


def test_a_long_paragraph_split_over_pages_keeps_its_text_whole_and_in_order(
    make_document: Callable[..., PrintDocument], stamp: CopyStamp, pdf_tool: Callable[..., str]
) -> None:
    body = "".join(f"第{n}句：政府信息公开。" for n in range(1, 1500))
    pdf, pages = render_a4(make_document(body=body), stamp)
    # Between the running header and the footer of each page, in points (-r 72).
    top, bottom = round(a4.MARGIN_TOP - 4 * mm), round(A4[1] - a4.MARGIN_BOTTOM + 4 * mm)
    text = pdf_tool(
        "pdftotext", pdf, "-r", "72", "-x", "0", "-y", str(top), "-W", str(round(A4[0])), "-H", str(bottom - top)
    )
    assert pages > 3 and "索引号11320000014000000X/2008-00012" not in re.sub(r"\s+", "", text.split("\f")[1])
    text = re.sub(r"\s+", "", text)
    positions = [text.find(f"第{n}句：政府信息公开。") for n in range(1, 1500)]
    assert -1 not in positions and positions == sorted(positions)


def test_a_title_and_a_body_of_one_character_each_still_make_one_page(
    make_document: Callable[..., PrintDocument], stamp: CopyStamp
) -> None:
    doc = make_document(title="一", body="二")
    assert estimate_a4_pages(doc) == 1 == render_a4(doc, stamp, max_pages=1)[1]


@pytest.mark.parametrize(
    "body",
    [BODIES["chinese, one paragraph"], BODIES["mixed, one paragraph"], _text("《条例》，“公开”。（一）", 6_000)],
    ids=["chinese", "mixed", "marks"],
)
def test_a_long_paragraph_broken_a_stretch_at_a_time_has_the_lines_of_one_breaking(body: str) -> None:
    from content_cache.linebreak import fill_lines
    from printing.a4_text import broken_lines, char_widths, line_room
    from printing.fonts import find_cjk_font, register_cjk_font

    font = register_cjk_font(find_cjk_font())
    style = a4._make_styles(font).body
    width = a4._frame_size()[0]
    whole = fill_lines(
        body, line_room(style, width), char_widths(font, style.fontSize), first_indent=style.firstLineIndent
    )
    assert broken_lines(body, style, width) == [line.strip() for line in whole]


def test_a_long_run_without_a_break_is_laid_out_in_bounded_time_and_stops_at_its_time(
    make_document: Callable[..., PrintDocument], stamp: CopyStamp
) -> None:
    doc = make_document(body="abcdefghij" * 3_000)  # one 30,000-letter word: broken between letters
    with pytest.raises(RenderTimedOut):
        render_a4(doc, stamp, seconds=0)
    assert render_a4(doc, stamp)[1] > 5
