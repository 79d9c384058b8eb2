"""Printing benchmarks that need more than the renderer: a real CUPS scheduler with a cups-pdf queue.

Needs root and the Debian packages cups and printer-driver-cups-pdf (`make bench`
installs them); run from the project folder, as the private cupsd helper lives
in tests/printing/cupsd.py.
"""

from __future__ import annotations

import statistics
import time
from datetime import date, datetime

from printing import CopyStamp, PrintDocument, render_a4
from printing.cups import CupsPrinter
from tests.printing.cupsd import private_cupsd

Row = tuple[str, str, str]
_FINISHED = ("done", "failed", "cancelled")
_PARAGRAPH = "各级行政机关应当主动公开本机关的政府信息，方便公民、法人和其他组织查阅和复制。"


def bench_cups(pages: int = 5) -> list[Row]:
    """Seconds from `submit` to progress "done" for a `pages`-page A4 copy on a private cups-pdf queue (median of 3)."""
    pdf = _copy_of(pages)
    with private_cupsd("KioskBench") as server:
        printer = CupsPrinter(server.queue, server=server.server, timeout=30)
        seconds = [_submit_until_done(printer, pdf, f"B{run:04d}") for run in range(3)]
    return [("print: CUPS submit → done", f"{pages}-page A4 copy, cups-pdf queue",
             f"{statistics.median(seconds):.2f} s (median of 3)")]


def _copy_of(pages: int) -> bytes:
    """An A4 copy of exactly `pages` pages: the body grows until the renderer needs that many."""
    stamp = CopyStamp(kiosk_name="宿迁市档案馆 查阅机1", printed_at=datetime(2024, 5, 1, 14, 30), content_synced_on=None)
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
        validity_label="有效",
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
