"""Sync benchmarks: a full import, a 1,000-item delta on a large cache, and a no-op sync over HTTP.

The large cache is built once by the content cache's own write path and kept
in benchmarks/.cache/ (it takes minutes at a million items); later runs reuse it.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import replace
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from itertools import islice
from pathlib import Path

from sqlalchemy import select

from benchmarks.search_bench import search_cache_path
from content_cache import ContentCache, fts, store
from content_cache.catalogue_layout import column_records
from content_cache.demo import iter_items, publisher_records
from content_cache.feed import generate_keypair, item_to_json, load_public_key, publish
from content_cache.feed.codec import column_to_json, publisher_to_json
from content_cache.feed.export import ITEM_COLUMNS
from content_cache.models import Item
from content_cache.records import ItemRecord
from content_cache.sync.run import run_sync
from content_cache.sync.transport import HttpTransport

Row = tuple[str, str, str]
CACHE_DIR = Path(__file__).parent / ".cache"
SCHEMA = f"c0003-cut{fts.CUT_VERSION}"  # the schema and cut the kept caches were built with; a new one rebuilds them


def write_src(src: Path, items: list[ItemRecord] | None, count: int = 0, seed: int = 1) -> None:
    """The publisher's input folder for `items` (or `count` generated ones)."""
    src.mkdir(parents=True, exist_ok=True)
    lines = lambda rows: "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)  # noqa: E731
    (src / "publishers.jsonl").write_text(lines(publisher_to_json(p) for p in publisher_records()), "utf-8")
    (src / "columns.jsonl").write_text(lines(column_to_json(c) for c in column_records()), "utf-8")
    records = items if items is not None else iter_items(count, seed)
    with (src / "items.jsonl").open("w", encoding="utf-8") as out:
        for rec in records:
            out.write(json.dumps(item_to_json(rec), ensure_ascii=False) + "\n")


# The kiosk's own peak: VmHWM belongs to the process image after exec. getrusage's ru_maxrss
# would also count the benchmark's pages, which the child shares between fork and exec.
_WITH_PEAK = """
import sys
from kiosk.cli import main
import resource
code = main(sys.argv[1:])
print(next(l for l in open("/proc/self/status") if l.startswith("VmHWM:")), file=sys.stderr)
print("WorkerHWM:", resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "kB", file=sys.stderr)
sys.exit(code)
"""


def full_import(root: Path, count: int) -> list[Row]:
    """`kiosk sync` of a `count`-item snapshot into an empty kiosk, in its own process."""
    keys = root / "keys"
    key, pub = generate_keypair(keys)
    write_src(root / "src", None, count, seed=2)
    start = time.perf_counter()
    publish(root / "src", root / "feed", key)
    published = time.perf_counter() - start
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")} | {"KIOSK_HOME": str(root / "kiosk")}
    cmd = [sys.executable, "-c", _WITH_PEAK, "sync", "--source", str(root / "feed"), "--trust", str(pub)]
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600)
    seconds = time.perf_counter() - start
    if done.returncode:
        return [("sync: full import", f"{count:,} items", f"failed: {done.stderr.strip()}")]
    peak = int(done.stderr.rsplit("VmHWM:", 1)[1].split()[0]) / 1024
    worker = int(done.stderr.rsplit("WorkerHWM:", 1)[1].split()[0]) / 1024
    return [
        ("publish: snapshot", f"{count:,} items", f"{published:.1f} s"),
        ("sync: full import (kiosk sync)", f"{count:,} items", f"{count / seconds:,.0f} items/s ({seconds:.1f} s)"),
        ("sync: full import peak memory", "peak RSS (VmHWM) of kiosk sync", f"{peak:,.0f} MiB"),
        ("sync: full import worker memory", "largest peak RSS of a worker", f"{worker:,.0f} MiB"),
    ]


def large_cache(items: int) -> Path:
    """A content cache of `items` generated items, built once and kept."""
    CACHE_DIR.mkdir(exist_ok=True)
    path = CACHE_DIR / f"content-{items}-{SCHEMA}.db"
    if not (CACHE_DIR / f"content-{items}-{SCHEMA}.ready").exists():
        for old in CACHE_DIR.glob(f"content-{items}*"):
            old.unlink()
        cache = ContentCache.open(path)
        with cache.transaction() as session:
            store.upsert_publishers(session, publisher_records())
            store.upsert_columns(session, column_records())
        stream = iter_items(items, seed=3)
        while batch := list(islice(stream, 50_000)):
            with cache.transaction() as session:
                store.upsert_items(session, batch)
        cache.close()
        (CACHE_DIR / f"content-{items}-{SCHEMA}.ready").touch()
    return path


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def _cached_items(path: Path, count: int) -> list[ItemRecord]:
    """The first `count` items of a cache, as records (attachments left out)."""
    cache = ContentCache.open(path)
    try:
        with cache.session() as session:
            rows = session.execute(
                select(*(getattr(Item, name) for name in ITEM_COLUMNS)).order_by(Item.id).limit(count)
            ).all()
    finally:
        cache.close()
    return [ItemRecord(**dict(zip(ITEM_COLUMNS, row, strict=True))) for row in rows]


def delta_and_noop(root: Path, cache_items: int, changed: int = 1000) -> list[Row]:
    """A delta of `changed` items on the large cache, then a sync that finds nothing new, over HTTP.

    The search benchmark's cache of the same size (bodies of 1,200 characters)
    serves when it has been built; else the sync's own is built.
    """
    searched = search_cache_path(cache_items)
    path = searched or large_cache(cache_items)
    first = _cached_items(path, changed)
    key, pub = generate_keypair(root / "dkeys")
    write_src(root / "dsrc", first)
    publish(root / "dsrc", root / "dfeed", key)  # sequence 1: the items as the cache holds them
    # A new mark each run: the cache is kept between runs, and items equal to the cached ones are skipped.
    mark = f"(修订{time.time_ns()})"
    write_src(root / "dsrc", [replace(r, title=r.title + mark) for r in first])
    publish(root / "dsrc", root / "dfeed", key)  # sequence 2: a delta changing every one of them
    cache = ContentCache.open(path)
    with cache.transaction() as session:
        store.set_meta(session, store.FEED_SEQUENCE, "1")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root / "dfeed")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        rows = []
        for label in ("delta", "no-op"):
            transport = HttpTransport(url, root / "staging")
            start = time.perf_counter()
            report = run_sync(cache, transport, [load_public_key(pub)], attachments=root / "att")
            seconds = time.perf_counter() - start
            transport.close()
            size = f"{cache_items:,}{' (1,200-char bodies)' if searched else ''}"
            what = f"{changed:,} changed on {size}" if label == "delta" else f"{size}-item cache"
            rows.append((f"sync: {label} ({report.mode})", what, f"{seconds:.2f} s, {report.bytes_read:,} bytes read"))
        return rows
    finally:
        server.shutdown()
        server.server_close()
        cache.close()


def bench_sync(import_items: int, cache_items: int) -> list[Row]:
    root = Path(os.environ.get("TMPDIR", "/tmp")) / f"kiosk-sync-bench-{os.getpid()}"
    root.mkdir(parents=True)
    try:
        return full_import(root / "import", import_items) + delta_and_noop(root, cache_items)
    finally:
        shutil.rmtree(root, ignore_errors=True)
