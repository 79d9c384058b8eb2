"""Receipt slips: how long `render_receipt` takes for a typical item, as GB18030 text and as raster images.

The item is built here rather than read from a cache, so the figures need no
database: a 29-character title with a 文号, a source address for the QR code,
and a job number, as a citizen's slip carries them.
"""

from __future__ import annotations

import functools
import statistics
import time
from datetime import date, datetime

from printing import CopyStamp, PrintDocument, ReceiptWidth, find_cjk_font, render_receipt
from printing.uri import TextMode

Row = tuple[str, str, str]
RUNS = 50

TYPICAL = PrintDocument(
    index_no="11320000014000000X/2008-00012",
    title="宿迁市人民政府关于2008年政府信息公开工作的年度报告",
    doc_no="宿政发〔2009〕12号",
    publisher="宿迁市人民政府办公室",
    written_on=date(2008, 12, 30),
    published_on=date(2009, 3, 31),
    validity="valid",
    body="根据《中华人民共和国政府信息公开条例》规定，现公布2008年度本市政府信息公开工作年度报告。",
    source_url="https://www.suqian.gov.cn/xxgk/2008/00012.shtml",
)
CASES: tuple[tuple[ReceiptWidth, TextMode, str], ...] = (
    ("58mm", "gb18030", "58 mm, GB18030 text"),
    ("58mm", "raster", "58 mm, raster text"),
    ("80mm", "raster", "80 mm, raster text"),
)


def bench_slip(runs: int = RUNS) -> list[Row]:
    """Median time of `runs` renders of the typical slip in each width and text mode, with its size."""
    font = find_cjk_font()
    stamp = CopyStamp("宿迁市档案馆 查阅机1", datetime(2024, 5, 1, 14, 30), date(2024, 4, 30))
    rows = []
    for width, text, workload in CASES:
        render = functools.partial(render_receipt, TYPICAL, stamp, width, job_no="A-0042", text=text, font_path=font)
        size = len(render())  # the first call loads the font; later ones are what a kiosk pays
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            render()
            times.append((time.perf_counter() - start) * 1000)
        rows.append(
            ("print: receipt slip bytes", workload, f"{statistics.median(times):.1f} ms median, {size:,} bytes")
        )
    return rows


if __name__ == "__main__":
    for row in bench_slip():
        print("  ".join(row))
