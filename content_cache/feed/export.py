"""Writing a content cache out as a publisher's input folder (SRC), ready for publish()."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import literal_column, select
from sqlalchemy.orm import Session

from content_cache.cache import ContentCache
from content_cache.feed._fields import canonical
from content_cache.feed.codec import column_to_json, item_to_json, publisher_to_json
from content_cache.feed.source import ATTACHMENTS_DIR, COLUMNS_FILE, ITEMS_FILE, PUBLISHERS_FILE
from content_cache.models import Attachment, CatalogueColumn, Item, Publisher
from content_cache.records import AttachmentRecord, ColumnRecord, ItemRecord, PublisherRecord

ITEM_COLUMNS = [name for name in ItemRecord.__slots__ if name != "attachments"]


def export_cache(cache: ContentCache, out: Path, attachment_store: Path | None = None) -> int:
    """Write publishers.jsonl, columns.jsonl, items.jsonl (and attachments/) to `out`; returns the item count.

    Attachment bytes are copied from attachment_store/<sha256[:2]>/<sha256> when
    given and present; each item's attachment names that copy as its "file".
    """
    out.mkdir(parents=True, exist_ok=True)
    with cache.session() as session:
        _write_jsonl(out / PUBLISHERS_FILE, (publisher_to_json(p) for p in _publishers(session)))
        _write_jsonl(out / COLUMNS_FILE, (column_to_json(c) for c in _columns(session)))
        attachments = _attachments(session)
        items = (_source_item(rec, out, attachment_store) for rec in _items(session, attachments))
        return _write_jsonl(out / ITEMS_FILE, items)


def _write_jsonl(path: Path, rows: Iterator[dict[str, Any]]) -> int:
    count = 0
    with path.open("wb") as stream:
        for row in rows:
            stream.write(canonical(row) + b"\n")
            count += 1
    return count


def _publishers(session: Session) -> list[PublisherRecord]:
    # Insertion order keeps the top unit first: publish() names the feed after the first publisher.
    rows = session.scalars(select(Publisher).order_by(literal_column("publishers.rowid")))
    return _parents_first([PublisherRecord(p.code, p.name, p.level, p.parent_code) for p in rows])


def _columns(session: Session) -> list[ColumnRecord]:
    rows = session.scalars(select(CatalogueColumn).order_by(literal_column("catalogue_columns.rowid")))
    return _parents_first([ColumnRecord(c.code, c.name, c.parent_code, c.position) for c in rows])


R = TypeVar("R", PublisherRecord, ColumnRecord)


def _parents_first(records: list[R]) -> list[R]:
    """The records in their order, stably moved so that every parent comes before its children."""
    parents = {r.code: r.parent_code for r in records}

    def depth(code: str | None) -> int:
        seen: set[str] = set()
        while code is not None and code in parents and code not in seen:
            seen.add(code)
            code = parents[code]
        return len(seen)

    return sorted(records, key=lambda r: depth(r.code))


def _attachments(session: Session) -> dict[int, list[AttachmentRecord]]:
    """Attachment records by item row id, in their stored order."""
    out: dict[int, list[AttachmentRecord]] = {}
    for a in session.scalars(select(Attachment).order_by(Attachment.id)):
        out.setdefault(a.item_id, []).append(AttachmentRecord(a.name, a.sha256, a.size, a.media_type))
    return out


def _items(session: Session, attachments: dict[int, list[AttachmentRecord]]) -> Iterator[ItemRecord]:
    """Every item as a record, in insertion order, read in chunks."""
    columns = [getattr(Item, name) for name in ITEM_COLUMNS]
    rows = session.execute(select(Item.id, *columns).order_by(Item.id).execution_options(yield_per=1000))
    for row_id, *values in rows:
        yield ItemRecord(**dict(zip(ITEM_COLUMNS, values, strict=True)), attachments=tuple(attachments.get(row_id, ())))


def _source_item(rec: ItemRecord, out: Path, store: Path | None) -> dict[str, Any]:
    """The items.jsonl form: the feed's ITEM with a "file" for each attachment."""
    row = item_to_json(rec)
    row["attachments"] = [_source_attachment(a, out, store) for a in rec.attachments]
    return row


def _source_attachment(a: AttachmentRecord, out: Path, store: Path | None) -> dict[str, Any]:
    """Copy the bytes (when the store has them) to attachments/<sha[:2]>/<sha> and name that file."""
    relative = f"{a.sha256[:2]}/{a.sha256}"
    source = store / relative if store is not None else None
    target = out / ATTACHMENTS_DIR / relative
    if source is not None and source.is_file() and not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return {"name": a.name, "file": relative, "media_type": a.media_type}
