"""Checking a feed on the kiosk: signature, sizes, hashes, gzip bounds and every record.

Nothing here writes anything; a caller applies the content only after every
check has passed.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import io
import zlib
from collections.abc import Iterable, Iterator, Sequence

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from content_cache.feed import schema as S
from content_cache.feed._fields import Fields, first_duplicate, first_orphan, loads
from content_cache.feed.codec import Limits, column_from_json, item_from_json, publisher_from_json
from content_cache.feed.errors import FileMismatch, FormatError, LimitExceeded, NotAFeed, SignatureError
from content_cache.feed.format import (
    MANIFEST,
    SIGNATURES,
    AttachmentRef,
    BatchRef,
    FeedOp,
    FileRef,
    Manifest,
    Upsert,
    Withdraw,
)  # fmt: skip
from content_cache.feed.keys import key_id
from content_cache.feed.manifest import parse_manifest
from content_cache.records import ColumnRecord, PublisherRecord

CHUNK = 1024 * 1024


def verify_manifest(
    manifest_bytes: bytes, sig_bytes: bytes | None, trusted: Sequence[Ed25519PublicKey], limits: Limits
) -> Manifest:
    """The manifest, once a trusted key's signature over its exact bytes checks out (None: no manifest.sig)."""
    if len(manifest_bytes) > limits.max_manifest_bytes:
        size, limit = len(manifest_bytes), limits.max_manifest_bytes
        raise LimitExceeded(f"{MANIFEST} is {size:,} bytes, over the limit of {limit:,}")
    refuse_web_page(manifest_bytes, MANIFEST)
    refuse_web_page(sig_bytes or b"", SIGNATURES)
    signatures = _signatures(sig_bytes)
    keys = {key_id(key): key for key in trusted}
    ours = [(kid, sig) for kid, sig in signatures if kid in keys]
    if not ours:
        ids = ", ".join(kid for kid, _ in signatures)
        raise SignatureError(f"{SIGNATURES}: signed by key ID {ids}, which this kiosk does not trust")
    for kid, sig in ours:
        try:
            keys[kid].verify(sig, manifest_bytes)
        except InvalidSignature:
            raise SignatureError(
                f"{SIGNATURES}: the signature by key ID {kid} does not match {MANIFEST}; "
                "the manifest was changed after signing or damaged in transit"
            ) from None
    return parse_manifest(manifest_bytes, limits)


def refuse_web_page(data: bytes, path: str) -> None:
    """Raise NotAFeed when a feed file holds a web page: JSON never starts with '<', HTML always does."""
    if data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise NotAFeed(
            f"{path}: the source answered with a web page, not a feed (a Wi-Fi login page or a proxy's "
            "error page?); check the network and the feed address"
        )


def _signatures(sig_bytes: bytes | None) -> list[tuple[str, bytes]]:
    """(key ID, raw signature) pairs from manifest.sig."""
    if not sig_bytes:
        raise SignatureError(f"{SIGNATURES} is missing or empty: the feed is not signed, so it cannot be trusted")
    if len(sig_bytes) > 64 * 1024:
        raise SignatureError(f"{SIGNATURES} is {len(sig_bytes):,} bytes, far too large for a signature file")
    try:
        f = Fields(loads(sig_bytes, SIGNATURES), SIGNATURES, "the signature file", ("signatures",))
        out = [_signature(entry) for entry in f.array("signatures")]
    except FormatError as exc:
        raise SignatureError(f"{exc} (the signature file is garbled)") from None
    if not out:
        raise SignatureError(f"{SIGNATURES} holds no signatures")
    return out


def _signature(entry: object) -> tuple[str, bytes]:
    f = Fields(entry, SIGNATURES, "a signature", ("key_id", "sig"))
    try:
        return f.text("key_id", S.KEY_ID), base64.b64decode(f.text("sig", S.SIGNATURE_TEXT), validate=True)
    except binascii.Error:
        raise f.fail("a signature is not valid base64") from None


def verify_file(data: bytes, ref: FileRef, limits: Limits) -> None:
    """Raise unless `data` has the size (checked first) and SHA-256 the manifest gives for `ref`."""
    limit = limits.max_attachment_bytes if isinstance(ref, AttachmentRef) else limits.max_batch_bytes
    if len(data) > limit:
        raise LimitExceeded(f"{ref.path} is {len(data):,} bytes, over the limit of {limit:,}")
    if len(data) != ref.size:
        raise FileMismatch(f"{ref.path}: size differs from the manifest ({len(data):,} bytes, expected {ref.size:,})")
    if hashlib.sha256(data).hexdigest() != ref.sha256:
        raise FileMismatch(f"{ref.path}: SHA-256 differs from the manifest; the file is damaged or was replaced")


def gunzip(data: bytes, path: str, limits: Limits) -> Iterator[bytes]:
    """Decompressed chunks, refusing more than the uncompressed limit (a gzip bomb) or a broken stream."""
    total = 0
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            while chunk := stream.read(CHUNK):
                total += len(chunk)
                if total > limits.max_batch_uncompressed_bytes:
                    raise LimitExceeded(
                        f"{path} unpacks to more than {limits.max_batch_uncompressed_bytes:,} bytes, over the limit"
                    )
                yield chunk
    except EOFError:
        raise FormatError(f"{path} is truncated: the gzip data ends early") from None
    except (gzip.BadGzipFile, zlib.error) as exc:
        raise FormatError(f"{path} is not valid gzip data ({exc})") from None


def _lines(data: bytes, path: str, limits: Limits) -> Iterator[tuple[int, bytes]]:
    """(line number, line) pairs of a gzipped JSON Lines file, each line bounded in size."""
    pending, number = b"", 0
    for chunk in gunzip(data, path, limits):
        *complete, pending = (pending + chunk).split(b"\n")
        for line in complete:
            number += 1
            yield number, _bounded(line, f"{path} line {number}", limits)
        _bounded(pending, f"{path} line {number + 1}", limits)
    if pending:
        yield number + 1, pending


def _bounded(line: bytes, where: str, limits: Limits) -> bytes:
    if len(line) > limits.max_record_bytes:
        raise LimitExceeded(f"{where} is longer than the record limit of {limits.max_record_bytes:,} bytes")
    return line


def read_batch(data: bytes, ref: BatchRef, limits: Limits) -> Iterator[FeedOp]:
    """The operations of one verified batch, each record checked; a snapshot batch may only upsert."""
    verify_file(data, ref, limits)
    count = 0
    for number, line in _lines(data, ref.path, limits):
        where = f"{ref.path} line {number}"
        if not line.strip():
            raise FormatError(f"{where} is empty; every line must hold one record")
        op = parse_op(loads(line, where), where)
        if ref.kind == "snapshot" and isinstance(op, Withdraw):
            raise FormatError(f"{where}: a snapshot may only hold upserts, but this line withdraws {op.index_no}")
        count += 1
        yield op
    if count != ref.records:
        raise FormatError(f"{ref.path} holds {count} records, but the manifest says {ref.records}")


def parse_op(obj: object, where: str) -> FeedOp:
    """One JSON Lines record: an upsert of an item, or a withdrawal of a 索引号."""
    op = obj.get("op") if isinstance(obj, dict) else None
    if op == "upsert":
        f = Fields(obj, where, "an upsert", ("op", "item"))
        return Upsert(item_from_json(f.value["item"], where), where)
    if op == "withdraw":
        f = Fields(obj, where, "a withdrawal", ("op", "index_no", "reason"))
        return Withdraw(f.text("index_no", S.INDEX_NO_TEXT), f.text("reason", S.REASON), where)
    raise FormatError(f'{where}: op must be "upsert" or "withdraw", not {op!r}')


def check_unique(ops: Iterable[FeedOp]) -> Iterator[FeedOp]:
    """Pass the operations of one snapshot or one delta through, refusing a 索引号 seen twice."""
    seen: dict[str, str] = {}
    for op in ops:
        where = op.source or "the feed"
        if op.index_no in seen:
            first = seen[op.index_no]
            raise FormatError(f"{where}: 索引号 {op.index_no} appears twice in the feed (first at {first})")
        seen[op.index_no] = where
        yield op


def read_catalogue(data: bytes, ref: FileRef, limits: Limits) -> tuple[list[PublisherRecord], list[ColumnRecord]]:
    """The publishers and columns of a verified catalogue file; codes unique, column parents listed first."""
    verify_file(data, ref, limits)
    obj = loads(b"".join(gunzip(data, ref.path, limits)), ref.path)
    f = Fields(obj, ref.path, "the catalogue", ("publishers", "columns"))
    publishers = [publisher_from_json(p, f"{ref.path} publisher {n}") for n, p in enumerate(f.array("publishers"), 1)]
    columns = [column_from_json(c, f"{ref.path} column {n}") for n, c in enumerate(f.array("columns"), 1)]
    _check_codes([p.code for p in publishers], ref.path, "publisher")
    _check_codes([c.code for c in columns], ref.path, "column")
    _check_parents(columns, ref.path)
    return publishers, columns


def _check_codes(codes: list[str], path: str, what: str) -> None:
    if (code := first_duplicate(codes)) is not None:
        raise FormatError(f"{path}: the {what} code {code!r} appears twice")


def _check_parents(columns: Iterable[ColumnRecord], where: str) -> None:
    """Every column's parent comes before it (so the kiosk can insert in order)."""
    if (col := first_orphan(columns)) is not None:
        raise FormatError(
            f"{where}: column {col.code!r} names parent {col.parent_code!r}, which is not listed before it"
        )


def check_references(ops: Iterable[FeedOp], publishers: Iterable[str], columns: Iterable[str]) -> Iterator[FeedOp]:
    """Pass operations through, refusing an item whose publisher or column the catalogue lacks."""
    known_publishers, known_columns = set(publishers), set(columns)
    for op in ops:
        if isinstance(op, Upsert):
            rec = op.record
            if rec.publisher_code not in known_publishers:
                raise FormatError(f"{op.source}: publisher {rec.publisher_code!r} is not in the catalogue")
            if rec.column_code not in known_columns:
                raise FormatError(f"{op.source}: column {rec.column_code!r} is not in the catalogue")
        yield op
