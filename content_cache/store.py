"""Writing content: publishers, columns and items, with the FTS index in the same transaction."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import islice
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import delete, event, insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from content_cache import fts
from content_cache.errors import InvalidRecord
from content_cache.models import Attachment, CatalogueColumn, ContentMeta, Item, Publisher
from content_cache.pinyin import Word, title_keys
from content_cache.pinyin import words as title_words
from content_cache.records import ColumnRecord, ItemRecord, PublisherRecord

# 索引号: a unit code (9-char organisation code, 18-char credit code, or another
# length: never hard-coded), a slash, the year and a serial. One canonical form: ASCII digits, upper-case
# letters and '-' only, nothing before or after (\Z, not $, which lets a trailing newline through), so no
# full-width or other-script digit, lower-case letter or trailing space makes a second 索引号 that looks alike.
INDEX_NO = re.compile(r"^[0-9A-Z-]{1,32}/[0-9]{4}-[0-9]{1,10}\Z", re.ASCII)
VALIDITIES = frozenset({"valid", "amended", "abolished", "expired"})

UPDATED_ON = "updated_on"
FEED_SEQUENCE = "feed_sequence"
FEED_PUBLISHER = "feed_publisher"


def validate(record: ItemRecord) -> None:
    """Raise InvalidRecord when a record breaks the content model."""
    if not INDEX_NO.match(record.index_no):
        raise InvalidRecord(f"索引号 {record.index_no!r} is not of the form CODE/YYYY-NNNNN")
    if not record.title.strip():
        raise InvalidRecord(f"{record.index_no}: the title is empty")
    if record.validity not in VALIDITIES:
        raise InvalidRecord(f"{record.index_no}: unknown validity {record.validity!r}")
    if not isinstance(record.published_on, date):
        raise InvalidRecord(f"{record.index_no}: published_on is not a date")


def upsert_publishers(session: Session, records: Iterable[PublisherRecord]) -> None:
    """Insert or update publishers by code; items of a renamed publisher are indexed under the new name."""
    before = {p.code: p.name for p in session.scalars(select(Publisher))}
    for rec in records:
        session.merge(Publisher(code=rec.code, name=rec.name, level=rec.level, parent_code=rec.parent_code))
    session.flush()
    after = {p.code: p.name for p in session.scalars(select(Publisher))}
    for code, old_name in before.items():
        if after.get(code, old_name) != old_name:
            _reindex_publisher(session, code, old_name, after[code])


def upsert_columns(session: Session, records: Iterable[ColumnRecord]) -> None:
    """Insert or update catalogue columns by code (parents before children)."""
    for rec in records:
        session.merge(CatalogueColumn(code=rec.code, name=rec.name, parent_code=rec.parent_code, position=rec.position))
    session.flush()


def _reindex_publisher(session: Session, code: str, old_name: str, new_name: str) -> None:
    ids = list(session.scalars(select(Item.id).where(Item.publisher_code == code).order_by(Item.id)))
    for chunk in batched(ids, BATCH):
        rows = list(session.execute(select(*_INDEXED).where(Item.id.in_(chunk)).order_by(Item.id)))
        fts.delete_rows(session, [_index_row(row.id, row, old_name) for row in rows])
        fts.insert_rows(session, [_index_row(row.id, row, new_name) for row in rows])


BATCH = 500
_T = TypeVar("_T")


def batched(records: Iterable[_T], size: int) -> Iterator[tuple[_T, ...]]:
    """Tuples of at most `size` records (itertools.batched arrived only in Python 3.12)."""
    it = iter(records)
    while batch := tuple(islice(it, size)):
        yield batch


_FIELDS = tuple(name for name in ItemRecord.__slots__ if name != "attachments")
_INDEXED = (
    Item.id,
    Item.title,
    Item.doc_no,
    Item.index_no,
    Item.publisher_code,
    Item.keywords,
    Item.body,
    Item.title_pinyin,
    Item.title_initials,
)


def _row(rec: ItemRecord) -> tuple[dict[str, object], str]:
    """The items row of a record (with the pinyin keys of its title), and its title's readings (`title_keys`)."""
    row: dict[str, object] = {name: getattr(rec, name) for name in _FIELDS}
    row["title_pinyin"], row["title_initials"], readings = title_keys(rec.title)
    return row, readings


_INSERT_COLUMNS = (*_FIELDS, "title_pinyin", "title_initials")
_INSERT = f"INSERT INTO items ({', '.join(_INSERT_COLUMNS)}) VALUES ({', '.join('?' * len(_INSERT_COLUMNS))})"
_UPDATE = f"UPDATE items SET {', '.join(f'{name} = ?' for name in _INSERT_COLUMNS)} WHERE id = ?"


@dataclass(frozen=True, slots=True)
class PreparedItem:
    """An item with the costly part of its write worked out ahead (see `prepare`)."""

    record: ItemRecord
    publisher: str  # the publisher's name the index fields were cut with
    values: tuple[object, ...]  # the items row in _INSERT_COLUMNS order, dates as ISO text
    indexed: dict[str, str]  # FTS column → cut text
    readings: str  # the title's characters and readings, for the pinyin keyboard's vocabulary


def prepare(record: ItemRecord, publisher: str) -> PreparedItem:
    """Pinyin keys and cut index fields of an item: pure work, which a sync spreads over processes."""
    row, readings = _row(record)
    values = tuple(v.isoformat() if isinstance(v, date) else v for v in (row[n] for n in _INSERT_COLUMNS))
    indexed = fts.index_row(0, _fields(record, publisher, str(row["title_pinyin"]), str(row["title_initials"])))
    del indexed["rowid"]
    return PreparedItem(record, publisher, values, indexed, readings)  # type: ignore[arg-type]


def _fields(item: Any, publisher: str, pinyin: str | None = None, initials: str | None = None) -> dict[str, str]:
    """The indexed fields of an item: a stored row (the columns of _INDEXED), or an ItemRecord and its pinyin keys."""
    return {
        "title": item.title,
        "doc_no": item.doc_no or "",
        "index_no": item.index_no,
        "publisher": publisher,
        "keywords": item.keywords,
        "body": item.body,
        "pinyin": item.title_pinyin if pinyin is None else pinyin,
        "initials": item.title_initials if initials is None else initials,
    }


def _index_row(row_id: int, item: Any, publisher: str) -> dict[str, object]:
    return fts.index_row(row_id, _fields(item, publisher))


@dataclass(frozen=True, slots=True)
class WriteCounts:
    """How many items a write added and how many it replaced."""

    added: int = 0
    updated: int = 0

    def __add__(self, other: WriteCounts) -> WriteCounts:
        return WriteCounts(self.added + other.added, self.updated + other.updated)

    @property
    def total(self) -> int:
        return self.added + self.updated


def upsert_items(session: Session, records: Iterable[ItemRecord | PreparedItem]) -> WriteCounts:
    """Insert or update items by 索引号 and index them, in the caller's transaction.

    An item identical to the stored one (fields and attachments) is left alone:
    it is neither written nor counted. Records may come prepared (`prepare`).
    """
    publishers = {p.code: p.name for p in session.scalars(select(Publisher))}
    counts = WriteCounts()
    for batch in batched(records, BATCH):
        items: list[PreparedItem] = []
        for given in batch:
            rec = given.record if isinstance(given, PreparedItem) else given
            validate(rec)
            if rec.publisher_code not in publishers:
                raise InvalidRecord(f"{rec.index_no}: unknown publisher {rec.publisher_code!r}")
            name = publishers[rec.publisher_code]
            ready = isinstance(given, PreparedItem) and given.publisher == name
            items.append(given if ready else prepare(rec, name))  # type: ignore[arg-type]
        counts += _write_batch(session, items, publishers)
    return counts


def withdraw_items(session: Session, index_nos: Iterable[str]) -> int:
    """Remove items (撤回) with their attachments and index rows; unknown 索引号 are ignored."""
    publishers = {p.code: p.name for p in session.scalars(select(Publisher))}
    removed = 0
    for batch in batched(index_nos, BATCH):
        rows = list(session.execute(select(*_INDEXED).where(Item.index_no.in_(batch))))
        if rows:
            ids = [row.id for row in rows]
            fts.delete_rows(session, [_index_row(row.id, row, publishers[row.publisher_code]) for row in rows])
            _count_words(session, [w for row in rows for w in title_words(title_keys(row.title)[2])], -1)
            session.execute(delete(Attachment).where(Attachment.item_id.in_(ids)))
            session.execute(delete(Item).where(Item.id.in_(ids)))
            removed += len(ids)
    return removed


FTS_CUT = "fts_cut"


def ensure_index_current(session: Session) -> bool:
    """Re-index every item when the index was cut by another version of the cut; True when it was."""
    if get_meta(session, FTS_CUT) == fts.CUT_VERSION:
        return False
    for table in fts.TABLES:
        session.execute(text(f"INSERT INTO {table}({table}) VALUES ('delete-all')"))
    rebuild_index(session)
    return True


def rebuild_index(connection: Connection | Session) -> None:
    """Index every item into an empty index, and record the version of the cut it used."""
    connection.execute(
        text("INSERT OR REPLACE INTO content_meta(key, value) VALUES (:key, :value)"),
        {"key": FTS_CUT, "value": fts.CUT_VERSION},
    )
    publishers = {code: name for code, name in connection.execute(select(Publisher.code, Publisher.name))}
    last = 0
    while rows := connection.execute(select(*_INDEXED).where(Item.id > last).order_by(Item.id).limit(BATCH * 4)).all():
        fts.insert_rows(connection, [_index_row(row.id, row, publishers[row.publisher_code]) for row in rows])
        last = rows[-1].id


_PENDING_WORDS = "pending_vocabulary"


def _count_words(session: Session | Connection, words: list[Word], step: int) -> None:
    """Add `step` titles to the count of each word (a word twice in the list counts twice).

    In a session the counts gather in memory and are written once, just before
    the transaction commits: a sync of 100,000 items touches each word once,
    not once a batch.
    """
    if not words:
        return
    known = {w.text: w for w in words}
    counts: Counter[str] = Counter()
    for w in words:
        counts[w.text] += step
    if not isinstance(session, Session):
        _write_words(session, known, counts)
        return
    pending: tuple[dict[str, Word], Counter[str]] | None = session.info.get(_PENDING_WORDS)
    if pending is None:
        pending = session.info[_PENDING_WORDS] = ({}, Counter())
        event.listen(session, "before_commit", _write_pending_words, once=True)
    pending[0].update(known)
    pending[1].update(counts)


def _write_pending_words(session: Session) -> None:
    known, counts = session.info.pop(_PENDING_WORDS, ({}, Counter()))
    _write_words(session, known, counts)


def _write_words(session: Session | Connection, known: dict[str, Word], counts: Counter[str]) -> None:
    changes = [(word, n) for word, n in counts.items() if n]
    if not changes:
        return
    session.execute(
        text(
            "INSERT INTO vocabulary(word, pinyin, initials, titles) VALUES (:word, :pinyin, :initials, :n) "
            "ON CONFLICT(word) DO UPDATE SET titles = titles + excluded.titles"
        ),
        [{"word": word, "pinyin": known[word].pinyin, "initials": known[word].initials, "n": n} for word, n in changes],
    )
    if any(n < 0 for _, n in changes):
        session.execute(text("DELETE FROM vocabulary WHERE titles <= 0"))


def rebuild_vocabulary(connection: Connection | Session) -> None:
    """Count the words of every title again (a migration calls this)."""
    connection.execute(text("DELETE FROM vocabulary"))
    last = 0
    while rows := connection.execute(
        select(Item.id, Item.title).where(Item.id > last).order_by(Item.id).limit(BATCH * 4)
    ).all():
        _count_words(connection, [w for row in rows for w in title_words(title_keys(row.title)[2])], +1)
        last = rows[-1].id


def all_index_nos(session: Session) -> set[str]:
    """Every 索引号 in the cache."""
    return set(session.scalars(select(Item.index_no)))


def get_meta(session: Session, key: str) -> str | None:
    """A fact about the cache, or None."""
    meta = session.get(ContentMeta, key)
    return meta.value if meta else None


def _write_batch(session: Session, batch: list[PreparedItem], publishers: dict[str, str]) -> WriteCounts:
    """Write a batch of items (new ones straight through the driver) and index them."""
    numbers = [p.record.index_no for p in batch]
    if len(set(numbers)) != len(numbers):
        raise InvalidRecord("the same 索引号 appears twice in one batch")
    table = Item.__table__
    columns = (table.c.id, *(table.c[n] for n in _FIELDS), table.c.title_pinyin, table.c.title_initials)
    stored = {row.index_no: row for row in session.execute(select(*columns).where(table.c.index_no.in_(numbers)))}
    held = _attachments_of(session, [row.id for row in stored.values()])
    changed = [p for p in batch if p.record.index_no in stored and not _same(p.record, stored[p.record.index_no], held)]
    new = [p for p in batch if p.record.index_no not in stored]
    ids = {p.record.index_no: stored[p.record.index_no].id for p in changed}
    connection = session.connection()
    if changed:
        # In rowid order: FTS5 flushes its pending terms whenever a rowid is lower than the last one written.
        changed.sort(key=lambda p: ids[p.record.index_no])
        old = [stored[p.record.index_no] for p in changed]
        fts.delete_rows(session, [_index_row(row.id, row, publishers[row.publisher_code]) for row in old])
        connection.exec_driver_sql(_UPDATE, [(*p.values, ids[p.record.index_no]) for p in changed])
        _count_words(session, [w for row in old for w in title_words(title_keys(row.title)[2])], -1)
    if new:
        connection.exec_driver_sql(_INSERT, [p.values for p in new])
        created = session.execute(
            select(table.c.index_no, table.c.id).where(table.c.index_no.in_([p.record.index_no for p in new]))
        )
        ids.update((index_no, row_id) for index_no, row_id in created)
    written = changed + new
    _count_words(session, [w for p in written for w in title_words(p.readings)], +1)
    rows = sorted(({**p.indexed, "rowid": ids[p.record.index_no]} for p in written), key=itemgetter("rowid"))
    fts.insert_rows(session, rows)
    _write_attachments(session, [p.record for p in written], ids)
    return WriteCounts(len(new), len(changed))


def _same(rec: ItemRecord, row: Any, held: dict[int, list[tuple[str, str, int, str]]]) -> bool:
    """True when a stored item already has exactly the record's fields and attachments."""
    if any(getattr(rec, name) != getattr(row, name) for name in _FIELDS):
        return False
    return [(a.name, a.sha256, a.size, a.media_type) for a in rec.attachments] == held.get(row.id, [])


def _attachments_of(session: Session, item_ids: list[int]) -> dict[int, list[tuple[str, str, int, str]]]:
    held: dict[int, list[tuple[str, str, int, str]]] = {}
    if item_ids:
        rows = session.execute(
            select(Attachment.item_id, Attachment.name, Attachment.sha256, Attachment.size, Attachment.media_type)
            .where(Attachment.item_id.in_(item_ids))
            .order_by(Attachment.id)
        )
        for item_id, name, sha256, size, media_type in rows:
            held.setdefault(item_id, []).append((name, sha256, size, media_type))
    return held


def _write_attachments(session: Session, batch: list[ItemRecord], ids: dict[str, int]) -> None:
    """Replace the attachment rows of the items in a batch."""
    if not batch:
        return
    item_ids = [ids[r.index_no] for r in batch]
    session.execute(delete(Attachment).where(Attachment.item_id.in_(item_ids)))
    rows = [
        {"item_id": ids[r.index_no], "name": a.name, "sha256": a.sha256, "size": a.size, "media_type": a.media_type}
        for r in batch
        for a in r.attachments
    ]
    if rows:
        session.execute(insert(Attachment), rows)


def set_meta(session: Session, key: str, value: str) -> None:
    """Record a fact about the cache (for example the date it was updated)."""
    session.merge(ContentMeta(key=key, value=value))
