"""The publisher's input folder (SRC): publishers.jsonl, columns.jsonl, items.jsonl, attachments/, synonyms.tsv.

See "Publisher input" in docs/sync-format.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from content_cache.feed._fields import Fields, first_duplicate, first_orphan, loads
from content_cache.feed.codec import Limits, column_from_json, item_from_json, publisher_from_json
from content_cache.feed.errors import LimitExceeded, SourceError
from content_cache.feed.manifest import SAFE_PATH
from content_cache.feed.schema import Text
from content_cache.feed.synonyms import SynonymList, parse_synonyms
from content_cache.records import ColumnRecord, ItemRecord, PublisherRecord

PUBLISHERS_FILE = "publishers.jsonl"
COLUMNS_FILE = "columns.jsonl"
ITEMS_FILE = "items.jsonl"
ATTACHMENTS_DIR = "attachments"
SYNONYMS_FILE = "synonyms.tsv"  # optional: the publisher's synonym list
SOURCE_ATTACHMENT_FIELDS = ("name", "file")
ATTACHMENT_FILE = Text(1024, visible=True)


@dataclass(frozen=True, slots=True)
class Source:
    """Everything in SRC, checked; `files` maps each attachment's SHA-256 to its file."""

    publishers: list[PublisherRecord]
    columns: list[ColumnRecord]
    items: list[ItemRecord]
    files: dict[str, Path]
    synonyms: SynonymList | None = None  # None: no synonyms.tsv, or one without a group


def read_source(src: Path, limits: Limits) -> Source:
    """Read and check SRC: codes unique, parents first, every item's publisher, column and files present."""
    publishers = [publisher_from_json(obj, where) for where, obj in _jsonl(src, PUBLISHERS_FILE)]
    columns = [column_from_json(obj, where) for where, obj in _jsonl(src, COLUMNS_FILE)]
    if not publishers:
        raise SourceError(f"{src / PUBLISHERS_FILE} lists no publisher; the first line names the feed's publisher")
    _unique([p.code for p in publishers], PUBLISHERS_FILE, "publisher code")
    _unique([c.code for c in columns], COLUMNS_FILE, "column code")
    _parents_first(columns)
    files: dict[str, Path] = {}
    hasher = _AttachmentHasher(src / ATTACHMENTS_DIR, limits, files)
    items = [_item(obj, where, hasher) for where, obj in _jsonl(src, ITEMS_FILE)]
    _unique([i.index_no for i in items], ITEMS_FILE, "索引号")
    _known_references(items, {p.code for p in publishers}, {c.code for c in columns})
    return Source(publishers, columns, items, files, _synonyms(src, limits))


def _synonyms(src: Path, limits: Limits) -> SynonymList | None:
    """SRC/synonyms.tsv checked as a kiosk will check it (comments and blank lines allowed); None without groups."""
    path = src / SYNONYMS_FILE
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    found = parse_synonyms(data, SYNONYMS_FILE, limits, comments=True)
    return found if found.groups else None


def _jsonl(src: Path, name: str) -> Iterator[tuple[str, Any]]:
    """(where, JSON value) for each non-blank line of a JSON Lines file in SRC."""
    try:
        text = (src / name).read_text("utf-8")
    except FileNotFoundError:
        raise SourceError(f"{src / name} is missing; the input folder needs {name}") from None
    except UnicodeDecodeError:
        raise SourceError(f"{src / name} is not UTF-8 text; save it as UTF-8") from None
    # Lines end at "\n" (and "\r\n") only: str.splitlines() would also cut at U+2028 and other separators,
    # which JSON keeps raw inside strings.
    for number, line in enumerate(text.split("\n"), 1):
        line = line.removesuffix("\r")
        if line.strip():
            where = f"{name} line {number}"
            yield where, loads(line, where)


def _unique(codes: list[str], name: str, what: str) -> None:
    if (code := first_duplicate(codes)) is not None:
        raise SourceError(f"{name}: the {what} {code} appears twice")


def _parents_first(columns: list[ColumnRecord]) -> None:
    if (col := first_orphan(columns)) is not None:
        raise SourceError(
            f"{COLUMNS_FILE}: column {col.code!r} names parent {col.parent_code!r}, "
            "which is not listed above it; list parents before their children"
        )


def _known_references(items: list[ItemRecord], publishers: set[str], columns: set[str]) -> None:
    for rec in items:
        if rec.publisher_code not in publishers:
            raise SourceError(f"{ITEMS_FILE}: item {rec.index_no} names publisher {rec.publisher_code!r}, "
                              f"which {PUBLISHERS_FILE} does not list")  # fmt: skip
        if rec.column_code not in columns:
            raise SourceError(f"{ITEMS_FILE}: item {rec.index_no} names column {rec.column_code!r}, "
                              f"which {COLUMNS_FILE} does not list")  # fmt: skip


def _item(obj: Any, where: str, hasher: _AttachmentHasher) -> ItemRecord:
    """An item of items.jsonl: the feed's ITEM, with each attachment's "file" turned into sha256 and size."""
    if isinstance(obj, dict) and isinstance(obj.get("attachments"), list):
        obj = {**obj, "attachments": [hasher.resolve(a, where) for a in obj["attachments"]]}
    return item_from_json(obj, where)


class _AttachmentHasher:
    """Turns {"name", "file", "media_type"} into the feed's {"name", "sha256", "size", "media_type"}."""

    def __init__(self, folder: Path, limits: Limits, files: dict[str, Path]) -> None:
        self.folder, self.limits, self.files = folder, limits, files
        self._done: dict[str, tuple[str, int]] = {}

    def resolve(self, obj: object, where: str) -> dict[str, Any]:
        f = Fields(obj, where, "an attachment", SOURCE_ATTACHMENT_FIELDS, ("media_type",))
        file = f.text("file", ATTACHMENT_FILE)
        if not SAFE_PATH.fullmatch(file) or ".." in file.split("/") or "." in file.split("/"):
            raise f.fail(f"attachment file {file!r} must be a plain path inside {ATTACHMENTS_DIR}/, with /")
        if file not in self._done:
            self._done[file] = self._hash(self.folder / file, where)
        sha256, size = self._done[file]
        self.files.setdefault(sha256, self.folder / file)
        media_type = f.value.get("media_type", "application/octet-stream")
        return {"name": f.value["name"], "sha256": sha256, "size": size, "media_type": media_type}

    def _hash(self, path: Path, where: str) -> tuple[str, int]:
        try:
            size = path.stat().st_size
            if size > self.limits.max_attachment_bytes:
                raise LimitExceeded(f"{where}: attachment {path} is {size:,} bytes, over the limit of "
                                    f"{self.limits.max_attachment_bytes:,}")  # fmt: skip
            with path.open("rb") as stream:
                return hashlib.file_digest(stream, "sha256").hexdigest(), size
        except (FileNotFoundError, IsADirectoryError):
            raise SourceError(f"{where}: attachment file {path} is missing") from None
