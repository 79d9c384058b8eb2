"""Reading the catalogue: sections, columns, items newest first, one item."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from content_cache.errors import AttachmentNotFound, ColumnNotFound, ItemNotFound
from content_cache.models import Attachment, CatalogueColumn, ContentMeta, Item
from content_cache.records import VALIDITY_LABELS, AttachmentRecord, ColumnInfo, ItemDetail, ItemSummary, Validity
from content_cache.store import UPDATED_ON


def _column_infos(session: Session, columns: list[CatalogueColumn]) -> list[ColumnInfo]:
    """Columns with the items they hold, their sub-columns' included, and their sub-column count."""
    codes = [c.code for c in columns]
    per_column = select(Item.column_code, func.count().label("n")).group_by(Item.column_code).subquery()
    direct = dict(
        session.execute(
            select(per_column.c.column_code, per_column.c.n).where(per_column.c.column_code.in_(codes))
        ).all()
    )
    nested: dict[str | None, int | None] = dict(
        session.execute(
            select(CatalogueColumn.parent_code, func.sum(per_column.c.n))
            .join(per_column, per_column.c.column_code == CatalogueColumn.code)
            .where(CatalogueColumn.parent_code.in_(codes))
            .group_by(CatalogueColumn.parent_code)
        ).all()
    )
    items = {code: direct.get(code, 0) + int(nested.get(code, 0) or 0) for code in codes}
    children = dict(
        session.execute(
            select(CatalogueColumn.parent_code, func.count())
            .where(CatalogueColumn.parent_code.in_(codes))
            .group_by(CatalogueColumn.parent_code)
        ).all()
    )
    return [
        ColumnInfo(c.code, c.name, c.parent_code, c.position, items.get(c.code, 0), children.get(c.code, 0))
        for c in columns
    ]


def sections(session: Session) -> list[ColumnInfo]:
    """The top-level sections in catalogue order."""
    rows = session.scalars(
        select(CatalogueColumn).where(CatalogueColumn.parent_code.is_(None)).order_by(CatalogueColumn.position)
    )
    return _column_infos(session, list(rows))


def subcolumns(session: Session, code: str) -> list[ColumnInfo]:
    """The sub-columns of a column in catalogue order."""
    column(session, code)
    rows = session.scalars(
        select(CatalogueColumn).where(CatalogueColumn.parent_code == code).order_by(CatalogueColumn.position)
    )
    return _column_infos(session, list(rows))


def column(session: Session, code: str) -> ColumnInfo:
    """One column by code."""
    found = session.get(CatalogueColumn, code)
    if found is None:
        raise ColumnNotFound(code)
    return _column_infos(session, [found])[0]


def _in_column(column_code: str, year: int | None) -> list[ColumnElement[bool]]:
    """The conditions of a column's items, of one year of publication when `year` is given.

    A date range rather than strftime(), so the (column, published_on) index serves it.
    """
    conditions: list[ColumnElement[bool]] = [Item.column_code == column_code]
    if year is not None:
        conditions += [Item.published_on >= date(year, 1, 1), Item.published_on < date(year + 1, 1, 1)]
    return conditions


def count_items(session: Session, column_code: str, year: int | None = None) -> int:
    """How many items a column holds directly (published in `year`, when given)."""
    return session.scalar(select(func.count()).select_from(Item).where(*_in_column(column_code, year))) or 0


def year_counts(session: Session, column_code: str) -> list[tuple[int, int]]:
    """The years in which a column's own items were published, newest first, each with its item count."""
    year = func.strftime("%Y", Item.published_on)
    rows = session.execute(
        select(year, func.count()).where(Item.column_code == column_code).group_by(year).order_by(year.desc())
    )
    return [(int(y), int(n)) for y, n in rows if y]


def summary(item: Item) -> ItemSummary:
    """The list-row view of an item."""
    return ItemSummary(
        index_no=item.index_no,
        title=item.title,
        doc_no=item.doc_no,
        publisher=item.publisher.name,
        published_on=item.published_on,
        column_code=item.column_code,
        column=item.column.name,
        validity=_validity(item.validity),
    )


def _validity(value: str) -> Validity:
    return value if value in VALIDITY_LABELS else "valid"  # type: ignore[return-value]


def list_items(
    session: Session, column_code: str, offset: int, limit: int, year: int | None = None
) -> list[ItemSummary]:
    """A page of a column's items (published in `year`, when given), newest first."""
    rows = session.scalars(
        select(Item)
        .where(*_in_column(column_code, year))
        .order_by(Item.published_on.desc(), Item.id.desc())
        .offset(max(offset, 0))
        .limit(max(limit, 0))
    )
    return [summary(item) for item in rows]


def item_detail(session: Session, index_no: str) -> ItemDetail:
    """Everything about one item, by 索引号."""
    item = session.scalar(select(Item).where(Item.index_no == index_no))
    if item is None:
        raise ItemNotFound(index_no)
    return ItemDetail(
        index_no=item.index_no,
        title=item.title,
        doc_no=item.doc_no,
        publisher=item.publisher.name,
        publisher_code=item.publisher_code,
        written_on=item.written_on,
        published_on=item.published_on,
        effective_on=item.effective_on,
        abolished_on=item.abolished_on,
        validity=_validity(item.validity),
        column_code=item.column_code,
        column=item.column.name,
        subject=item.subject,
        genre=item.genre,
        keywords=item.keywords,
        body=item.body,
        source_url=item.source_url,
        attachments=tuple(a.name for a in item.attachments),
    )


def attachment(session: Session, index_no: str, name: str) -> AttachmentRecord:
    """One attachment of an item, by its file name: where its bytes are (SHA-256) and what they are."""
    row = session.execute(
        select(Attachment.name, Attachment.sha256, Attachment.size, Attachment.media_type)
        .join(Item, Attachment.item_id == Item.id)
        .where(Item.index_no == index_no, Attachment.name == name)
    ).first()
    if row is None:
        raise AttachmentNotFound(index_no, name)
    return AttachmentRecord(*row)


def updated_on(session: Session) -> date | None:
    """The date the cached content was last updated, if it ever was."""
    meta = session.get(ContentMeta, UPDATED_ON)
    return date.fromisoformat(meta.value) if meta else None


def item_count(session: Session) -> int:
    """How many items the cache holds."""
    return session.scalar(select(func.count()).select_from(Item)) or 0
