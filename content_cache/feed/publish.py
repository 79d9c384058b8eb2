"""Building the feed from the publisher's input folder: snapshot, delta, catalogue, manifest, signatures.

Files are written under temporary names and renamed; manifest.json is
replaced only after every file it names is in place and synced, and
manifest.sig right after it. A publish killed at any instant leaves the
previous feed served; running it again finishes the job.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from content_cache.feed._fields import canonical
from content_cache.feed._write import copy_atomic, gzip_bytes, sha256_hex, sync_dirs, write_atomic
from content_cache.feed.codec import Limits, column_to_json, item_to_json, publisher_to_json
from content_cache.feed.errors import FeedError, LimitExceeded, SourceError
from content_cache.feed.format import (
    FORMAT_VERSION,
    MANIFEST,
    SIGNATURES,
    AttachmentRef,
    BatchRef,
    DeltaRef,
    FileRef,
    Manifest,
    SnapshotRef,
    SynonymsRef,
    Upsert,
    batch_name,
    catalogue_path,
    delta_dir,
    snapshot_dir,
    synonyms_path,
)  # fmt: skip
from content_cache.feed.keys import load_private_key, signature_file
from content_cache.feed.manifest import manifest_to_bytes, parse_manifest
from content_cache.feed.prune import prune
from content_cache.feed.source import Source, read_source
from content_cache.feed.synonyms import SynonymList, read_synonyms
from content_cache.feed.verify import check_unique, read_batch, read_catalogue
from content_cache.records import ColumnRecord, ItemRecord, PublisherRecord

WITHDRAW_REASON = "撤回"


@dataclass(frozen=True, slots=True)
class PublishResult:
    """What a publish did. `changed` is False when the input matched the feed and nothing new was written."""

    sequence: int
    items: int
    upserts: int
    withdrawals: int
    changed: bool
    files: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    synonyms: SynonymsRef | None = None

    def summary(self) -> str:
        """One line for the operator."""
        words = (
            ""
            if self.synonyms is None
            else (f", synonym list version {self.synonyms.version} ({self.synonyms.groups} groups)")
        )
        if not self.changed:
            return f"no change: the feed stays at sequence {self.sequence} with {self.items} items{words}"
        return (f"published sequence {self.sequence}: {self.items} items, {self.upserts} new or changed, "
                f"{self.withdrawals} withdrawn, {len(self.files)} files written{words}")  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Previous:
    """The feed already in OUT: its manifest, a digest per item, its catalogue and its synonym list."""

    manifest: Manifest
    manifest_bytes: bytes
    digests: dict[str, str]
    catalogue: bytes
    synonyms: SynonymList | None


def publish(
    src: Path,
    out: Path,
    private_key_path: Path,
    *,
    batch_size: int = 5000,
    keep_deltas: int = 30,
    now: datetime | None = None,
    limits: Limits | None = None,
    also_sign_with: Sequence[Path] = (),
) -> PublishResult:
    """Publish SRC into the feed folder OUT, signed with the key (and, during a rotation, the old keys too)."""
    if batch_size < 1 or keep_deltas < 0:
        raise FeedError(f"batch_size must be at least 1 and keep_deltas at least 0 (got {batch_size}, {keep_deltas})")
    limits = limits or Limits()
    keys = [load_private_key(private_key_path), *(load_private_key(p) for p in also_sign_with)]
    source = read_source(src, limits)
    previous = _read_previous(out, limits)
    items = sorted(source.items, key=lambda r: (r.published_on, r.index_no))  # publication order
    lines = {rec.index_no: _upsert_line(rec, limits) for rec in items}
    catalogue = _catalogue_bytes(source.publishers, source.columns)
    upserts, withdrawals = _changes(items, lines, previous)
    same_synonyms = previous is not None and source.synonyms == previous.synonyms
    if previous is not None and not upserts and not withdrawals and catalogue == previous.catalogue and same_synonyms:
        return _unchanged(out, previous, keys)
    writer = _Writer(out, batch_size, limits)
    sequence = previous.manifest.sequence + 1 if previous else 1
    manifest = Manifest(
        format=_format(source, previous), publisher=source.publishers[0].name,
        generated_at=now or datetime.now(UTC), sequence=sequence,
        catalogue=writer.file(catalogue_path(sequence), gzip_bytes(catalogue)),
        snapshot=SnapshotRef(sequence, len(items), writer.batches(snapshot_dir(sequence), list(lines.values()))),
        deltas=_deltas(writer, previous, sequence, [lines[r.index_no] for r in upserts], withdrawals, keep_deltas),
        attachments=writer.attachments(source, items),
        synonyms=_synonyms(writer, source.synonyms, previous, sequence),
    )  # fmt: skip
    writer.commit(manifest, keys)
    removed = prune(out, manifest, previous.manifest if previous else None)
    return PublishResult(
        sequence, len(items), len(upserts), len(withdrawals), True, tuple(writer.written), removed, manifest.synonyms
    )


def _format(source: Source, previous: _Previous | None) -> int:
    """Format 1 while the publisher has never had a synonym list, so kiosks that read only format 1 keep
    working; format 2 from the first list on, so that removing the list later reaches the kiosks too."""
    if source.synonyms is not None or (previous is not None and previous.manifest.format >= 2):
        return FORMAT_VERSION
    return 1


def _synonyms(
    writer: _Writer, found: SynonymList | None, previous: _Previous | None, sequence: int
) -> SynonymsRef | None:
    """The list's entry: the previous file while the list is unchanged, else a new file with the next version."""
    if found is None:
        return None
    before = previous.manifest.synonyms if previous is not None else None
    if before is not None and previous is not None and previous.synonyms == found:
        return before
    ref = writer.file(synonyms_path(sequence), gzip_bytes(found.to_bytes()))
    version = before.version + 1 if before is not None else 1
    return SynonymsRef(ref.path, ref.size, ref.sha256, version, len(found.groups))


def _upsert_line(rec: ItemRecord, limits: Limits) -> bytes:
    line = canonical({"op": "upsert", "item": item_to_json(rec)}) + b"\n"
    if len(line) > limits.max_record_bytes:
        raise LimitExceeded(
            f"item {rec.index_no} is {len(line):,} bytes as a feed record, over the limit of "
            f"{limits.max_record_bytes:,}; shorten its body or move the text to an attachment"
        )
    return line


def _withdraw_line(index_no: str) -> bytes:
    return canonical({"op": "withdraw", "index_no": index_no, "reason": WITHDRAW_REASON}) + b"\n"


def _catalogue_bytes(publishers: Iterable[PublisherRecord], columns: Iterable[ColumnRecord]) -> bytes:
    return canonical({"publishers": [publisher_to_json(p) for p in publishers],
                      "columns": [column_to_json(c) for c in columns]})  # fmt: skip


def _changes(
    items: list[ItemRecord], lines: dict[str, bytes], previous: _Previous | None
) -> tuple[list[ItemRecord], list[str]]:
    """Items new or different since the previous snapshot, and 索引号 no longer present."""
    if previous is None:
        return items, []
    upserts = [r for r in items if previous.digests.get(r.index_no) != sha256_hex(lines[r.index_no])]
    return upserts, sorted(previous.digests.keys() - lines.keys())


def _deltas(
    writer: _Writer, previous: _Previous | None, sequence: int, upserts: list[bytes], withdrawals: list[str], keep: int
) -> tuple[DeltaRef, ...]:
    """The new delta from the previous sequence, followed by the previous deltas, `keep` in all."""
    if previous is None or keep == 0:
        return ()
    start = previous.manifest.sequence
    lines = upserts + [_withdraw_line(index_no) for index_no in withdrawals]
    batches = writer.batches(delta_dir(start, sequence), lines)
    delta = DeltaRef(start, sequence, len(upserts), len(withdrawals), batches)
    return (delta, *previous.manifest.deltas)[:keep]


def _unchanged(out: Path, previous: _Previous, keys: list[Ed25519PrivateKey]) -> PublishResult:
    """Leave the manifest as it is; re-sign only if manifest.sig is not what these keys give."""
    signatures = signature_file(previous.manifest_bytes, keys)
    written: tuple[str, ...] = ()
    sig_path = out / SIGNATURES
    if not sig_path.exists() or sig_path.read_bytes() != signatures:
        write_atomic(sig_path, signatures)
        sync_dirs({out})
        written = (SIGNATURES,)
    m = previous.manifest
    return PublishResult(m.sequence, m.snapshot.items, 0, 0, False, written, synonyms=m.synonyms)


def _read_previous(out: Path, limits: Limits) -> _Previous | None:
    """The feed already in OUT, its snapshot checked against its own manifest; None for a new feed."""
    path = out / MANIFEST
    if not path.exists():
        return None
    try:
        data = path.read_bytes()
        manifest = parse_manifest(data, limits)
        digests = {}
        for ref in manifest.snapshot.batches:
            for op in check_unique(read_batch(_read(out, ref), ref, limits)):
                if isinstance(op, Upsert):  # read_batch lets nothing else through in a snapshot
                    digests[op.index_no] = sha256_hex(_upsert_line(op.record, limits))
        publishers, columns = read_catalogue(_read(out, manifest.catalogue), manifest.catalogue, limits)
        listed = manifest.synonyms
        synonyms = read_synonyms(_read(out, listed), listed, limits) if listed is not None else None
    except FeedError as exc:
        raise SourceError(
            f"the previous feed in {out} is damaged ({exc}); restore the folder from its backup. Do not start "
            "a new feed in its place: kiosks refuse a feed whose sequence goes back"
        ) from None
    return _Previous(manifest, data, digests, _catalogue_bytes(publishers, columns), synonyms)


def _read(out: Path, ref: FileRef) -> bytes:
    try:
        return (out / ref.path).read_bytes()
    except FileNotFoundError:
        raise FeedError(f"{ref.path} is missing") from None


class _Writer:
    """Writes the files of one publish, remembering what it wrote and which folders to sync."""

    def __init__(self, out: Path, batch_size: int, limits: Limits) -> None:
        self.out, self.batch_size, self.limits = out, batch_size, limits
        self.written: list[str] = []
        self.folders: set[Path] = set()

    def file(self, path: str, data: bytes) -> FileRef:
        target = self.out / path
        write_atomic(target, data)
        self._wrote(path)
        return FileRef(path, len(data), sha256_hex(data))

    def _wrote(self, path: str) -> None:
        self.written.append(path)
        self.folders.add((self.out / path).parent)

    def batches(self, folder: str, lines: list[bytes]) -> tuple[BatchRef, ...]:
        """Gzipped JSON Lines batches of at most batch_size lines (and never over the batch size limit)."""
        refs = []
        for number, group in enumerate(self._groups(lines), 1):
            ref = self.file(f"{folder}/{batch_name(number)}", gzip_bytes(b"".join(group)))
            refs.append(BatchRef(ref.path, ref.size, ref.sha256, len(group)))
        return tuple(refs)

    def _groups(self, lines: list[bytes]) -> Iterable[list[bytes]]:
        # Uncompressed bytes bound the compressed size, so no batch can exceed max_batch_bytes.
        group: list[bytes] = []
        size = 0
        for line in lines:
            if group and (len(group) == self.batch_size or size + len(line) > self.limits.max_batch_bytes):
                yield group
                group, size = [], 0
            group.append(line)
            size += len(line)
        if group:
            yield group

    def attachments(self, source: Source, items: list[ItemRecord]) -> tuple[AttachmentRef, ...]:
        """Every attachment the items name, copied in unless already present."""
        refs = {a.sha256: AttachmentRef.of(a.sha256, a.size) for rec in items for a in rec.attachments}
        for sha256, ref in sorted(refs.items()):
            target = self.out / ref.path
            if not (target.exists() and target.stat().st_size == ref.size):
                copy_atomic(source.files[sha256], target)
                self._wrote(ref.path)
        return tuple(ref for _, ref in sorted(refs.items()))

    def commit(self, manifest: Manifest, keys: list[Ed25519PrivateKey]) -> None:
        """Sync every folder written, then replace manifest.json, then manifest.sig."""
        sync_dirs(self.folders | {p.parent for p in self.folders if p != self.out})
        data = manifest_to_bytes(manifest)
        write_atomic(self.out / MANIFEST, data)
        write_atomic(self.out / SIGNATURES, signature_file(data, keys))
        sync_dirs({self.out})
        self.written += [MANIFEST, SIGNATURES]
