"""Run every benchmark and print one table: `python -m benchmarks [--items N]`."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from benchmarks.app_bench import bench_cold_start, bench_screens
from benchmarks.relevance import bench_relevance
from benchmarks.search_bench import bench_search_large
from benchmarks.sync_bench import bench_sync
from content_cache import ContentCache
from kiosk.services import print_document
from printing import CopyStamp, find_cjk_font, render_a4

Row = tuple[str, str, str]


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock milliseconds of `repeat` calls."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def bench_load(cache: ContentCache, items: int) -> list[Row]:
    start = time.perf_counter()
    cache.load_demo(items, seed=1)
    seconds = time.perf_counter() - start
    return [("demo load (items + FTS + pinyin)", f"{items} items", f"{items / seconds:,.0f} items/s")]


QUERIES = {
    "one character": "财",
    "two characters": "预算",
    "four characters": "安全生产",
    "two words": "财政 报告",
    "文号": "宿政发〔2009〕12号",
    "索引号": "003232741/2008-00001",
    "pinyin initials": "czys",
    "full pinyin": "caizhengyusuan",
}


def bench_search(cache: ContentCache, items: int) -> list[Row]:
    rows = []
    for name, query in QUERIES.items():
        cache.search(query, 20)
        ms = timed(lambda q=query: cache.search(q, 20), 20)
        rows.append((f"search: {name}", f"{items} items, top 20", f"p50 {p(ms, 50):.1f} ms, p95 {p(ms, 95):.1f} ms"))
    return rows


def bench_printing(cache: ContentCache) -> list[Row]:
    """An A4 copy of a 30-page item, a receipt slip, and a 5-page copy through a real CUPS queue."""
    item = cache.item("003232741/2008-00001")
    font = find_cjk_font()
    doc = print_document(item)
    stamp = CopyStamp("bench", datetime.now(), None)
    body, pages = item.body, 0
    while pages < 30:  # the report's body repeated until the copy has 30 pages
        long_doc = replace(doc, body=body)
        pdf, pages = render_a4(long_doc, stamp, font_path=font)
        body += "\n" + item.body
    a4 = timed(lambda: render_a4(long_doc, stamp, font_path=font), 5)
    rows = [
        (
            "print: A4 copy render",
            f"{pages} pages",
            f"{statistics.median(a4):.0f} ms median of 5, {len(pdf) / 1024:.0f} KiB",
        )
    ]
    from benchmarks.printing_bench import bench_cups, bench_long_bodies
    from benchmarks.slip_bench import bench_slip

    return rows + bench_slip() + bench_long_bodies() + bench_cups()


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--items", type=int, default=10_000, help="generated items in the cache (default 10000)")
    parser.add_argument(
        "--import-items", type=int, default=100_000, help="items of the full sync import (default 100000)"
    )
    parser.add_argument(
        "--cache-items",
        type=int,
        default=1_000_000,
        help="items of the large cache a 1,000-item delta is applied to (default 1000000; built once "
        "into benchmarks/.cache/)",
    )
    parser.add_argument(
        "--search-items",
        type=int,
        default=1_000_000,
        help="items of the large search cache (default 1000000, bodies of ~1,200 characters; built once "
        "into benchmarks/.cache/ with a tantivy index beside it)",
    )
    parser.add_argument("--starts", type=int, default=7, help="cold starts of each subject, median taken (default 7)")
    parser.add_argument(
        "--start-items",
        type=int,
        default=1_000_000,
        help="items of the large cache the kiosk starts on (default 1000000; the search benchmark's "
        "cache of that size when built, else one built once into benchmarks/.cache/)",
    )
    parser.add_argument("--taps", type=int, default=10, help="repetitions of each screen change (default 10)")
    parser.add_argument(
        "--only",
        choices=("app", "print", "sync", "search", "handwriting", "stats"),
        help="run one group of benchmarks",
    )
    parser.add_argument(
        "--stats-visits",
        type=int,
        default=200,
        help="visits a day of the year of usage events the figures are made from (default 200: ~3 million events)",
    )
    args = parser.parse_args()
    rows: list[Row] = []
    if args.only in (None, "search"):
        rows += bench_relevance()
        rows += bench_search_large(args.search_items)
    if args.only in (None, "sync"):  # after search: its delta reuses the search cache of the same size
        rows += bench_sync(args.import_items, args.cache_items)
    if args.only in (None, "app"):
        with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
            home = Path(tmp)
            cache = ContentCache.open(home / "content.db")
            rows += bench_load(cache, args.items)
            rows += bench_search(cache, args.items)
            cache.close()
            rows += bench_screens(home, args.taps)
        rows += bench_cold_start(args.starts, args.start_items)
    if args.only in (None, "handwriting"):
        from benchmarks.handwriting_bench import bench_handwriting

        rows += bench_handwriting(args.items)
    if args.only in (None, "stats"):
        from benchmarks.stats_bench import bench_stats

        rows += bench_stats(args.stats_visits)
    if args.only in (None, "print"):
        with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
            cache = ContentCache.open(Path(tmp) / "content.db")
            cache.load_demo(10, seed=1)
            rows += bench_printing(cache)
            cache.close()
    width = max(len(r[0]) for r in rows), max(len(r[1]) for r in rows)
    print(f"{'benchmark':<{width[0]}}  {'workload':<{width[1]}}  result")
    for name, workload, result in rows:
        print(f"{name:<{width[0]}}  {workload:<{width[1]}}  {result}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
