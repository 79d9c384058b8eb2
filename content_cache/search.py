"""Search: characters, 文号, 索引号 and publisher through the FTS5 index; pinyin of titles.

One query finds items by any of them, narrowed by filters (column with its
sub-columns, publisher, year, 体裁, validity), best first or newest first, with
counts per filter value and a snippet of the body around the matched words.

Never raises on odd input: the query is normalised, cut into tokens and quoted
(see `content_cache.fts.match_expression`), so quotes, operators and
punctuation are just text; it is cut to MAX_QUERY characters first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from content_cache import fts
from content_cache.catalogue import summary
from content_cache.models import CatalogueColumn, Item, Publisher
from content_cache.pinyin import looks_like_pinyin
from content_cache.records import VALIDITY_LABELS, Facet, SearchResult, Snippet

MAX_QUERY = 200
SNIPPET_CHARS = 60
Sort = Literal["relevance", "date"]
FACETS = ("column", "publisher", "year", "genre", "validity")

# What matches comes from item_fts (every field); the score adds the body's bm25
# to the short fields' own (title and 文号 above 索引号 and publisher), weighted
# so that a hit in the title outranks any number of hits in the body. A pinyin
# hit on a title ranks above both.
_HEAD = """head AS MATERIALIZED (
    SELECT rowid AS id, bm25(title_fts, 10.0, 8.0, 4.0, 3.0) AS score FROM title_fts WHERE title_fts MATCH :any
)"""
_FTS = """SELECT item_fts.rowid AS id,
    coalesce(head.score, 0.0) * 10.0 + bm25(item_fts, 0.0, 0.0, 0.0, 0.0, 1.0) AS score
    FROM item_fts LEFT JOIN head ON head.id = item_fts.rowid WHERE item_fts MATCH :all"""
_PINYIN = """SELECT id, -1000.0 + length(title) / 1000.0 AS score FROM items
    WHERE title_pinyin LIKE :pinyin ESCAPE '\\' OR title_initials LIKE :pinyin ESCAPE '\\'"""


@dataclass(frozen=True, slots=True)
class Filters:
    """What a citizen narrowed the search to; None leaves a field open."""

    column: str | None = None  # a column code; its sub-columns are included
    publisher: str | None = None  # a publisher code
    year: int | None = None  # the year of publication
    genre: str | None = None  # 体裁
    validity: str | None = None  # valid, amended or abolished

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.column, self.publisher, self.year, self.genre, self.validity))


def search(
    session: Session,
    query: str,
    limit: int = 20,
    *,
    filters: Filters | None = None,
    sort: Sort = "relevance",
    facets: bool = False,
) -> SearchResult:
    """The items matching a query, best (or newest) first, with snippets and, on request, facet counts."""
    query = query[:MAX_QUERY]
    filters = filters or Filters()
    matched = _matched(query)
    if matched is None:
        return SearchResult(query=query, total=0, hits=())
    sql, params = matched
    where, filter_params = _where(session, filters)
    params |= filter_params
    head = f"{_HEAD}, " if "all" in params else ""
    base = f"WITH {head}matched AS MATERIALIZED ({sql}), best AS (SELECT id, min(score) AS score FROM matched GROUP BY id)"
    order = "items.published_on DESC, items.id DESC" if sort == "date" else "best.score, items.published_on DESC"
    ids = [
        row[0]
        for row in session.execute(
            text(f"{base} SELECT items.id FROM best JOIN items ON items.id = best.id {where} ORDER BY {order} LIMIT :limit"),
            params | {"limit": max(limit, 0)},
        )
    ]
    total = session.execute(
        text(f"{base} SELECT count(*) FROM best JOIN items ON items.id = best.id {where}"), params
    ).scalar_one()
    items = {item.id: item for item in session.scalars(select(Item).where(Item.id.in_(ids)))}
    page = [items[i] for i in ids if i in items]
    runs = _highlight_runs(query)
    result = SearchResult(
        query=query,
        total=total,
        hits=tuple(summary(item) for item in page),
        snippets=tuple(snippet(item.title, item.body, runs) for item in page),
        facets=_facets(session, base, where, params) if facets else {},
    )
    if total == 0:
        result = result.with_suggestions(_suggestions(session, query, filters))
    return result


def _matched(query: str) -> tuple[str, dict[str, Any]] | None:
    """The SQL of every matching item with its score, or None when the query can match nothing."""
    expression = fts.match_expression(query)
    parts: list[str] = []
    params: dict[str, Any] = {}
    if expression:
        parts.append(_FTS)
        key = fts.doc_key(query)
        ranked = expression.replace(" AND ", " OR ") + (f' OR "{key}"' if key else "")
        params |= {"all": expression, "any": ranked}
    if looks_like_pinyin(query):
        compact = fts.normalise(query).replace(" ", "")
        parts.append(_PINYIN)
        params["pinyin"] = f"%{compact}%"
    return (" UNION ALL ".join(parts), params) if parts else None


def _where(session: Session, filters: Filters) -> tuple[str, dict[str, Any]]:
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if filters.column is not None:
        codes = column_and_descendants(session, filters.column)
        names = [f":col{i}" for i in range(len(codes))]
        clauses.append(f"items.column_code IN ({', '.join(names)})")
        params |= {f"col{i}": code for i, code in enumerate(codes)}
    if filters.publisher is not None:
        clauses.append("items.publisher_code = :publisher")
        params["publisher"] = filters.publisher
    if filters.year is not None:
        clauses.append("items.published_on >= :year_from AND items.published_on < :year_to")
        params |= {"year_from": f"{filters.year:04d}-01-01", "year_to": f"{filters.year + 1:04d}-01-01"}
    if filters.genre is not None:
        clauses.append("items.genre = :genre")
        params["genre"] = filters.genre
    if filters.validity is not None:
        clauses.append("items.validity = :validity")
        params["validity"] = filters.validity
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def column_and_descendants(session: Session, code: str) -> list[str]:
    """A column's code and those of all the columns under it."""
    children: dict[str | None, list[str]] = {}
    for child, parent in session.execute(select(CatalogueColumn.code, CatalogueColumn.parent_code)):
        children.setdefault(parent, []).append(child)
    found, todo = [], [code]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _facets(session: Session, base: str, where: str, params: dict[str, Any]) -> dict[str, tuple[Facet, ...]]:
    """Counts of the matching items per column, publisher, year, 体裁 and validity."""
    def counts(expression: str) -> list[tuple[Any, int]]:
        rows = session.execute(
            text(
                f"{base} SELECT {expression} AS value, count(*) AS n FROM best JOIN items ON items.id = best.id "
                f"{where} GROUP BY value ORDER BY n DESC, value"
            ),
            params,
        )
        return [(value, n) for value, n in rows]

    columns = {code: name for code, name in session.execute(select(CatalogueColumn.code, CatalogueColumn.name))}
    publishers = {
        code: (name, level) for code, name, level in session.execute(select(Publisher.code, Publisher.name, Publisher.level))
    }
    return {
        "column": tuple(Facet(c, columns.get(c, c), n) for c, n in counts("items.column_code")),
        "publisher": tuple(
            Facet(c, publishers.get(c, (c, ""))[0], n, publishers.get(c, ("", ""))[1])
            for c, n in counts("items.publisher_code")
        ),
        "year": tuple(Facet(str(y), f"{y}年", n) for y, n in counts("substr(items.published_on, 1, 4)")),
        "genre": tuple(Facet(g, g, n) for g, n in counts("items.genre") if g),
        "validity": tuple(Facet(v, VALIDITY_LABELS.get(v, v), n) for v, n in counts("items.validity")),
    }


def _suggestions(session: Session, query: str, filters: Filters) -> tuple[str, ...]:
    """For a query with no hits: the query without its rarest word, when that finds something."""
    words = query.split()
    if len(words) < 2:
        return ()
    best: list[tuple[int, str]] = []
    for dropped in range(len(words)):
        shorter = " ".join(w for i, w in enumerate(words) if i != dropped)
        total = search(session, shorter, 0, filters=filters).total
        if total:
            best.append((total, shorter))
    return tuple(q for _, q in sorted(best, reverse=True)[:1])


# Highlights -----------------------------------------------------------------------------

_MARK_RUNS = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9A-Za-z]+")


def _highlight_runs(query: str) -> tuple[str, ...]:
    """The pieces of a query to mark in a text: its CJK runs and Latin words, longest first."""
    runs = {run.lower() for run in _MARK_RUNS.findall(fts.normalise(query))}
    return tuple(sorted(runs, key=len, reverse=True))


def marks(value: str, runs: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    """Where the runs occur in a text, as (start, end) spans, merged and in order (Latin case ignored)."""
    if not runs or not value:
        return ()
    folded = "".join(ch.lower() if ch.isascii() else ch for ch in value)
    spans: list[tuple[int, int]] = []
    for run in runs:
        start = folded.find(run)
        while start >= 0:
            spans.append((start, start + len(run)))
            start = folded.find(run, start + len(run))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def snippet(title: str, body: str, runs: tuple[str, ...]) -> Snippet:
    """The title's marks, and a window of the body around its first marked word."""
    title_marks = marks(title, runs)
    body_marks = marks(body, runs)
    if body_marks:
        start = max(0, body_marks[0][0] - SNIPPET_CHARS // 4)
    else:
        start = 0
    window = body[start : start + SNIPPET_CHARS]
    shifted = tuple(
        (max(s - start, 0), min(e - start, len(window))) for s, e in body_marks if s < start + len(window) and e > start
    )
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + SNIPPET_CHARS < len(body) else ""
    spans = tuple((s + len(prefix), e + len(prefix)) for s, e in shifted)
    return Snippet(title_marks, prefix + window + suffix, spans)
