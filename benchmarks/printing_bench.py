"""Printing benchmarks: A4 copies of long bodies, and a real CUPS scheduler with a cups-pdf queue.

`bench_long_bodies` times the page estimate, a refusal over a page limit and a
whole render for bodies of 24,000 to 2,400,000 characters, Chinese and mixed,
in one paragraph and in many: the render's time per character should stay flat
as the text grows (`python -m benchmarks.printing_bench` runs it alone).

`bench_cups` needs root and the Debian packages cups and printer-driver-cups-pdf
(`make bench` installs them); run from the project folder, as the private cupsd
helper lives in tests/printing/cupsd.py.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date, datetime
from typing import TYPE_CHECKING

from printing import CopyStamp, PrintDocument, estimate_a4_pages, render_a4
from printing.errors import CopyTooLong

if TYPE_CHECKING:
    from printing.cups import CupsPrinter

Row = tuple[str, str, str]
_FINISHED = ("done", "failed", "cancelled")
_PARAGRAPH = "各级行政机关应当主动公开本机关的政府信息，方便公民、法人和其他组织查阅和复制。"
_MIXED = (
    "依据《条例》第12条（2008年修订）, the office published 003232741/2008-00001 at "
    "https://www.suqian.gov.cn/xxgk/ 共计1,234.5万元。"
)
LONG_LENGTHS = (24_000, 240_000, 2_400_000)
_SHAPES = {  # name: (repeated text, characters a paragraph; 0 for one paragraph)
    "Chinese, one paragraph": (_PARAGRAPH, 0),
    "Chinese, 300-char paragraphs": (_PARAGRAPH, 300),
    "mixed, one paragraph": (_MIXED, 0),
    "mixed, 300-char paragraphs": (_MIXED, 300),
}
_REFUSE_ABOVE = 50  # pages: the default per-visit quota


def bench_long_bodies(lengths: tuple[int, ...] = LONG_LENGTHS) -> list[Row]:
    """Per body length and shape: the page estimate, a refusal over 50 pages, and the whole render (no time bound)."""
    stamp = CopyStamp(
        kiosk_name="宿迁市档案馆 查阅机1", printed_at=datetime(2024, 5, 1, 14, 30), content_synced_on=None
    )
    render_a4(_document("预热。"), stamp)  # the font and the line breaker loaded once, outside the figures
    rows = []
    for length in lengths:
        for shape, (unit, paragraph) in _SHAPES.items():
            doc = _document(_long_body(unit, length, paragraph))
            rows.append((f"print: A4 long body, {shape}", f"{length:,} characters", _long_figures(doc, stamp)))
    return rows


def _long_figures(doc: PrintDocument, stamp: CopyStamp) -> str:
    start = time.perf_counter()
    estimate = estimate_a4_pages(doc)
    estimated = time.perf_counter() - start
    start = time.perf_counter()
    try:
        render_a4(doc, stamp, max_pages=_REFUSE_ABOVE)
        refused = "not refused"
    except CopyTooLong:
        refused = f"refused over {_REFUSE_ABOVE} pages in {(time.perf_counter() - start) * 1000:.0f} ms"
    start = time.perf_counter()
    _, pages = render_a4(doc, stamp, seconds=3600)
    rendered = time.perf_counter() - start
    per_char = rendered / len(doc.body) * 1e6
    return (
        f"estimate {estimate} pages in {estimated * 1000:.0f} ms; {refused}; "
        f"render {pages} pages in {rendered:.2f} s ({per_char:.1f} µs/char)"
    )


def _long_body(unit: str, length: int, paragraph: int) -> str:
    text = (unit * (length // len(unit) + 1))[:length]
    if not paragraph:
        return text
    return "\n".join(text[i : i + paragraph] for i in range(0, length, paragraph))


def bench_cups(pages: int = 5) -> list[Row]:
    """Seconds from `submit` to progress "done" for a `pages`-page A4 copy on a private cups-pdf queue (median of 3)."""
    from printing.cups import CupsPrinter
    from tests.printing.cupsd import private_cupsd

    pdf = _copy_of(pages)
    with private_cupsd("KioskBench") as server:
        printer = CupsPrinter(server.queue, server=server.server, timeout=30)
        seconds = [_submit_until_done(printer, pdf, f"B{run:04d}") for run in range(3)]
    return [
        (
            "print: CUPS submit → done",
            f"{pages}-page A4 copy, cups-pdf queue",
            f"{statistics.median(seconds):.2f} s (median of 3)",
        )
    ]


def _copy_of(pages: int) -> bytes:
    """An A4 copy of exactly `pages` pages: the body grows until the renderer needs that many."""
    stamp = CopyStamp(
        kiosk_name="宿迁市档案馆 查阅机1", printed_at=datetime(2024, 5, 1, 14, 30), content_synced_on=None
    )
    # A paragraph fills about a fifth of a page: start just short of the wanted count.
    for paragraphs in range(max(1, 4 * (pages - 1)), 10 * pages + 10):
        body = "\n".join(f"第{n}段　{_PARAGRAPH * 6}" for n in range(1, paragraphs + 1))
        pdf, rendered = render_a4(_document(body), stamp)
        if rendered >= pages:
            if rendered != pages:
                raise RuntimeError(f"wanted a {pages}-page copy, the renderer made {rendered} pages")
            return pdf
    raise RuntimeError(f"could not make a {pages}-page copy")


def _document(body: str) -> PrintDocument:
    return PrintDocument(
        index_no="11320000014000000X/2008-00012",
        title="宿迁市人民政府关于2008年政府信息公开工作的年度报告",
        doc_no=None,
        publisher="宿迁市人民政府办公室",
        written_on=date(2008, 12, 30),
        published_on=date(2009, 3, 31),
        validity="valid",
        body=body,
        source_url="https://www.suqian.gov.cn/xxgk/2008/00012.shtml",
    )


def _submit_until_done(printer: CupsPrinter, pdf: bytes, job_no: str, limit: float = 120.0) -> float:
    start = time.perf_counter()
    handle = printer.submit(job_no, "a4", pdf, title="benchmark copy")
    while (progress := printer.progress(handle)) not in _FINISHED:
        if time.perf_counter() - start > limit:
            raise RuntimeError(f"CUPS job {handle} still {progress} after {limit:g} s")
        time.sleep(0.02)
    if progress != "done":
        raise RuntimeError(f"CUPS job {handle} ended {progress}, not done")
    return time.perf_counter() - start


def _print_rows(rows: list[Row]) -> None:
    width = max(len(r[0]) for r in rows), max(len(r[1]) for r in rows)
    for name, workload, result in rows:
        print(f"{name:<{width[0]}}  {workload:<{width[1]}}  {result}", flush=True)


if __name__ == "__main__":
    _print_rows(bench_long_bodies(tuple(int(arg) for arg in sys.argv[1:]) or LONG_LENGTHS))
