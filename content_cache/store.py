"""Writing content: publishers, columns and items, with the FTS index in the same transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeVar
from collections.abc import Iterable, Iterator
from datetime import date

from itertools import islice

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from content_cache import fts
from content_cache.errors import InvalidRecord
from content_cache.models import Attachment, CatalogueColumn, ContentMeta, Item, Publisher
from content_cache.pinyin import pinyin_keys
from content_cache.records import ColumnRecord, ItemRecord, PublisherRecord

# 索引号: a unit code (9-char organisation code, 18-char credit code, or another
# length: never hard-coded), a slash, the year and a serial.
INDEX_NO = re.compile(r"^[0-9A-Za-z-]{1,32}/\d{4}-\d{1,10}$")
VALIDITIES = frozenset({"valid", "amended", "abolished"})

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
    """Insert or update publishers by code."""
    for rec in records:
        session.merge(Publisher(code=rec.code, name=rec.name, level=rec.level, parent_code=rec.parent_code))
    session.flush()


def upsert_columns(session: Session, records: Iterable[ColumnRecord]) -> None:
    """Insert or update catalogue columns by code (parents before children)."""
    for rec in records:
        session.merge(
            CatalogueColumn(code=rec.code, name=rec.name, parent_code=rec.parent_code, position=rec.position)
        )
    session.flush()


BATCH = 500
_T = TypeVar("_T")


def batched(records: Iterable[_T], size: int) -> Iterator[tuple[_T, ...]]:
    """Tuples of at most `size` records (itertools.batched arrived only in Python 3.12)."""
    it = iter(records)
    while batch := tuple(islice(it, size)):
        yield batch


def _row(rec: ItemRecord) -> dict[str, object]:
    row: dict[str, object] = {name: getattr(rec, name) for name in ItemRecord.__slots__ if name != "attachments"}
    row["title_pinyin"], row["title_initials"] = pinyin_keys(rec.title)
    return row


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


def upsert_items(session: Session, records: Iterable[ItemRecord]) -> WriteCounts:
    """Insert or update items by 索引号 and index them, in the caller's transaction."""
    publishers = {p.code: p.name for p in session.scalars(select(Publisher))}
    counts = WriteCounts()
    for batch in batched(records, BATCH):
        for rec in batch:
            validate(rec)
            if rec.publisher_code not in publishers:
                raise InvalidRecord(f"{rec.index_no}: unknown publisher {rec.publisher_code!r}")
        ids, added = _write_batch(session, list(batch))
        _write_attachments(session, batch, ids)
        fts.write_rows(
            session, [fts.index_row(ids[r.index_no], _fts_fields(r, publishers[r.publisher_code])) for r in batch]
        )
        counts += WriteCounts(added, len(batch) - added)
    return counts


def withdraw_items(session: Session, index_nos: Iterable[str]) -> int:
    """Remove items (撤回) with their attachments and index rows; unknown 索引号 are ignored."""
    removed = 0
    for batch in batched(index_nos, BATCH):
        ids = list(session.scalars(select(Item.id).where(Item.index_no.in_(batch))))
        if ids:
            fts.delete_rows(session, ids)
            session.execute(delete(Attachment).where(Attachment.item_id.in_(ids)))
            session.execute(delete(Item).where(Item.id.in_(ids)))
            removed += len(ids)
    return removed


def all_index_nos(session: Session) -> set[str]:
    """Every 索引号 in the cache."""
    return set(session.scalars(select(Item.index_no)))


def get_meta(session: Session, key: str) -> str | None:
    """A fact about the cache, or None."""
    meta = session.get(ContentMeta, key)
    return meta.value if meta else None


def _write_batch(session: Session, batch: list[ItemRecord]) -> tuple[dict[str, int], int]:
    """Write a batch of items with Core statements; returns 索引号 → row id, and how many were new."""
    numbers = [r.index_no for r in batch]
    if len(set(numbers)) != len(numbers):
        raise InvalidRecord("the same 索引号 appears twice in one batch")
    found = session.execute(select(Item.index_no, Item.id).where(Item.index_no.in_(numbers)))
    existing = {index_no: row_id for index_no, row_id in found}
    updates = [{"_id": existing[r.index_no], **_row(r)} for r in batch if r.index_no in existing]
    if updates:
        table = Item.__table__
        session.execute(update(table).where(table.c.id == bindparam("_id")), updates)
    inserts = [_row(r) for r in batch if r.index_no not in existing]
    if inserts:
        session.execute(insert(Item.__table__), inserts)  # Core executemany: no ORM bookkeeping
        new = [str(row["index_no"]) for row in inserts]
        found = session.execute(select(Item.index_no, Item.id).where(Item.index_no.in_(new)))
        existing.update((index_no, row_id) for index_no, row_id in found)
    return existing, len(inserts)


def _write_attachments(session: Session, batch: tuple[ItemRecord, ...], ids: dict[str, int]) -> None:
    """Replace the attachment rows of the items in a batch."""
    item_ids = [ids[r.index_no] for r in batch]
    session.execute(delete(Attachment).where(Attachment.item_id.in_(item_ids)))
    rows = [
        {"item_id": ids[r.index_no], "name": a.name, "sha256": a.sha256, "size": a.size, "media_type": a.media_type}
        for r in batch
        for a in r.attachments
    ]
    if rows:
        session.execute(insert(Attachment), rows)


def _fts_fields(rec: ItemRecord, publisher: str) -> dict[str, str]:
    return {
        "title": rec.title,
        "doc_no": rec.doc_no or "",
        "index_no": rec.index_no,
        "publisher": publisher,
        "body": rec.body,
    }


def set_meta(session: Session, key: str, value: str) -> None:
    """Record a fact about the cache (for example the date it was updated)."""
    session.merge(ContentMeta(key=key, value=value))
