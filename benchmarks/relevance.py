"""The relevance set scored: hand-written items and citizen queries (tests/relevance/), success@k and MRR.

The items are mixed into a cache of generated demo items, as a real catalogue
holds them among many others; each query must bring its expected items into
its top k. `python -m benchmarks.relevance [--demo N]` prints the figures per
class; tests/content_cache/test_relevance.py holds the floor.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

SET = Path(__file__).resolve().parents[1] / "tests" / "relevance"


@dataclass(frozen=True, slots=True)
class Query:
    """One query of the set: what a citizen types, its class, and what must come in its top k."""

    text: str
    kind: str
    expect: tuple[str, ...]
    k: int


@dataclass(frozen=True, slots=True)
class Scores:
    """How the search did on the set: found within k, and the mean reciprocal rank of the first expected item."""

    queries: int
    found: int
    mrr: float
    by_class: dict[str, tuple[int, int]]  # class → (found, queries)
    missed: tuple[tuple[str, str, int | None], ...]  # (class, query, rank of the first expected item or None)

    @property
    def success(self) -> float:
        """The share of queries whose expected items all came within their k."""
        return self.found / self.queries if self.queries else 0.0


def items() -> list[Any]:
    """The set's items as ItemRecords."""
    from content_cache.feed.codec import item_from_json

    out = []
    for number, line in enumerate((SET / "items.jsonl").read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            obj = json.loads(line)
            obj.setdefault("written_on", None)
            obj.setdefault("effective_on", None)
            obj.setdefault("abolished_on", None)
            obj.setdefault("source_url", "")
            obj.setdefault("attachments", [])
            obj.setdefault("doc_no", None)
            out.append(item_from_json(obj, f"items.jsonl line {number}"))
    return out


def queries() -> list[Query]:
    """The set's queries."""
    out = []
    for line in (SET / "queries.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            obj = json.loads(line)
            out.append(Query(obj["query"], obj["class"], tuple(obj["expect"]), int(obj["k"])))
    return out


def build_cache(path: Path, demo: int) -> Any:
    """A content cache of `demo` generated items with the set's items among them."""
    from content_cache import ContentCache
    from content_cache.catalogue_layout import column_records
    from content_cache.demo import publisher_records
    from content_cache.store import upsert_columns, upsert_items, upsert_publishers

    cache = ContentCache.open(path)
    cache.load_demo(demo, seed=11, today=date(2026, 11, 30))
    with cache.transaction() as session:
        upsert_publishers(session, publisher_records())
        upsert_columns(session, column_records())
        upsert_items(session, items())
    return cache


def score(search: Any, the_queries: list[Query]) -> Scores:
    """Run every query through `search(text, limit) -> SearchResult` and score it."""
    found, reciprocal = 0, 0.0
    by_class: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    missed: list[tuple[str, str, int | None]] = []
    for query in the_queries:
        hits = [hit.index_no for hit in search(query.text, max(query.k, 10)).hits]
        ranks = [hits.index(index_no) + 1 if index_no in hits else None for index_no in query.expect]
        first = min((rank for rank in ranks if rank is not None), default=None)
        reciprocal += 1.0 / first if first else 0.0
        ok = all(rank is not None and rank <= query.k for rank in ranks)
        by_class[query.kind][1] += 1
        if ok:
            found += 1
            by_class[query.kind][0] += 1
        else:
            missed.append((query.kind, query.text, first))
    count = len(the_queries)
    return Scores(
        count,
        found,
        reciprocal / count if count else 0.0,
        {kind: (n[0], n[1]) for kind, n in sorted(by_class.items())},
        tuple(missed),
    )


@dataclass(frozen=True, slots=True)
class _Hit:
    index_no: str


@dataclass(frozen=True, slots=True)
class _Found:
    hits: tuple[_Hit, ...]


def tantivy_search(cache: Any) -> Any:
    """The peer the issue names: tantivy over the same items, cut into the same pairs, BM25, any term.

    Returns a `search(text, limit)` like the kiosk's, for `score`.
    """
    import tantivy
    from sqlalchemy import text

    from content_cache import fts

    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True)
    builder.add_text_field("title", stored=False, tokenizer_name="whitespace")
    builder.add_text_field("body", stored=False, tokenizer_name="whitespace")
    schema = builder.build()
    index = tantivy.Index(schema)
    writer = index.writer()
    numbers: dict[int, str] = {}
    with cache.session() as session:
        for row_id, index_no, title, body in session.execute(text("SELECT id, index_no, title, body FROM items")):
            numbers[row_id] = index_no
            writer.add_document(tantivy.Document(id=row_id, title=fts.indexed_text(title), body=fts.indexed_text(body)))
    writer.commit()
    index.reload()

    def search(query: str, limit: int) -> _Found:
        tokens = fts.tokens(query)
        if not tokens:
            return _Found(())
        parsed = index.parse_query(" ".join(dict.fromkeys(tokens)), ["title", "body"])  # any term: Should
        searcher = index.searcher()
        found = searcher.search(parsed, limit)
        return _Found(tuple(_Hit(numbers[searcher.doc(address)["id"][0]]) for _score, address in found.hits))

    return search


def bench_relevance(demo: int = 3000) -> list[tuple[str, str, str]]:
    """The `make bench` rows: the set scored on the kiosk and on tantivy, overall and per class."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="kiosk-relevance-") as tmp:
        cache = build_cache(Path(tmp) / "content.db", demo)
        try:
            ours, peer = score(cache.search, queries()), score(tantivy_search(cache), queries())
        finally:
            cache.close()
    workload = f"{ours.queries} queries, {len(items())} hand-written items among {demo:,} generated"
    rows = [
        (
            "relevance: success@k, MRR",
            workload,
            f"kiosk {ours.success:.0%} ({ours.found}/{ours.queries}), {ours.mrr:.3f}; "
            f"tantivy bigrams BM25 any-term {peer.success:.0%} ({peer.found}/{peer.queries}), {peer.mrr:.3f}",
        )
    ]
    for kind, (ok, total) in ours.by_class.items():
        rows.append(
            (f"relevance: {kind}", f"{total} queries", f"kiosk {ok}/{total}; tantivy {peer.by_class[kind][0]}/{total}")
        )
    return rows


def main() -> None:
    """Print the set's scores on the kiosk's search."""
    import tempfile

    parser = argparse.ArgumentParser(prog="python -m benchmarks.relevance")
    parser.add_argument("--demo", type=int, default=5000, help="generated items around the set (default 5000)")
    parser.add_argument("--missed", action="store_true", help="list the queries that missed")
    parser.add_argument("--tantivy", action="store_true", help="score tantivy (bigrams, BM25, any term) beside")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kiosk-relevance-") as tmp:
        cache = build_cache(Path(tmp) / "content.db", args.demo)
        try:
            result = score(cache.search, queries())
            peer = score(tantivy_search(cache), queries()) if args.tantivy else None
        finally:
            cache.close()
    print(f"kiosk:   success@k {result.found}/{result.queries} ({result.success:.0%}), MRR {result.mrr:.3f}")
    if peer is not None:
        print(f"tantivy: success@k {peer.found}/{peer.queries} ({peer.success:.0%}), MRR {peer.mrr:.3f}")
    for kind, (ok, total) in result.by_class.items():
        beside = f"   tantivy {peer.by_class[kind][0]}/{total}" if peer is not None else ""
        print(f"  {kind:<16} {ok}/{total}{beside}")
    if args.missed:
        for kind, text, rank in result.missed:
            print(f"  missed [{kind}] {text!r}: first expected at {rank}")


if __name__ == "__main__":
    main()
