"""The content cache as one object: open it, load content, read it, search it.

Search, the keyboard's candidates and the pinyin respelling use the cache's own
vocabulary: the built-in synonym list merged with the publisher's list that the
last sync stored beside the content (`publisher_synonyms`). It is read again on
the first search after a sync changed it, in this process or another.

Opening checks the file first: a damaged cache (not a database, truncated, a
page malformed) is `CacheDamaged`, naming the file, so that the kiosk can set
it aside and build it again; the cache is disposable, the feed holds it all.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from content_cache import candidates, catalogue, demo, search, store, suggest, written
from content_cache.catalogue_layout import column_records
from content_cache.db import (
    file_damage,
    is_damage,
    make_engine,
    make_sessionmaker,
    run_migrations,
    sqlite_url,
)
from content_cache.errors import ContentError
from content_cache.figures import CatalogueFigures, catalogue_figures
from content_cache.handwriting import Guess
from content_cache.models import ContentMeta, PublisherSynonymGroup
from content_cache.query import VOCABULARY_KEY, Vocabulary, default_vocabulary
from content_cache.records import (
    AttachmentRecord,
    Candidate,
    ColumnInfo,
    Filters,
    ItemDetail,
    ItemSummary,
    SearchResult,
    Sort,
    Suggestion,
)

MIGRATIONS = "content_cache:migrations"
SYNONYMS_META = "publisher_synonyms"  # content_meta: the stored list's version and feed sequence
# A cache up to this size is read through (SQLite's quick_check) at every opening: about 0.4 s at the limit.
# A larger one is checked through when asked (`kiosk sync --full`); its header and size are checked always.
FULL_CHECK_UP_TO = 64 * 2**20


class CacheDamaged(ContentError):
    """The content cache's file is damaged: not a database, truncated, or a page malformed."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(path, reason)
        self.path, self.reason = path, reason

    def __str__(self) -> str:
        return f"the content cache {self.path} is damaged ({self.reason})"


class CacheUnavailable(ContentError):
    """The content cache's file cannot be opened or made (a folder that cannot be written, a path that is a file)."""

    def __str__(self) -> str:
        path, reason = self.args
        return f"cannot open the content cache {path}: {reason}"


@dataclass(frozen=True, slots=True)
class PublisherSynonyms:
    """The publisher's synonym list as a sync stored it: its version, the feed sequence it came with, its groups."""

    version: int
    sequence: int
    groups: tuple[tuple[str, ...], ...]


def store_publisher_synonyms(session: Session, found: PublisherSynonyms | None) -> None:
    """Replace the stored list (None: remove it), inside the caller's transaction."""
    session.execute(delete(PublisherSynonymGroup))
    session.execute(delete(ContentMeta).where(ContentMeta.key == SYNONYMS_META))
    if found is None:
        return
    session.add_all(PublisherSynonymGroup(position=n, terms="\t".join(g)) for n, g in enumerate(found.groups))
    store.set_meta(session, SYNONYMS_META, json.dumps({"version": found.version, "sequence": found.sequence}))


def publisher_synonyms(session: Session) -> PublisherSynonyms | None:
    """The stored list, or None when the cache has none."""
    stamp = store.get_meta(session, SYNONYMS_META)
    if stamp is None:
        return None
    meta = json.loads(stamp)
    rows = session.scalars(select(PublisherSynonymGroup.terms).order_by(PublisherSynonymGroup.position))
    return PublisherSynonyms(meta["version"], meta["sequence"], tuple(tuple(terms.split("\t")) for terms in rows))


class ContentCache:
    """The disposable store of disclosed content: every read opens a short session."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = make_sessionmaker(engine)
        self._vocabulary: tuple[str | None, Vocabulary] = (None, default_vocabulary())

    @classmethod
    def open(cls, path: Path, *, full_check: bool = False) -> ContentCache:
        """Open (creating and migrating as needed) the cache in an SQLite file.

        CacheDamaged when the file is damaged (read through when it is small or
        `full_check` asks); CacheUnavailable when it cannot be opened at all.
        """
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            damage = file_damage(path, full=full_check or _small(path))
        except OSError as exc:
            raise CacheUnavailable(path, exc.strerror or str(exc)) from exc
        if damage:
            raise CacheDamaged(path, damage)
        engine = make_engine(sqlite_url(path))
        try:
            run_migrations(engine, MIGRATIONS)
            cache = cls(engine)
            with cache.transaction() as session:
                store.ensure_index_current(session)
        except Exception as exc:
            engine.dispose()
            raise _opening_error(path, exc) from exc
        return cache

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for reading."""
        with self._sessions() as session:
            yield session

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work commits at the end of the block, or rolls back on error."""
        with self._sessions.begin() as session:
            yield session

    @contextmanager
    def _reading_words(self) -> Iterator[Session]:
        """A session for reading that carries the cache's vocabulary (see `query.vocabulary_of`)."""
        with self.session() as s:
            s.info[VOCABULARY_KEY] = self._vocabulary_in(s)
            yield s

    def vocabulary(self) -> Vocabulary:
        """The synonym groups and query words search uses here: the built-in ones with the publisher's list."""
        with self.session() as s:
            return self._vocabulary_in(s)

    def _vocabulary_in(self, session: Session) -> Vocabulary:
        # One primary-key read a search: the list is merged again only when a sync stored another.
        stamp = store.get_meta(session, SYNONYMS_META)
        known, vocabulary = self._vocabulary
        if stamp != known:
            found = publisher_synonyms(session)
            vocabulary = default_vocabulary().merged(found.groups) if found else default_vocabulary()
            self._vocabulary = (stamp, vocabulary)
        return vocabulary

    def publisher_synonyms(self) -> PublisherSynonyms | None:
        """The publisher's list the last sync stored, or None."""
        with self.session() as s:
            return publisher_synonyms(s)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def load_demo(self, count: int, seed: int = 1, today: date | None = None) -> int:
        """Add the seed annual report and `count` generated items, in one transaction."""
        records = [demo.annual_report_2008(), *demo.generate_items(count, seed)]
        with self.transaction() as session:
            store.upsert_publishers(session, demo.publisher_records())
            store.upsert_columns(session, column_records())
            written = store.upsert_items(session, records)
            store.set_meta(session, store.UPDATED_ON, (today or date.today()).isoformat())
        return written.total

    def sections(self) -> list[ColumnInfo]:
        with self.session() as s:
            return catalogue.sections(s)

    def column(self, code: str) -> ColumnInfo:
        with self.session() as s:
            return catalogue.column(s, code)

    def subcolumns(self, code: str) -> list[ColumnInfo]:
        with self.session() as s:
            return catalogue.subcolumns(s, code)

    def count_items(self, column_code: str, year: int | None = None) -> int:
        with self.session() as s:
            return catalogue.count_items(s, column_code, year)

    def year_counts(self, column_code: str) -> list[tuple[int, int]]:
        with self.session() as s:
            return catalogue.year_counts(s, column_code)

    def list_items(self, column_code: str, offset: int, limit: int, year: int | None = None) -> list[ItemSummary]:
        with self.session() as s:
            return catalogue.list_items(s, column_code, offset, limit, year)

    def titles(self, index_nos: Sequence[str]) -> dict[str, str]:
        """The titles of the items still in the catalogue, by 索引号 (one query)."""
        from content_cache.models import Item

        with self.session() as s:
            rows = s.execute(select(Item.index_no, Item.title).where(Item.index_no.in_(list(index_nos)[:1000])))
            return {index_no: title for index_no, title in rows}

    def item(self, index_no: str) -> ItemDetail:
        with self.session() as s:
            return catalogue.item_detail(s, index_no)

    def attachment(self, index_no: str, name: str) -> AttachmentRecord:
        """An attachment of an item by name; AttachmentNotFound when the item has none of that name."""
        with self.session() as s:
            return catalogue.attachment(s, index_no, name)

    def search(
        self,
        query: str,
        limit: int = 20,
        *,
        filters: Filters | None = None,
        sort: Sort = "relevance",
        facets: bool = False,
        offset: int = 0,
        partial_ok: bool = True,
    ) -> SearchResult:
        with self._reading_words() as s:
            return search.search(
                s, query, limit, filters=filters, sort=sort, facets=facets, offset=offset, partial_ok=partial_ok
            )

    def explain(self, query: str, index_nos: list[str], widened: str = "") -> list[str]:
        """Why each hit of `query` ranks where it does: a line for the words, then one a hit (`widened`: as the
        search's result says it widened its matches)."""
        with self._reading_words() as s:
            return search.explain(s, query, index_nos, widened)

    def candidates(self, letters: str, limit: int = 12) -> list[Candidate]:
        """Words of the titles that typed pinyin letters may stand for (the pinyin keyboard)."""
        with self._reading_words() as s:
            return candidates.candidates(s, letters, limit)

    def suggested_searches(self) -> list[Suggestion]:
        """What the empty search screen offers to tap: common searches, then examples of each way to search."""
        with self._reading_words() as s:
            return suggest.suggestions(s)

    def written_candidates(self, guesses: Sequence[Guess], before: str, limit: int = 8) -> list[str]:
        """The handwriting recogniser's characters re-ranked by the titles: the one that follows `before` first."""
        with self._reading_words() as s:
            return written.rank_written(s, guesses, before, limit)

    def next_words(self, before: str, limit: int = 6) -> list[str]:
        """Words of the titles and the synonym list that begin with the last character of `before`."""
        with self._reading_words() as s:
            return written.next_words(s, before, limit)

    def updated_on(self) -> date | None:
        with self.session() as s:
            return catalogue.updated_on(s)

    def feed_sequence(self) -> int | None:
        """The feed sequence the cache holds, or None when it never synced."""
        with self.session() as s:
            value = store.get_meta(s, store.FEED_SEQUENCE)
            return int(value) if value is not None else None

    def item_count(self) -> int:
        with self.session() as s:
            return catalogue.item_count(s)

    def catalogue_figures(self, start: date, end: date) -> CatalogueFigures:
        """The annual report's figures of the catalogue now and of what it made public from `start` through `end`."""
        with self.session() as s:
            return catalogue_figures(s, start, end)


def _small(path: Path) -> bool:
    try:
        return path.stat().st_size <= FULL_CHECK_UP_TO
    except FileNotFoundError:
        return True


def _opening_error(path: Path, exc: Exception) -> Exception:
    """What opening's failure means: the file damaged, the file out of reach, or `exc` itself."""
    if is_damage(exc):
        return CacheDamaged(path, _first_line(exc))
    inner = getattr(exc, "orig", None)
    if inner is not None and "unable to open database file" in str(inner):
        return CacheUnavailable(path, "unable to open the file (is its folder writable?)")
    return exc


def _first_line(exc: Exception) -> str:
    inner = getattr(exc, "orig", None) or exc
    return (str(inner).splitlines() or [type(inner).__name__])[0][:200]
