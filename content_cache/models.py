"""The content model as SQLAlchemy 2 tables: publishers, catalogue columns, items, attachments.

The full-text index `item_fts` is a virtual table kept beside `items`
(see `content_cache.fts`); it is created by the migrations, not by the ORM.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """Declarative base of the content cache."""


class Publisher(Base):
    """发布机构: a unit with its code (9-char organisation or 18-char credit code)."""

    __tablename__ = "publishers"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(32))  # city / county / township / vertical / enterprise
    parent_code: Mapped[str | None] = mapped_column(String(32))


class CatalogueColumn(Base):
    """栏目: a section of the disclosure catalogue or one of its sub-columns."""

    __tablename__ = "catalogue_columns"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("catalogue_columns.code"))
    position: Mapped[int] = mapped_column(Integer, default=0)


class Item(Base):
    """主动公开信息: one disclosed document. `id` follows insertion, `index_no` never changes."""

    __tablename__ = "items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    index_no: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(Text)
    doc_no: Mapped[str | None] = mapped_column(String(100))
    publisher_code: Mapped[str] = mapped_column(ForeignKey("publishers.code"))
    column_code: Mapped[str] = mapped_column(ForeignKey("catalogue_columns.code"))
    written_on: Mapped[date | None] = mapped_column(Date)
    published_on: Mapped[date] = mapped_column(Date)
    effective_on: Mapped[date | None] = mapped_column(Date)
    abolished_on: Mapped[date | None] = mapped_column(Date)
    validity: Mapped[str] = mapped_column(String(16), default="valid")
    subject: Mapped[str] = mapped_column(String(100), default="")
    genre: Mapped[str] = mapped_column(String(100), default="")
    keywords: Mapped[str] = mapped_column(String(400), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    source_url: Mapped[str] = mapped_column(String(1000), default="")
    title_pinyin: Mapped[str] = mapped_column(Text, default="")  # "caizhengyusuan", no spaces
    title_initials: Mapped[str] = mapped_column(Text, default="")  # "czys"

    publisher: Mapped[Publisher] = relationship(lazy="joined")
    column: Mapped[CatalogueColumn] = relationship(lazy="joined")
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="Attachment.id"
    )

    __table_args__ = (
        Index("ix_items_column_published", "column_code", "published_on", "id"),
        Index("ix_items_published", "published_on", "id"),
    )


class Attachment(Base):
    """附件 of an item, addressed by the SHA-256 of its bytes."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(400))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")

    item: Mapped[Item] = relationship(back_populates="attachments")


class ContentMeta(Base):
    """Key/value facts about the cache: when it was updated, the feed sequence."""

    __tablename__ = "content_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class VocabularyWord(Base):
    """A word of the titles (a character or a pair) for the pinyin keyboard, and how many titles hold it."""

    __tablename__ = "vocabulary"

    word: Mapped[str] = mapped_column(String(8), primary_key=True)
    pinyin: Mapped[str] = mapped_column(String(48))
    initials: Mapped[str] = mapped_column(String(8))
    titles: Mapped[int] = mapped_column(Integer)


class PublisherSynonymGroup(Base):
    """A group of the publisher's synonym list, as the last sync applied it: terms tab-separated, formal first."""

    __tablename__ = "publisher_synonyms"

    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    terms: Mapped[str] = mapped_column(Text)
