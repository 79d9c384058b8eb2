"""Search: characters, 文号, 索引号 through the FTS5 index; pinyin of titles for Latin letters.

Never raises on odd input: the query is normalised, cut into tokens and quoted
(see `content_cache.fts.match_expression`), so quotes, operators and
punctuation are just text.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session

from content_cache import fts
from content_cache.catalogue import summary
from content_cache.models import Item
from content_cache.pinyin import looks_like_pinyin
from content_cache.records import SearchResult

MAX_QUERY = 200
# What matches comes from item_fts (every field); the score adds the body's bm25
# to the short fields' own (title and 文号 above 索引号 and publisher), weighted
# so that a hit in the title outranks any number of hits in the body.
_RANKED = text(
    """
    WITH head AS MATERIALIZED (
        SELECT rowid AS id, bm25(title_fts, 10.0, 8.0, 4.0, 3.0) AS score
        FROM title_fts WHERE title_fts MATCH :any
    )
    SELECT item_fts.rowid FROM item_fts LEFT JOIN head ON head.id = item_fts.rowid
    WHERE item_fts MATCH :all
    ORDER BY coalesce(head.score, 0.0) * 10.0 + bm25(item_fts, 0.0, 0.0, 0.0, 0.0, 1.0)
    """
)


def _fts_ids(session: Session, expression: str) -> list[int]:
    any_phrase = expression.replace(" AND ", " OR ")
    return [row[0] for row in session.execute(_RANKED, {"all": expression, "any": any_phrase})]


def _pinyin_ids(session: Session, query: str) -> list[int]:
    compact = fts.normalise(query).replace(" ", "")
    pattern = f"%{compact}%"
    rows = session.scalars(
        select(Item.id)
        .where(or_(Item.title_pinyin.like(pattern), Item.title_initials.like(pattern)))
        .order_by(func.length(Item.title), Item.published_on.desc())
    )
    return list(rows)


def search(session: Session, query: str, limit: int = 20) -> SearchResult:
    """The items matching a query, best first: pinyin title hits, then full-text relevance."""
    query = query[:MAX_QUERY]
    ids: list[int] = []
    if looks_like_pinyin(query):
        ids.extend(_pinyin_ids(session, query))
    expression = fts.match_expression(query)
    if expression:
        seen = set(ids)
        ids.extend(i for i in _fts_ids(session, expression) if i not in seen)
    page = ids[: max(limit, 0)]
    items = {item.id: item for item in session.scalars(select(Item).where(Item.id.in_(page)))}
    hits = tuple(summary(items[i]) for i in page if i in items)
    return SearchResult(query=query, total=len(ids), hits=hits)
