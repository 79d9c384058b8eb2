"""Records to and from their JSON form in the feed, strictly, plus the feed's size limits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from typing import Any, cast

from content_cache.errors import InvalidRecord
from content_cache.feed import schema as S
from content_cache.feed._fields import Fields
from content_cache.feed.errors import FeedError, FormatError
from content_cache.records import AttachmentRecord, ColumnRecord, ItemRecord, PublisherRecord, Validity
from content_cache.store import VALIDITIES, validate

MiB = 1024 * 1024

ITEM_FIELDS = (
    "index_no", "title", "doc_no", "publisher_code", "column_code", "written_on", "published_on",
    "effective_on", "abolished_on", "validity", "subject", "genre", "keywords", "body", "source_url",
    "attachments",
)  # fmt: skip
ATTACHMENT_FIELDS = ("name", "sha256", "size", "media_type")
FORBIDDEN_IN_NAMES = frozenset("/\\\x00")


@dataclass(frozen=True, slots=True)
class Limits:
    """How much a kiosk accepts from a feed, so a hostile or broken feed cannot exhaust it."""

    max_manifest_bytes: int = 1 * MiB
    max_batch_bytes: int = 64 * MiB
    max_batch_uncompressed_bytes: int = 512 * MiB
    max_record_bytes: int = 4 * MiB
    max_attachment_bytes: int = 50 * MiB
    max_records: int = 5_000_000
    max_synonyms_bytes: int = 1 * MiB  # the publisher's synonym list, packed and unpacked
    max_synonym_groups: int = 5_000

    @classmethod
    def from_mapping(cls, values: Mapping[str, int]) -> Limits:
        """Limits from a settings table; names not given keep their defaults."""
        known = {f.name for f in fields(cls)}
        for name, value in values.items():
            if name not in known:
                raise FeedError(f"unknown feed limit {name!r} (known: {', '.join(sorted(known))})")
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise FeedError(f"feed limit {name} must be a positive whole number, not {value!r}")
        return cls(**values)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def attachment_to_json(rec: AttachmentRecord) -> dict[str, Any]:
    """The feed form of an attachment."""
    return {"name": rec.name, "sha256": rec.sha256, "size": rec.size, "media_type": rec.media_type}


def attachment_from_json(obj: object, where: str) -> AttachmentRecord:
    """An attachment from its feed form."""
    f = Fields(obj, where, "an attachment", ATTACHMENT_FIELDS)
    name = f.text("name", S.ATTACHMENT_NAME)
    if FORBIDDEN_IN_NAMES & set(name):
        raise f.fail(f"attachment name {name!r} contains a slash, backslash or NUL")
    return AttachmentRecord(
        name, f.sha256("sha256"), f.integer("size", S.FILE_SIZE), f.text("media_type", S.MEDIA_TYPE_TEXT)
    )


def item_to_json(rec: ItemRecord) -> dict[str, Any]:
    """The feed form of an item (ITEM in docs/sync-format.md)."""
    return {
        "index_no": rec.index_no, "title": rec.title, "doc_no": rec.doc_no,
        "publisher_code": rec.publisher_code, "column_code": rec.column_code,
        "written_on": _iso(rec.written_on), "published_on": rec.published_on.isoformat(),
        "effective_on": _iso(rec.effective_on), "abolished_on": _iso(rec.abolished_on),
        "validity": rec.validity, "subject": rec.subject, "genre": rec.genre, "keywords": rec.keywords,
        "body": rec.body, "source_url": rec.source_url,
        "attachments": [attachment_to_json(a) for a in rec.attachments],
    }  # fmt: skip


def item_from_json(obj: object, where: str) -> ItemRecord:
    """An item from its feed form; FormatError names `where` and the field at fault."""
    f = Fields(obj, where, "the item", ITEM_FIELDS)
    validity = f.value.get("validity")
    if not isinstance(validity, str) or validity not in VALIDITIES:
        raise f.fail(f"validity {validity!r} is not one of {', '.join(sorted(VALIDITIES))}")
    rec = ItemRecord(
        index_no=f.text("index_no", S.INDEX_NO_TEXT), title=f.text("title", S.TITLE),
        doc_no=f.opt_text("doc_no", S.DOC_NO), publisher_code=f.text("publisher_code", S.CODE_TEXT),
        column_code=f.text("column_code", S.CODE_TEXT), written_on=f.opt_day("written_on", S.DOCUMENT_DAY),
        published_on=f.day("published_on", S.DOCUMENT_DAY), effective_on=f.opt_day("effective_on", S.DOCUMENT_DAY),
        abolished_on=f.opt_day("abolished_on", S.DOCUMENT_DAY), validity=cast(Validity, validity),
        subject=f.text("subject", S.SUBJECT), genre=f.text("genre", S.GENRE), keywords=f.text("keywords", S.KEYWORDS),
        body=f.text("body", S.BODY), source_url=f.text("source_url", S.SOURCE_URL),
        attachments=tuple(attachment_from_json(a, where) for a in f.array("attachments")),
    )  # fmt: skip
    try:
        validate(rec)
    except InvalidRecord as exc:
        raise FormatError(f"{where}: {exc}") from None
    return rec


def publisher_to_json(rec: PublisherRecord) -> dict[str, Any]:
    """The feed form of a publisher."""
    return {"code": rec.code, "name": rec.name, "level": rec.level, "parent_code": rec.parent_code}


def publisher_from_json(obj: object, where: str) -> PublisherRecord:
    """A publisher from its feed form."""
    f = Fields(obj, where, "a publisher", ("code", "name", "level"), ("parent_code",))
    code, name = f.text("code", S.CODE_TEXT), f.text("name", S.NAME)
    return PublisherRecord(code, name, f.text("level", S.LEVEL), f.opt_text("parent_code", S.CODE_TEXT))


def column_to_json(rec: ColumnRecord) -> dict[str, Any]:
    """The feed form of a catalogue column."""
    return {"code": rec.code, "name": rec.name, "parent_code": rec.parent_code, "position": rec.position}


def column_from_json(obj: object, where: str) -> ColumnRecord:
    """A catalogue column from its feed form."""
    f = Fields(obj, where, "a column", ("code", "name", "position"), ("parent_code",))
    return ColumnRecord(
        f.text("code", S.CODE_TEXT),
        f.text("name", S.NAME),
        f.opt_text("parent_code", S.CODE_TEXT),
        f.integer("position", S.POSITION),
    )
