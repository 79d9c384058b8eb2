"""Formats 1 and 2 of the feed: where each file lives, and the typed tree of a manifest.

See docs/sync-format.md for the full description.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, TypeAlias

from content_cache.feed.errors import StaleFeed
from content_cache.records import ItemRecord

FORMAT_VERSION = 2  # the newest format; 2 adds the publisher's synonym list
FORMATS = (1, 2)  # the formats a kiosk reads
MANIFEST = "manifest.json"
SIGNATURES = "manifest.sig"
CATALOGUE_DIR = "catalogue"
SNAPSHOTS_DIR = "snapshots"
DELTAS_DIR = "deltas"
ATTACHMENTS_DIR = "attachments"
SYNONYMS_DIR = "synonyms"

BatchKind = Literal["snapshot", "delta"]


def catalogue_path(sequence: int) -> str:
    return f"{CATALOGUE_DIR}/{sequence}.json.gz"


def snapshot_dir(sequence: int) -> str:
    return f"{SNAPSHOTS_DIR}/{sequence}"


def delta_dir(from_sequence: int, to_sequence: int) -> str:
    return f"{DELTAS_DIR}/{from_sequence}-{to_sequence}"


def batch_name(number: int) -> str:
    """The file name of the `number`-th batch (1-based) of a snapshot or delta."""
    return f"items-{number:04d}.jsonl.gz"


def synonyms_path(sequence: int) -> str:
    """The publisher's synonym list first published at `sequence`."""
    return f"{SYNONYMS_DIR}/{sequence}.tsv.gz"


def attachment_path(sha256: str) -> str:
    return f"{ATTACHMENTS_DIR}/{sha256[:2]}/{sha256}"


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file the manifest names, with the size and SHA-256 it must have."""

    path: str
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class BatchRef(FileRef):
    """A JSON Lines batch of a snapshot or a delta, and how many lines it holds."""

    records: int

    @property
    def kind(self) -> BatchKind:
        return "snapshot" if self.path.startswith(SNAPSHOTS_DIR + "/") else "delta"


@dataclass(frozen=True, slots=True)
class AttachmentRef(FileRef):
    """Attachment bytes, addressed by their SHA-256."""

    @classmethod
    def of(cls, sha256: str, size: int) -> AttachmentRef:
        return cls(attachment_path(sha256), size, sha256)


@dataclass(frozen=True, slots=True)
class SynonymsRef(FileRef):
    """The publisher's synonym list (format 2): its own version, raised at each change, and its group count."""

    version: int
    groups: int


@dataclass(frozen=True, slots=True)
class SnapshotRef:
    """Every item at one sequence."""

    sequence: int
    items: int
    batches: tuple[BatchRef, ...]


@dataclass(frozen=True, slots=True)
class DeltaRef:
    """The changes from one sequence to the next."""

    from_sequence: int
    to_sequence: int
    upserts: int
    withdrawals: int
    batches: tuple[BatchRef, ...]


@dataclass(frozen=True, slots=True)
class Manifest:
    """manifest.json, checked and typed. `deltas` run newest first."""

    format: int
    publisher: str
    generated_at: datetime
    sequence: int
    catalogue: FileRef
    snapshot: SnapshotRef
    deltas: tuple[DeltaRef, ...]
    attachments: tuple[AttachmentRef, ...]
    synonyms: SynonymsRef | None = None  # format 2 only; None there means "no publisher list"

    def files(self) -> Iterator[FileRef]:
        """Every file the manifest names."""
        yield self.catalogue
        if self.synonyms is not None:
            yield self.synonyms
        yield from self.snapshot.batches
        for delta in self.deltas:
            yield from delta.batches
        yield from self.attachments

    def catch_up(self, sequence: int | None) -> tuple[DeltaRef, ...] | None:
        """The deltas, oldest first, that bring content at `sequence` up to date; None: take the snapshot."""
        if sequence is None:
            return None
        if sequence > self.sequence:
            raise StaleFeed(
                f"{MANIFEST}: the feed is at sequence {self.sequence}, older than the content here "
                f"(sequence {sequence}); the publisher's feed has gone back in time, so nothing was changed"
            )
        chain: list[DeltaRef] = []
        for delta in self.deltas:
            if delta.to_sequence <= sequence:
                break
            chain.append(delta)
            if delta.from_sequence == sequence:
                return tuple(reversed(chain))
        return () if sequence == self.sequence else None


@dataclass(frozen=True, slots=True)
class Upsert:
    """Insert or replace the item with this 索引号."""

    record: ItemRecord
    source: str = field(default="", compare=False)

    @property
    def index_no(self) -> str:
        return self.record.index_no


@dataclass(frozen=True, slots=True)
class Withdraw:
    """Remove the item with this 索引号 from the kiosk (撤回)."""

    index_no: str
    reason: str
    source: str = field(default="", compare=False)


FeedOp: TypeAlias = Upsert | Withdraw
