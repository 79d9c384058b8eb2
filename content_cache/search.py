"""Search: characters, 文号, 索引号 and publisher through the FTS5 index; pinyin of titles.

One query finds items by any of them, narrowed by filters (column with its
sub-columns, publisher, year, 体裁, validity), best first or newest first, with
counts per filter value and a snippet of the body around the matched words.

Never raises on odd input: the query is normalised, cut into tokens and quoted
(see `content_cache.fts.match_expression`), so quotes, operators and
punctuation are just text; it is cut to MAX_QUERY characters first.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from content_cache import fts, lexicon
from content_cache.catalogue import summary
from content_cache.models import CatalogueColumn, Item, Publisher
from content_cache.pinyin import looks_like_pinyin, pinyin_keys
from content_cache.query import COMMON_WORD, Vocabulary, understand, vocabulary_of, word_frequency, words_of
from content_cache.records import (
    VALIDITY_LABELS,
    Facet,
    Filters,
    SearchResult,
    Snippet,
    Sort,
)
from content_cache.store import INDEX_NO

LEXICON_TRIES = 5  # common words read as a pinyin part or a misspelling, tried against the index, commonest first
MAX_QUERY = 200
MAX_DROPPED = 6  # a query of more words than this is not offered shorter (each try is a search)
SNIPPET_CHARS = 60

# A query matching more items than this is broad (通知, 政府 on a large cache):
# ranking every match by bm25 would cost time in proportion to the matches, so
# its hits come newest first, title hits before body hits, and its total and
# facet counts stop at this number.
FEW_HITS = 10  # fewer items than this hold the query's phrases: those holding their words apart come too
BROAD = 5000

# What matches: item_fts (every field) and, for Latin letters, pinyin_fts (the
# titles' pinyin, trigram-indexed; fewer than three letters scan the items).
_IDS = {
    "fts": "SELECT rowid AS id FROM item_fts WHERE item_fts MATCH :all",
    "pinyin": "SELECT rowid AS id FROM pinyin_fts WHERE pinyin_fts MATCH :pinyin",
    "pinyin_short": "SELECT id FROM items WHERE {likes}",
}
MAX_ROWID = 2**62
CHUNK = 500  # rowids read at a time when a broad query is walked newest first
MAX_WALKED = 50_000  # matches walked for one page of a broad query narrowed by filters


@dataclass(frozen=True, slots=True)
class _Source:
    """One way a query matches: its ids, the same newest first below a rowid, and a check on the items row."""

    ids: str
    newest: str  # with :below and :chunk
    check: str = ""  # SQL on items.* that its ids must also pass (short pinyin parts)
    pinyin: bool = False
    rank: str = "0.0"  # SQL on items.* added to a pinyin hit's score (PINYIN_NOT_INITIALS)


def _fts_source(table: str, match: str) -> _Source:
    ids = f"SELECT rowid AS id FROM {table} WHERE {table} MATCH :{match} AND rowid BETWEEN :lo AND :hi"
    return _Source(ids, f"{ids} AND rowid < :below ORDER BY rowid DESC LIMIT :chunk")


# How a narrow query ranks: the body's bm25 plus, for items whose short fields
# hold every word (or the exact 文号), their own bm25 (title and 文号 above 主题词,
# 索引号 and publisher) TITLE_WEIGHT times over, so that such a hit outranks any number of body
# hits; OUTSIDE_TITLE of that when the words hold only with the 主题词 or the publisher's name
# (新生儿 in the title, 户籍登记 a keyword; 发改委 said by the publisher alone), so a title
# holding every word itself comes first. A pinyin hit on a title whose initials hold the
# letters ranks above both (see _SCORED["pinyin"]). The short fields' matches are a
# subset of the query's, so a narrow query stays cheap.
# content_cache.fts.HEAD_COLUMNS, 主题词 last; a 文号 less than half a title (its letters name the body that issued
# it: 宿医保发 is no notice on 医保)
HEAD_BM25 = "bm25(title_fts, 10.0, 4.0, 4.0, 3.0, 5.0)"
BODY_BM25 = "bm25(item_fts, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0)"  # the body alone
TITLE_WEIGHT = 6.0  # tuned on the relevance set over three demo catalogues: 10 let a near tie of titles outweigh
# a body that holds the query's words many times over (医保's 异地就医 notice, the annual report's own text)
OUTSIDE_TITLE = 0.8  # a short fields' hit that needs the 主题词 or the publisher, against one that does not
# Each gives (id, score, titled): titled when the short fields (or the title's pinyin) hold the query, the items
# among which a routine record is demoted (_PRIOR).
_SCORED = {
    "fts": f"""SELECT m.id, m.body + coalesce(h.score, 0.0)
               * (CASE WHEN t.id IS NULL THEN {TITLE_WEIGHT * OUTSIDE_TITLE:g} ELSE {TITLE_WEIGHT:g} END) AS score,
               h.id IS NOT NULL AS titled FROM
        (SELECT rowid AS id, {BODY_BM25} AS body FROM item_fts
         WHERE item_fts MATCH :all AND rowid BETWEEN :lo AND :hi) AS m
        LEFT JOIN (SELECT rowid AS id, {HEAD_BM25} AS score FROM title_fts
                   WHERE title_fts MATCH :head AND rowid BETWEEN :lo AND :hi) AS h
        ON h.id = m.id
        LEFT JOIN (SELECT rowid AS id FROM title_fts
                   WHERE title_fts MATCH :head_short AND rowid BETWEEN :lo AND :hi) AS t
        ON t.id = h.id""",
    # a query that is a 文号 some item holds whole: that item first, then the items holding its parts by the prior
    # alone (a bm25 over 号, 2015 … reads their whole lists to weigh them, 30-60 ms at a million items)
    "doc": """SELECT m.id, coalesce(d.score, -0.1) AS score, 1 AS titled FROM
        (SELECT rowid AS id FROM item_fts WHERE item_fts MATCH :all AND rowid BETWEEN :lo AND :hi) AS m
        LEFT JOIN (SELECT rowid AS id, -1.0 AS score FROM title_fts
                   WHERE title_fts MATCH :doc AND rowid BETWEEN :lo AND :hi) AS d
        ON d.id = m.id""",
    # a title whose pinyin holds the letters: first, unless the letters read as words (then after the items that
    # hold those words: 湿地保护 is shidibaohu, which holds dibao, and must not come before 低保); among them, those
    # whose initials hold the short parts (规划 for gh) before those whose full pinyin does (an: 安全, also 管理)
    "pinyin": "SELECT ids.id, :pinyin_base + {rank} + length(items.title) / 1000.0, 1 FROM ({ids}) AS ids "
    "CROSS JOIN items ON items.id = ids.id",
}


def search(
    session: Session,
    query: str,
    limit: int = 20,
    *,
    filters: Filters | None = None,
    sort: Sort = "relevance",
    facets: bool = False,
    suggest: bool = True,
    offset: int = 0,
    partial_ok: bool = True,
) -> SearchResult:
    """The items matching a query, best (or newest) first, with snippets and, on request, facet counts.

    `offset` skips that many hits of the same order: the next page. When no
    item holds every word and `partial_ok`, the items holding most of them are
    the hits (`partial`). With no match, or a partial one (and `suggest`), other
    queries to try, or a column to browse, come along.
    """
    query = query[:MAX_QUERY]
    filters = filters or Filters()
    offset = max(offset, 0)
    exact = None if filters else _by_index_no(session, query)
    if exact is not None:
        found = _facets(session, "SELECT :exact AS id", {"exact": exact.id}) if facets else {}
        first = offset == 0 and limit > 0
        return SearchResult(
            query=query,
            total=1,
            hits=(summary(exact),) if first else (),
            snippets=(snippet(exact.title, exact.body, ()),) if first else (),
            facets=found,
        )
    options = {"filters": filters, "sort": sort, "facets": facets, "offset": offset}
    vocabulary = vocabulary_of(session)
    if partial_ok and suggest:  # 公基金: a word the segmenter did not know, read alike as one the list knows
        instead = _respelt(session, query, _respell_unknown_words(session, query, vocabulary), limit, options)
        if instead is not None:
            return instead
    spelt = _pinyin_words(session, query) if looks_like_pinyin(query) else []
    plan = _plan(query, spelt, vocabulary)
    if plan is None:
        return SearchResult(query=query, total=0, hits=())
    sources, params = plan
    where, filter_params = _where(session, filters)
    params |= filter_params
    limit = max(limit, 0)
    counted, walked = _count(session, sources, where, params)
    partial = False
    widened = ""
    # Found nowhere as understood, or in a few items only: a phrase of the lists also by its words apart
    # (换身份证, 社保转移 → 社会保险关系 … 转移), then, found nowhere still, for two words or more, the items
    # holding most of them, each word as a phrase, and, found in a few only, the list's other names by their words
    # apart too.
    wider_ways: tuple[tuple[bool, bool | str], ...] = ((False, True), (True, False), (True, True)) if partial_ok else ()
    for any_group, loose in wider_ways:  # (most of the words, words apart)
        if (
            counted >= FEW_HITS
            or (counted and any_group and not partial)
            or (any_group and _word_count(query, vocabulary) < 2)
        ):
            break
        if counted and loose:  # found a few: a typed phrase by its words apart only when they are the whole of
            loose = "names" if partial else "whole"  # it; a few holding some words: the list's other names by
            # their words apart (上学报名 → 义务教育招生入学 → 义务教育 … 招生 … 入学)
        wider = _plan(query, spelt, vocabulary, any_group=any_group, loose=loose)
        if wider is None or wider[1].get("all") == params.get("all"):
            continue
        more, _ = _count(session, wider[0], where, wider[1] | filter_params)
        if more > counted or (more == counted and not any_group):  # the same items: a title holding the words
            sources, params, counted = wider[0], wider[1] | filter_params, more  # apart ranks higher
            partial = any_group
            widened = WIDENINGS[(partial, loose)] if more else ""
    broad = counted > BROAD
    params["routine"] = 0 if asks_for_routine(query, spelt) else 1
    ids_sql = " UNION ".join(source.ids for source in sources)
    filtered = f"SELECT items.id FROM ({ids_sql}) AS ids CROSS JOIN items ON items.id = ids.id {where}"
    if broad:
        order = _broad_order(sources, params)
        ids = _walk(session, order, where, params, offset + limit, walked)[offset:]
        matched = _newest(session, sources, where, params) if facets else ""
    else:
        ids = _ranked(
            session,
            sources,
            filtered,
            where,
            params,
            limit,
            sort,
            offset,
            typed=query.strip(),
            whole_doc=_whole_doc_held(session, where, params),
        )
        matched = filtered
    items = {item.id: item for item in session.scalars(select(Item).where(Item.id.in_(ids)))}
    page = [items[i] for i in ids if i in items]
    runs = _highlight_runs(query, vocabulary)
    result = SearchResult(
        query=query,
        total=min(counted, BROAD),
        hits=tuple(summary(item) for item in page),
        snippets=tuple(snippet(item.title, item.body, runs) for item in page),
        facets=_facets(session, matched, params) if facets else {},
        more=broad,
        partial=partial,
        widened=widened,
    )
    if counted == 0 and suggest and partial_ok and offset == 0:  # a misspelling: the respelt query's hits
        instead = _respelt(session, query, respell(session, query), limit, options)
        if instead is not None:
            return instead
    if (counted == 0 or partial or _left_out_characters(query, vocabulary)) and suggest and offset == 0:
        suggestions = _suggestions(session, query, filters)
        browse = likely_column(session, query) if counted == 0 else None  # offered beside any suggestion
        result = result.with_suggestions(suggestions, browse)
    return result


def _respelt(session: Session, query: str, respelt: str, limit: int, options: dict[str, Any]) -> SearchResult | None:
    """The hits of `respelt` in place of the query's, said so (`respelt_from`), when it differs and finds any."""
    if respelt == query:
        return None
    found = search(session, respelt, limit, suggest=False, **options)
    return replace(found, respelt_from=query) if found.total else None


def _by_index_no(session: Session, query: str) -> Item | None:
    """The item whose 索引号 the whole query is, if any: one indexed lookup, no full-text search."""
    number = fts.normalise(query).strip()
    if not INDEX_NO.match(number.upper()):
        return None
    return (
        session.scalars(select(Item).where(Item.index_no == number.upper())).first()
        or session.scalars(select(Item).where(Item.index_no == number)).first()
    )


def _plan(
    query: str,
    spelt: list[tuple[str, ...]],
    vocabulary: Vocabulary,
    *,
    any_group: bool = False,
    loose: bool | str = False,
) -> tuple[list[_Source], dict[str, Any]] | None:
    """What a query matches through ("fts", and the SQL of its pinyin matches), with the parameters;
    None when it can match nothing.

    The query is understood first (content_cache.query): cut into words, its
    question words left out, each word with its synonyms. An item must hold
    every word (or, with `any_group`, any of them), wherever it stands; the
    groups' own MATCHes (`g0`, `g1` …) count how many words an item holds.
    `spelt` holds the Chinese words a pinyin query reads as (`_pinyin_words`, read once a search).
    """
    understood = understand(fts.normalise(query), vocabulary)
    groups = [group.terms for group in understood.groups]
    cut = _cut_for(understood.words, vocabulary, loose)
    alike = vocabulary.synonyms_of
    expression = fts.match_words(groups, any_group=any_group, cut=cut, alike=alike)
    if spelt:  # the words the letters read as, wherever they stand (the body too), besides the letters themselves
        as_words = fts.match_words(spelt, any_group=any_group)
        expression = as_words if expression is None else f"({expression}) OR ({as_words})"
        groups = spelt
    sources: list[_Source] = []
    params: dict[str, Any] = {}
    if expression:
        sources.append(_fts_source("item_fts", "all"))
        key = fts.doc_key(query)
        typed = fts.match_expression(query)  # the query as typed, a phrase: held whole, it ranks the title higher
        strict = fts.match_words(groups, any_group=any_group) if loose else None  # held as phrases: ranks higher
        heads = list(dict.fromkeys(e for e in (expression, strict, typed) if e))
        head = heads[0] if len(heads) == 1 else " OR ".join(f"({e})" for e in heads)
        params |= {"all": expression, "head": f'({head}) OR "{key}"' if key else head}
        params["head_short"] = _in_title(params["head"])
        if key:
            params["doc"] = f'"{key}"'
        if any_group:
            for i, terms in enumerate(groups):
                group = fts.match_words([terms], cut=cut, alike=alike)
                if group:
                    params[f"g{i}"] = group
    if looks_like_pinyin(query) and not any_group:
        sources.append(_pinyin_source(fts.normalise(query).split(), params))
        params["pinyin_base"] = 0.0 if spelt else -1000.0
    return (sources, params) if sources else None


def _cut_for(typed: tuple[str, ...], vocabulary: Vocabulary, loose: bool | str) -> Callable[[str], list[str]] | None:
    """How the terms of a plan are cut into words held apart (None: each term a phrase)."""
    if loose == "whole":
        return _typed_words_apart(typed, vocabulary)
    if loose == "names":
        return _other_names_apart(typed, vocabulary)
    return _words_apart(typed, vocabulary) if loose else None


def _words_apart(typed: tuple[str, ...], vocabulary: Vocabulary) -> Callable[[str], list[str]]:
    """A cut for every term by its words. Another name whose cut would leave out a character stays whole:
    转社保 apart is 社保 alone, which matches every item the query's 社保 does and more (社保转移)."""

    def cut(term: str) -> list[str]:
        words = words_of(term, vocabulary)
        return words if term in typed or sum(map(len, words)) == len(term) else [term]

    return cut


# How a search widened its matches when few or no items held the query as understood (SearchResult.widened):
# (any_group, loose) → what `kiosk search --explain` says.
WIDENINGS: dict[tuple[bool, bool | str], str] = {
    (False, True): "words apart",
    (False, "whole"): "the typed words apart",
    (False, "names"): "other names by their words apart",
    (True, False): "most of the words",
    (True, True): "most of the words, apart",
    (True, "whole"): "most of the words, the typed words apart",
    (True, "names"): "most of the words, other names by their words apart",
}


def _in_title(head: str) -> str:
    """The short fields' MATCH `head` held by the item's own: its title, 文号 and 索引号, not the 主题词 or the
    publisher's name (content_cache.fts.HEAD_COLUMNS)."""
    own = " ".join(column for column in fts.HEAD_COLUMNS if column not in ("keywords", "publisher"))
    return f"{{{own}}} : ({head})"


def _typed_words_apart(typed: tuple[str, ...], vocabulary: Vocabulary) -> Callable[[str], list[str]]:
    """A cut for the words the citizen typed, each by its words when they are the whole of it (社保转移 → 社保
    转移; 社保卡 stays whole, as 社保 alone is far broader). Their other names stay whole: 社会保险 is one term."""

    def cut(term: str) -> list[str]:
        if term not in typed:
            return [term]
        words = words_of(term, vocabulary)
        return words if "".join(words) == term else [term]

    return cut


def _other_names_apart(typed: tuple[str, ...], vocabulary: Vocabulary) -> Callable[[str], list[str]]:
    """A cut for the other names of the words the citizen typed, each by its words (义务教育招生入学 → 义务教育 招生
    入学), the typed words whole: what the citizen typed is what they look for, a formal name is worded many ways."""

    def cut(term: str) -> list[str]:
        return [term] if term in typed else words_of(term, vocabulary)

    return cut


def _pinyin_words(session: Session, query: str) -> list[tuple[str, ...]]:
    """For a pinyin query, the Chinese words each part reads as, each with its synonyms: shebao → 社保 (社会保险);
    none when some part reads as no word the synonym list or the titles know.

    The synonym list's terms come first (the words citizens use), then up to three
    words of the titles' vocabulary read the same, the commonest first (when the
    list read the letters, only words in everyday use: dibao is 低保, not the 地保
    of 水源地保护); failing
    both, the common words read the same that the documents' text holds (luohu →
    落户, a word of the bodies alone).
    """
    vocabulary = vocabulary_of(session)
    groups: list[tuple[str, ...]] = []
    for part in fts.normalise(query).split():
        words = list(vocabulary.read_as(part))
        rows = session.execute(
            text(
                "SELECT word FROM vocabulary WHERE (pinyin = :p OR (length(:p) >= 3 AND initials = :p)) "
                "AND length(word) >= 2 ORDER BY titles DESC LIMIT 3"
            ),
            {"p": part},
        )
        listed = bool(words)  # the lists read the letters: a pair of the titles read alike must be a common word
        words += [
            row[0]
            for row in rows
            if row[0] not in words and (not listed or word_frequency(row[0], vocabulary) >= COMMON_WORD)
        ]
        if not words:
            words = fts.held_words(session, lexicon.read_as(part)[:LEXICON_TRIES], 3)
        if not words:
            return []
        terms = [term for word in words for term in (word, *vocabulary.synonyms_of(word))]
        groups.append(tuple(dict.fromkeys(terms)))
    return groups


def _read_alike(session: Session, run: str, vocabulary: Vocabulary) -> str | None:
    """A word of the same length read as `run` is: the synonym list's, else a common word the documents hold."""
    reading = pinyin_keys(run)[0]
    alike = [term for term in vocabulary.read_as(reading) if len(term) == len(run) and term != run]
    if alike:
        return alike[0]
    alike_words = [w for w in lexicon.read_as(reading) if len(w) == len(run) and w != run]
    held = fts.held_words(session, alike_words[:LEXICON_TRIES], 1)
    return held[0] if held else None


def _respell_pairs(session: Session, part: str, left_out: tuple[str, ...], vocabulary: Vocabulary) -> str:
    """`part` with each pair of characters the cut left out, both, replaced by a word read alike that the
    documents hold (户藉改革 → 户籍改革), when there is one. A character left beside a word (交 of 交医保) is a
    verb or a particle, not a misspelling."""
    chars = list(part)
    for i in range(len(chars) - 1):
        pair = chars[i] + chars[i + 1]
        if chars[i] in left_out and chars[i + 1] in left_out:
            alike = _read_alike(session, pair, vocabulary)
            if alike:
                chars[i], chars[i + 1] = alike[0], alike[1]
    return "".join(chars)


def _respell_unknown_words(session: Session, query: str, vocabulary: Vocabulary) -> str:
    """The query with each part the segmenter could not cut into known words (公基金 → 公 基金, 廉租放 → 廉租 放)
    replaced by a word of the same length read alike (公积金, 廉租房), when there is one."""
    parts = []
    for part in query.split():
        understood = understand(fts.normalise(part), vocabulary)
        if _CJK_RUN.fullmatch(part) and understood.left_out:
            parts.append(
                _read_alike(session, part, vocabulary) or _respell_pairs(session, part, understood.left_out, vocabulary)
            )
        else:
            parts.append(part)
    return " ".join(parts) if parts != query.split() else query


def _left_out_characters(query: str, vocabulary: Vocabulary) -> bool:
    """Whether understanding the query left out single characters it held (材政预算 searched as 预算)."""
    return understand(fts.normalise(query), vocabulary).left_out != ()


def _word_count(query: str, vocabulary: Vocabulary) -> int:
    """How many words the understood query has (an any-word search is tried for two or more)."""
    return len(understand(fts.normalise(query), vocabulary).groups)


def _pinyin_source(parts: list[str], params: dict[str, Any]) -> _Source:
    """The titles whose pinyin holds every part, each as full pinyin or initials (caizheng ys).

    Parts of three letters or more are trigram lookups in pinyin_fts; shorter
    ones are checked on the titles those lookups found, or by a scan when no part
    is long enough.
    """
    long = [p for p in parts if len(p) >= 3]
    short = [p for p in parts if len(p) < 3]
    likes, initials = [], []
    for i, part in enumerate(short):
        params[f"like{i}"] = f"%{part}%"
        initials.append(f"items.title_initials LIKE :like{i}")
        # gh is no syllable: in the full pinyin it would only be the end of one and the start of the next (fang|huo)
        full = f"items.title_pinyin LIKE :like{i} OR " if part in SHORT_SYLLABLES else ""
        likes.append(f"({full}{initials[-1]})")
    check = " AND ".join(likes)
    rank = f"(CASE WHEN {' AND '.join(initials)} THEN 0.0 ELSE {PINYIN_NOT_INITIALS} END)" if initials else "0.0"
    if not long:
        ids = f"SELECT id FROM items WHERE {check}"
        return _Source(ids, f"{ids} AND id < :below ORDER BY id DESC LIMIT :chunk", pinyin=True, rank=rank)
    params["pinyin"] = " AND ".join(f'"{p}"' for p in long)
    found = _fts_source("pinyin_fts", "pinyin")
    if not likes:
        return _Source(found.ids, found.newest, pinyin=True)
    ids = f"SELECT items.id FROM ({found.ids}) AS p JOIN items ON items.id = p.id WHERE {check}"
    return _Source(ids, found.newest, check, pinyin=True, rank=rank)


# Pinyin syllables of one or two letters: a short part that is one may stand in a title's full pinyin (an: 安);
# any other (gh, cz) is read as initials only.
SHORT_SYLLABLES = frozenset(
    "a o e ai ei ao ou an en er ba bo bi bu pa po pi pu ma mo me mi mu fa fo fu da de di du ta te ti tu na ne ni nu "
    "nv la le li lu lv ga ge gu ka ke ku ha he hu ji ju qi qu xi xu zi ci si ri za ze zu ca ce cu sa se su re ru "
    "ya yo ye yi yu wa wo wu".split()
)
# Added to the score of a title whose initials do not hold the short parts. The score is multiplied by the prior
# (0.25 for an old routine record no longer in force, 1.95 for this year's notice, 5 % more each year), so the
# step must outweigh it: -1000 × 0.25 stays below (-1000 + 950) × the prior until the prior is 5.
PINYIN_NOT_INITIALS = 950.0


def _count(
    session: Session, sources: list[_Source], where: str, params: dict[str, Any]
) -> tuple[int, dict[str, list[int]]]:
    """How many items match, counted exactly up to BROAD; more than BROAD is a broad query, and then the newest
    title matches that told so come along (a source's ids SQL → its ids, newest first), for its first page.

    The titles are counted first: what their table matches, the whole items do as well, and for a very common
    character (市) the titles alone exceed BROAD at a fraction of the cost of the bodies' count (90 against
    530 ms at a million items).
    """
    titles = _fts_source("title_fts", "all")
    if "all" in params:
        sql = f"{_kept(titles.ids, where)} ORDER BY ids.id DESC LIMIT {BROAD + 1}"
        newest = [row[0] for row in session.execute(text(sql), params)]
        if len(newest) > BROAD:
            return BROAD + 1, {titles.ids: newest}
    capped = 0
    for source in sources:
        sql = f"SELECT count(*) FROM ({_kept(source.ids, where)} LIMIT {BROAD + 1})"
        capped = session.execute(text(sql), params).scalar_one()
        if capped > BROAD:  # one way alone is broad: so are they all, without counting their union (szs: 49 ms)
            return capped, {}
    if len(sources) > 1:  # an item found both ways counts once
        union = " UNION ".join(source.ids for source in sources)
        sql = f"SELECT count(*) FROM ({_kept(union, where)} LIMIT {BROAD + 1})"
        capped = session.execute(text(sql), params).scalar_one()
    return capped, {}


def _kept(ids: str, where: str) -> str:
    """The ids of `ids` (SQL) that pass the filters `where`, as `ids.id`. With no filter, the index's own ids: the
    index holds exactly the items (store.py writes both in one transaction), and looking each up in the items
    table costs two microseconds an id (a two-character word's 5,001 newest titles: 12 ms against 2 ms)."""
    if not where:
        return f"SELECT ids.id FROM ({ids}) AS ids"
    return f"SELECT items.id FROM ({ids}) AS ids CROSS JOIN items ON items.id = ids.id {where}"


def _newest(session: Session, sources: list[_Source], where: str, params: dict[str, Any]) -> str:
    """SQL for the ids of a broad query's newest BROAD matches, whose facets are counted. One way of matching and
    no filter: its index gives them newest first itself; else they are walked (`_walk`, bounded) and passed in."""
    if len(sources) == 1 and not where and not sources[0].check:
        return f"{_kept(sources[0].ids, where)} ORDER BY ids.id DESC LIMIT {BROAD}"
    params["sample"] = json.dumps(_walk(session, sources, where, params, BROAD))
    return "SELECT value AS id FROM json_each(:sample)"


def _broad_order(sources: list[_Source], params: dict[str, Any]) -> list[_Source]:
    """Where a broad query's page comes from, in order: the exact 文号, pinyin title hits, title hits, the rest."""
    order = [_fts_source("title_fts", "doc")] if "doc" in params else []
    order += [source for source in sources if source.pinyin]
    if "all" in params:
        order += [_fts_source("title_fts", "all"), _fts_source("item_fts", "all")]
    return order


def _walk(
    session: Session,
    sources: list[_Source],
    where: str,
    params: dict[str, Any],
    want: int,
    walked_before: dict[str, list[int]] | None = None,
) -> list[int]:
    """Up to `want` distinct matches, each source newest first, filtered in chunks (never the whole match set).

    `walked_before` holds a source's first matches already read, filtered and newest first (by `_count`): the
    walk takes them and goes on below the last (a prefix query such as 市 costs its whole time again each time
    its lists are read)."""
    found: list[int] = []
    seen: set[int] = set()
    for source in sources:
        below, walked = MAX_ROWID, 0
        for row_id in (walked_before or {}).get(source.ids, []):
            below = row_id
            if row_id not in seen and len(found) < want:
                seen.add(row_id)
                found.append(row_id)
        checks = " AND ".join(c for c in (where.removeprefix("WHERE "), source.check) if c)
        while len(found) < want and walked < MAX_WALKED:
            chunk = [r[0] for r in session.execute(text(source.newest), params | {"below": below, "chunk": CHUNK})]
            if not chunk:
                break
            walked += len(chunk)
            below = chunk[-1]
            if checks:
                kept = session.execute(
                    text(
                        "SELECT items.id FROM items WHERE items.id IN (SELECT value FROM json_each(:ids)) "
                        f"AND {checks} ORDER BY items.id DESC"
                    ),
                    params | {"ids": json.dumps(chunk)},
                )
                chunk = [r[0] for r in kept]
            for row_id in chunk:
                if row_id not in seen:
                    seen.add(row_id)
                    found.append(row_id)
        if len(found) >= want:
            break
    return found[:want]


def _whole_doc_held(session: Session, where: str, params: dict[str, Any]) -> bool:
    """Whether the query is a 文号 some item within the filters holds whole (then `_SCORED["doc"]` ranks)."""
    if "doc" not in params:
        return False
    sql = f"{_kept(_fts_source('title_fts', 'doc').ids, where)} LIMIT 1"
    return session.execute(text(sql), params).first() is not None


def _ranked(
    session: Session,
    sources: list[_Source],
    filtered: str,
    where: str,
    params: dict[str, Any],
    limit: int,
    sort: Sort,
    offset: int = 0,
    typed: str = "",
    whole_doc: bool = False,
) -> list[int]:
    """A page of a narrow query's matches, best first (bm25) or newest first; ties broken by id, so pages never overlap.
    `whole_doc`: the query is a 文号 an item holds whole, ranked by `_SCORED["doc"]`."""
    page = params | {"limit": limit, "offset": offset, "typed": typed}
    if sort == "date":
        sql = f"{filtered} ORDER BY items.published_on DESC, items.id DESC LIMIT :limit OFFSET :offset"
        return [row[0] for row in session.execute(text(sql), page)]
    words = "doc" if whole_doc else "fts"
    scored = [
        _SCORED["pinyin"].format(ids=source.ids, rank=source.rank) if source.pinyin else _SCORED[words]
        for source in sources
    ]
    groups = sorted(name for name in params if re.fullmatch(r"g\d+", name))
    if groups:  # an any-word search: the items holding more of the words first
        held = " UNION ALL ".join(
            f"SELECT rowid AS id FROM item_fts WHERE item_fts MATCH :{name} AND rowid BETWEEN :lo AND :hi"
            for name in groups
        )
        cover = f", cover AS (SELECT id, count(*) AS n FROM ({held}) GROUP BY id) "
        join, first = "JOIN cover ON cover.id = best.id ", "cover.n DESC, "
    else:
        cover = join = first = ""
    sql = (
        f"WITH matched AS MATERIALIZED ({' UNION ALL '.join(scored)}), "
        f"best AS (SELECT id, min(score) AS score, max(titled) AS titled FROM matched GROUP BY id){cover} "
        f"SELECT items.id FROM best {join}JOIN items ON items.id = best.id {where} "
        f"ORDER BY {first}items.title = :typed DESC, {_NEWEST_OF_THE_TITLE} DESC, best.score * {_PRIOR}, "
        "items.published_on DESC, items.id DESC "
        "LIMIT :limit OFFSET :offset"
    )
    return [row[0] for row in session.execute(text(sql), page)]


# The prior that breaks near ties for the current document (scores are negative, lower is better): each
# year after 2008 adds 5 % to an item's score, reckoned by the day (June 2026: ×1.92), an item no longer in
# force (废止, 失效) counts half, and a routine record counts ROUTINE_WEIGHT. Tuned on the relevance set
# (benchmarks/relevance.py).
# Items whose title is the whole query: the newest first (the same title issued again, or by another body).
_NEWEST_OF_THE_TITLE = "(CASE WHEN items.title = :typed THEN items.published_on END)"
_YEAR_PRIOR = "(1.0 + 0.05 * max(0.0, (julianday(items.published_on) - julianday('2008-01-01')) / 365.25))"
_VALIDITY_PRIOR = "(CASE WHEN items.validity IN ('abolished', 'expired') THEN 0.5 ELSE 1.0 END)"

# Routine records: what a body publishes for accountability (tenders and awards, budgets and accounts, minutes,
# work plans and summaries, statistics, catalogues, press releases, penalty decisions, answers to proposals,
# village accounts), found by naming them. A citizen who names a department or a topic asks first for its rules
# and notices, so among matches of like score these come after, unless the query names such a record (采购, 预算 …).
# Only among the items whose short fields hold the query: one that holds it in its body alone is there for what
# its text says, and competes by it (a list of 危房改造 recipients that names its 低保户 for dibao).
# Known by the 体裁 a feed gives, or, where it gives none, by the title's words.
ROUTINE_WEIGHT = 0.5
ROUTINE_GENRES = (
    "招标公告",
    "中标公告",
    "纪要",
    "要点",
    "总结",
    "统计信息",
    "预算",
    "决算",
    "目录",
    "新闻",
    "说明",
    "公开",
    "决定书",
    "答复",
)
ROUTINE_TITLE_WORDS = (
    "采购项目",
    "招标公告",
    "中标公告",
    "成交公告",
    "会议纪要",
    "工作要点",
    "工作总结",
    "部门预算",
    "部门决算",
    "经费预算",
    "机构职能",
    "信息公开目录",
    "新闻发布会",
    "处罚决定书",
    "财务公开",
    "提案的答复",
    "建议的答复",
    "主要经济指标",
    "工作年度报告",
    "资金发放情况",
    "公开招聘",
    "名单公示",
    "对象公示",
    "人员公示",
)
ROUTINE_ASKS = (
    "采购",
    "招标",
    "中标",
    "成交",
    "纪要",
    "要点",
    "总结",
    "统计",
    "指标",
    "数据",
    "预算",
    "决算",
    "三公",
    "目录",
    "新闻",
    "发布会",
    "处罚",
    "决定书",
    "答复",
    "提案",
    "建议",
    "财务",
    "职能",
    "机构",
    "年度报告",
    "发放",
    "招聘",
    "名单",
    "对象",
    "人员",
    "公示",
)
_ROUTINE = (
    "(items.genre IN ("
    + ", ".join(f"'{g}'" for g in ROUTINE_GENRES)
    + ") OR "
    + " OR ".join(f"instr(items.title, '{w}') > 0" for w in ROUTINE_TITLE_WORDS)
    + ")"
)
_PRIOR = (
    f"{_YEAR_PRIOR} * {_VALIDITY_PRIOR} "
    f"* (CASE WHEN :routine AND best.titled AND {_ROUTINE} THEN {ROUTINE_WEIGHT} ELSE 1.0 END)"
)


def is_routine(genre: str, title: str) -> bool:
    """Whether an item is a routine record (ROUTINE_GENRES, ROUTINE_TITLE_WORDS), as the ranking's SQL decides."""
    return genre in ROUTINE_GENRES or any(word in title for word in ROUTINE_TITLE_WORDS)


def asks_for_routine(query: str, spelt: Sequence[Sequence[str]] = ()) -> bool:
    """Whether a query names a routine record (采购, 预算 …), in its text or in the words its pinyin reads as."""
    words = [fts.normalise(query), *(term for terms in spelt for term in terms)]
    return any(ask in word for word in words for ask in ROUTINE_ASKS)


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
    params |= _rowid_band(session, filters, clauses, params)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def _rowid_band(session: Session, filters: Filters, clauses: list[str], params: dict[str, Any]) -> dict[str, int]:
    """The band of rowids a year filter leaves (`lo`, `hi`), for every full-text lookup: the sync writes items in
    the order they are published, so a year's items sit together and a search of 2009 reads only 2009's part of
    each list (交通 in 2009 at a million items: 181 → 2 ms). Without a year, the whole range."""
    if filters.year is None:
        return {"lo": 0, "hi": MAX_ROWID}
    dated = [c for c in clauses if c.startswith(("items.published_on", "items.column_code"))]  # both indexed
    lo, hi = session.execute(
        text(f"SELECT min(items.id), max(items.id) FROM items WHERE {' AND '.join(dated)}"), params
    ).one()
    return {"lo": 1, "hi": 0} if lo is None else {"lo": lo, "hi": hi}


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


def _facets(session: Session, matched: str, params: dict[str, Any]) -> dict[str, tuple[Facet, ...]]:
    """Counts of the matching items (of a broad query: its newest BROAD) per column, publisher, year, 体裁, validity.

    One pass over the matches reads the five values of each into a materialised table (five GROUP BY queries
    over the matches would run the match five times: about 120 ms more for a word at a million items), and
    SQLite counts them there (counting 5,000 rows in Python took 20 ms more)."""
    tallies: list[Counter[Any]] = [Counter() for _ in range(5)]
    values = ("c", "p", "y", "g", "v")
    counted = " UNION ALL ".join(f"SELECT {i}, {v}, count(*) FROM f GROUP BY {v}" for i, v in enumerate(values))
    rows = session.execute(
        text(
            f"WITH f AS MATERIALIZED (SELECT items.column_code AS c, items.publisher_code AS p, "
            f"substr(items.published_on, 1, 4) AS y, items.genre AS g, items.validity AS v "
            f"FROM ({matched}) AS m CROSS JOIN items ON items.id = m.id) {counted}"
        ),
        params,
    )
    for position, value, count in rows:
        tallies[position][value] = count

    def counts(position: int) -> list[tuple[Any, int]]:  # the commonest first, then by value
        return sorted(tallies[position].items(), key=lambda pair: (-pair[1], "" if pair[0] is None else str(pair[0])))

    columns = {code: name for code, name in session.execute(select(CatalogueColumn.code, CatalogueColumn.name))}
    publishers = {
        code: (name, level)
        for code, name, level in session.execute(select(Publisher.code, Publisher.name, Publisher.level))
    }
    return {
        "column": tuple(Facet(c, columns.get(c, c), n) for c, n in counts(0)),
        "publisher": tuple(
            Facet(c, publishers.get(c, (c, ""))[0], n, publishers.get(c, ("", ""))[1]) for c, n in counts(1)
        ),
        "year": tuple(Facet(str(y), f"{y}年", n) for y, n in counts(2)),
        "genre": tuple(Facet(g, g, n) for g, n in counts(3) if g),
        "validity": tuple(Facet(v, VALIDITY_LABELS.get(v, v), n) for v, n in counts(4)),
    }


def _suggestions(session: Session, query: str, filters: Filters) -> tuple[str, ...]:
    """For a query with no hits: the words respelt with others of the same pinyin that the titles hold
    (材政 → 财政), and the query without the word whose absence finds most, when these find something."""
    found: list[str] = []
    respelt = respell(session, query)
    if respelt != query and search(session, respelt, 0, filters=filters, suggest=False, partial_ok=False).total:
        found.append(respelt)
    words = query.split()
    if not 2 <= len(words) <= MAX_DROPPED:
        return tuple(found)
    best: list[tuple[int, str]] = []
    for dropped in range(len(words)):
        shorter = " ".join(w for i, w in enumerate(words) if i != dropped)
        total = search(session, shorter, 0, filters=filters, suggest=False, partial_ok=False).total
        if total:
            best.append((total, shorter))
    return tuple(found + [q for _, q in sorted(best, reverse=True)[:1]])


def likely_column(session: Session, query: str) -> str | None:
    """The column whose titles share most with a query that found nothing: a place to browse instead.

    The query's pairs of characters are tried first, then its single characters;
    the first 2,000 titles holding any of them are counted by column.
    """
    runs = _MARK_RUNS.findall(fts.normalise(query))
    pairs = {f'"{r[i : i + 2]}"' for r in runs if not r.isascii() for i in range(len(r) - 1)}
    singles = {f'"{ch}"*' for r in runs if not r.isascii() for ch in r} | {f'"{r}"' for r in runs if r.isascii()}
    for terms in (pairs, singles):
        if not terms:
            continue
        row = session.execute(
            text(
                "SELECT items.column_code, count(*) AS n FROM "
                "(SELECT rowid AS id FROM title_fts WHERE title_fts MATCH :any LIMIT 2000) AS m "
                "JOIN items ON items.id = m.id GROUP BY items.column_code ORDER BY n DESC, items.column_code LIMIT 1"
            ),
            {"any": " OR ".join(sorted(terms))},
        ).first()
        if row:
            return str(row[0])
    return None


_CJK_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")


def respell(session: Session, query: str) -> str:
    """The query with each word no title holds respelt: a word of the synonym list read alike (低包 → 低保,
    公基金 → 公积金), else each pair of characters replaced by the commonest pair of the titles read alike."""
    vocabulary = vocabulary_of(session)

    def fix(match: re.Match[str]) -> str:
        whole = match.group(0)
        if not vocabulary.synonyms_of(whole):
            alike = _read_alike(session, whole, vocabulary)
            if alike:
                return alike
        run = list(whole)
        for i in range(len(run) - 1):
            pair = run[i] + run[i + 1]
            if session.execute(text("SELECT 1 FROM vocabulary WHERE word = :w"), {"w": pair}).first():
                continue
            alike = session.execute(
                text("SELECT word FROM vocabulary WHERE pinyin = :p AND length(word) = 2 ORDER BY titles DESC LIMIT 1"),
                {"p": pinyin_keys(pair)[0]},
            ).scalar()
            if alike:
                run[i], run[i + 1] = alike
        return "".join(run)

    return _CJK_RUN.sub(fix, query)


# Highlights -----------------------------------------------------------------------------

_MARK_RUNS = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9A-Za-z]+")


def _highlight_runs(query: str, vocabulary: Vocabulary) -> tuple[str, ...]:
    """The pieces of a query to mark in a text: its words and their synonyms (CJK runs and Latin words),
    longest first."""
    normal = fts.normalise(query)
    terms = [term for group in understand(normal, vocabulary).groups for term in group.terms]
    runs = {run.lower() for term in [normal, *terms] for run in _MARK_RUNS.findall(fts.normalise(term))}
    return tuple(sorted(runs, key=len, reverse=True))


def marks(value: str, runs: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    """Where the runs occur in a text, as (start, end) spans, merged and in order (Latin case ignored)."""
    if not runs or not value:
        return ()
    folded = value.lower()
    if len(folded) != len(value):  # a few letters (İ) change length: fold the ASCII ones alone
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


# Why a hit ranks where it does --------------------------------------------------------------


def explain(session: Session, query: str, index_nos: list[str], widened: str = "") -> list[str]:
    """For each hit, in order, one line: the query's words it holds, its title and body scores, its prior.

    The words are the understood query's (content_cache.query), each with its
    synonyms, matched as the search matched them (`widened`: SearchResult.widened,
    the words apart or most of them); a score is bm25 (lower is better) as the
    ranking uses it.
    """
    vocabulary = vocabulary_of(session)
    understood = understand(fts.normalise(query), vocabulary)
    groups = [group.terms for group in understood.groups]
    spelt = _pinyin_words(session, query) if looks_like_pinyin(query) else []
    any_group, loose = next((way for way, name in WIDENINGS.items() if name == widened), (False, False))
    plan = _plan(query, spelt, vocabulary, any_group=any_group, loose=loose)
    cut = _cut_for(understood.words, vocabulary, loose)
    groups = spelt or groups
    demote_routine = not asks_for_routine(query, spelt)
    head = plan[1].get("head", "") if plan else ""
    every = plan[1].get("all", "") if plan else ""
    lines = []
    head_line = "words: " + " + ".join("/".join(terms[:4]) for terms in groups)
    if widened:
        head_line += f"; matched as {widened}"
    if understood.dropped:
        head_line += f"; left out: {' '.join(understood.dropped)}"
    if understood.left_out:
        head_line += f"; single characters left out: {' '.join(understood.left_out)}"
    lines.append(head_line)
    for index_no in index_nos:
        item = session.scalars(select(Item).where(Item.index_no == index_no)).first()
        if item is None:
            continue
        held = []
        for terms in groups:
            match = fts.match_words([terms], cut=None if spelt else cut, alike=vocabulary.synonyms_of)
            found = (
                match
                and session.execute(
                    text("SELECT 1 FROM item_fts WHERE item_fts MATCH :m AND rowid = :id"), {"m": match, "id": item.id}
                ).first()
            )
            held.append("/".join(terms[:2]) if found else f"-{terms[0]}")
        scores = (
            session.execute(
                text(
                    f"SELECT (SELECT {HEAD_BM25} FROM title_fts WHERE title_fts MATCH :h "
                    f"AND rowid = :id), (SELECT {BODY_BM25} FROM item_fts "
                    "WHERE item_fts MATCH :a AND rowid = :id)"
                ),
                {"h": head, "a": every, "id": item.id},
            ).first()
            if head
            else None
        )
        title, body = scores or (None, None)
        outside_title = (
            title is not None
            and not session.execute(
                text("SELECT 1 FROM title_fts WHERE title_fts MATCH :h AND rowid = :id"),
                {"h": _in_title(head), "id": item.id},
            ).first()
        )
        year = item.published_on.year
        pinyin = _pinyin_reason(session, fts.normalise(query).split(), item.id) if looks_like_pinyin(query) else ""
        short_fields = title is not None or (bool(pinyin) and pinyin != "title pinyin -")
        routine = demote_routine and short_fields and is_routine(item.genre, item.title)
        years = (item.published_on - date(2008, 1, 1)).days / 365.25
        prior = (1.0 + 0.05 * max(0.0, years)) * (0.5 if item.validity in ("abolished", "expired") else 1.0)
        prior *= ROUTINE_WEIGHT if routine else 1.0
        parts = [
            f"{index_no}  holds {' '.join(held)}",
            (f"title {title:.2f}" + (f" with 主题词 or publisher ×{OUTSIDE_TITLE}" if outside_title else ""))
            if title is not None
            else "title -",
            f"body {body:.2f}" if body is not None else "body -",
            f"prior ×{prior:.2f} ({year}, {item.validity}{', routine' if routine else ''})",
        ]
        if item.title == query.strip():
            parts.append("the whole title")
        if pinyin:
            parts.append(pinyin)
        lines.append("; ".join(parts))
    return lines


def _pinyin_reason(session: Session, letters: list[str], item_id: int) -> str:
    """What the title's pinyin holds of a pinyin query's parts: asked of `_pinyin_source` itself, its match and
    its rank (PINYIN_NOT_INITIALS when the short parts are not on the initials)."""
    params: dict[str, Any] = {"id": item_id, "lo": 0, "hi": MAX_ROWID}
    source = _pinyin_source(letters, params)
    rank = session.execute(
        text(f"SELECT {source.rank} FROM items WHERE items.id = :id AND items.id IN ({source.ids})"), params
    ).scalar()
    if rank is None:
        return "title pinyin -"
    if not any(len(part) < 3 for part in letters):
        return "title pinyin"
    return (
        "title pinyin, short parts on its initials"
        if rank == 0
        else (f"title pinyin, short parts not on its initials +{rank:.0f}")
    )
