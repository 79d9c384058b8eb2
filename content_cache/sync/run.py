"""One sync: read the manifest, verify everything, then apply it in one transaction.

Nothing in the cache changes until every file has been fetched and its size
and SHA-256 checked against the signed manifest; records are then parsed and
checked while they are written inside a single transaction, so a bad record, a
full disk or a kill at any instant rolls the whole sync back and the previous
content stays served. A rerun starts again and, over HTTP, re-downloads only
what is missing.

The publisher's synonym list (format 2) is checked with the other files and
stored in the same transaction as the content of its sequence; a format-1 feed
leaves the stored list as it is, a format-2 feed without one removes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.orm import Session

from content_cache import store
from content_cache.attachments import attachment_file
from content_cache.cache import (
    ContentCache,
    PublisherSynonyms,
    store_publisher_synonyms,
)
from content_cache.feed import (
    BatchRef,
    FeedError,
    FeedOp,
    Limits,
    Manifest,
    Upsert,
    check_references,
    check_unique,
    read_catalogue,
    read_synonyms,
    verify_file,
    verify_manifest,
)
from content_cache.feed._write import write_atomic
from content_cache.feed.format import MANIFEST, SIGNATURES, AttachmentRef, DeltaRef
from content_cache.records import ItemRecord
from content_cache.sync.prepare import default_workers, prepared_batches
from content_cache.sync.transport import HttpTransport, Transport

SyncMode = Literal["snapshot", "delta", "unchanged"]
Phase = Literal["manifest", "download", "attachments", "apply", "done"]


@dataclass(frozen=True, slots=True)
class SyncProgress:
    """Where a sync is: the phase and how far through it (files or records)."""

    phase: Phase
    done: int
    total: int


ProgressCallback = Callable[[SyncProgress], None]


@dataclass
class SyncReport:
    """What one sync did."""

    source: str
    sequence_before: int | None
    sequence_after: int | None = None
    mode: SyncMode = "unchanged"
    added: int = 0
    updated: int = 0
    withdrawn: int = 0
    bytes_read: int = 0
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None


def run_sync(
    cache: ContentCache,
    transport: Transport,
    trusted: list[Ed25519PublicKey],
    *,
    attachments: Path,
    limits: Limits | None = None,
    full: bool = False,
    progress: ProgressCallback | None = None,
    today: date | None = None,
    workers: int | None = None,
) -> SyncReport:
    """Bring the cache up to the feed; raises FeedError (cache untouched) when anything is wrong.

    `workers` processes read and prepare batches while this one writes
    (default: one per CPU, at most two; 0 does everything here).
    """
    limits = limits or Limits()
    report = SyncReport(transport.describe(), cache.feed_sequence())
    notify = progress or (lambda _p: None)
    notify(SyncProgress("manifest", 0, 1))
    manifest, manifest_bytes, signatures = _read_manifest(transport, trusted, limits)
    chain = manifest.catch_up(None if full else report.sequence_before)
    if chain == () and not full:
        return _finish(report, transport, manifest.sequence, "unchanged", notify)
    batches = manifest.snapshot.batches if chain is None else tuple(b for d in chain for b in d.batches)
    files = _download(transport, manifest, batches, limits, notify)
    synonyms = _publisher_list(manifest, files, limits)
    _store_attachments(transport, manifest.attachments, attachments, limits, notify)
    with cache.transaction() as session:
        _apply(
            session, manifest, chain, files, limits, report, notify, default_workers() if workers is None else workers
        )
        if manifest.format >= 2:  # format 1 knows no list: the stored one stays
            store_publisher_synonyms(session, synonyms)
        store.set_meta(session, store.UPDATED_ON, (today or date.today()).isoformat())
    if isinstance(transport, HttpTransport):
        transport.remember_manifest(manifest_bytes, signatures)
    return _finish(report, transport, manifest.sequence, "snapshot" if chain is None else "delta", notify)


def _read_manifest(
    transport: Transport, trusted: list[Ed25519PublicKey], limits: Limits
) -> tuple[Manifest, bytes, bytes]:
    """The verified manifest and its bytes. A copy kept from last time (the server said "not modified")
    that no longer verifies was damaged here: it is dropped and the manifest fetched whole."""
    for attempt in (1, 2):
        manifest_bytes = transport.read(MANIFEST, limits.max_manifest_bytes)
        signatures = transport.read(SIGNATURES, limits.max_manifest_bytes)
        try:
            return verify_manifest(manifest_bytes, signatures, trusted, limits), manifest_bytes, signatures
        except FeedError:
            if attempt == 2 or not (isinstance(transport, HttpTransport) and transport.manifest_unchanged()):
                raise
            transport.forget_manifest()
    raise AssertionError("unreachable")


def _finish(
    report: SyncReport, transport: Transport, sequence: int, mode: SyncMode, notify: ProgressCallback
) -> SyncReport:
    report.sequence_after, report.mode = sequence, mode
    report.bytes_read = transport.bytes_read
    report.finished_at = datetime.now(UTC)
    notify(SyncProgress("done", 1, 1))
    return report


def _download(
    transport: Transport, manifest: Manifest, batches: tuple[BatchRef, ...], limits: Limits, notify: ProgressCallback
) -> dict[str, bytes]:
    """Fetch the catalogue, the synonym list and the batches, each checked against the manifest."""
    refs = [manifest.catalogue, *([manifest.synonyms] if manifest.synonyms else []), *batches]
    files: dict[str, bytes] = {}
    for number, ref in enumerate(refs):
        notify(SyncProgress("download", number, len(refs)))
        data = transport.read(ref.path, limits.max_batch_bytes, ref)
        verify_file(data, ref, limits)
        files[ref.path] = data
    notify(SyncProgress("download", len(refs), len(refs)))
    return files


def _publisher_list(manifest: Manifest, files: dict[str, bytes], limits: Limits) -> PublisherSynonyms | None:
    """The feed's synonym list, every term checked before anything is written; None when it has none."""
    ref = manifest.synonyms
    if ref is None:
        return None
    found = read_synonyms(files[ref.path], ref, limits)
    return PublisherSynonyms(ref.version, manifest.sequence, found.groups)


def _store_attachments(
    transport: Transport, refs: tuple[AttachmentRef, ...], folder: Path, limits: Limits, notify: ProgressCallback
) -> None:
    """Fetch the attachments the kiosk does not hold yet; an attachment already held (same hash) is skipped."""
    missing = [r for r in refs if not _held(attachment_file(folder, r.sha256), r.size)]
    for number, ref in enumerate(missing):
        notify(SyncProgress("attachments", number, len(missing)))
        data = transport.read(ref.path, limits.max_attachment_bytes, ref)
        verify_file(data, ref, limits)
        write_atomic(attachment_file(folder, ref.sha256), data)


def _held(path: Path, size: int) -> bool:
    return path.is_file() and path.stat().st_size == size


def _apply(
    session: Session,
    manifest: Manifest,
    chain: tuple[DeltaRef, ...] | None,
    files: dict[str, bytes],
    limits: Limits,
    report: SyncReport,
    notify: ProgressCallback,
    workers: int,
) -> None:
    """Write the catalogue and the operations; a snapshot also withdraws what it no longer lists."""
    publishers, columns = read_catalogue(files[manifest.catalogue.path], manifest.catalogue, limits)
    store.upsert_publishers(session, publishers)
    store.upsert_columns(session, columns)
    feed = _Feed(
        files,
        limits,
        ([p.code for p in publishers], [c.code for c in columns]),
        workers,
        {p.code: p.name for p in publishers},
    )
    if chain is None:
        before = store.all_index_nos(session)
        seen = _apply_ops(session, feed.ops(manifest.snapshot.batches), report, notify, manifest.snapshot.items)
        report.withdrawn += store.withdraw_items(session, sorted(before - seen))
    else:
        for delta in chain:
            total = delta.upserts + delta.withdrawals
            _apply_ops(session, feed.ops(delta.batches), report, notify, total)
    store.set_meta(session, store.FEED_SEQUENCE, str(manifest.sequence))
    store.set_meta(session, store.FEED_PUBLISHER, manifest.publisher)


@dataclass(frozen=True)
class _Feed:
    """The verified files of a sync, read into checked, prepared operations."""

    files: dict[str, bytes]
    limits: Limits
    codes: tuple[list[str], list[str]]  # publisher and column codes the records may name
    workers: int
    publishers: dict[str, str]

    def ops(self, batches: tuple[BatchRef, ...]) -> Iterator[tuple[FeedOp, store.PreparedItem | None]]:
        """The operations of one snapshot or one delta in feed order, with each upsert's prepared item."""
        jobs = [(self.files[ref.path], ref, self.limits, self.publishers) for ref in batches]
        prepared: dict[str, store.PreparedItem] = {}

        def every() -> Iterator[FeedOp]:
            for ops, ready in prepared_batches(jobs, self.workers):
                prepared.update(ready)
                yield from ops

        for op in check_references(check_unique(every()), *self.codes):
            yield op, prepared.pop(op.index_no, None)


def _apply_ops(
    session: Session,
    ops: Iterator[tuple[FeedOp, store.PreparedItem | None]],
    report: SyncReport,
    notify: ProgressCallback,
    total: int,
) -> set[str]:
    """Apply upserts in runs and withdrawals as they come; returns every 索引号 upserted."""
    seen: set[str] = set()
    run: list[ItemRecord | store.PreparedItem] = []
    done = 0

    def flush() -> None:
        nonlocal done
        counts = store.upsert_items(session, run)
        report.added += counts.added
        report.updated += counts.updated
        done += len(run)
        run.clear()
        notify(SyncProgress("apply", done, total))

    for op, prepared in ops:
        if isinstance(op, Upsert):
            seen.add(op.index_no)
            run.append(prepared or op.record)
            if len(run) >= store.BATCH:
                flush()
        else:
            flush()
            report.withdrawn += store.withdraw_items(session, [op.index_no])
            done += 1
    flush()
    return seen
