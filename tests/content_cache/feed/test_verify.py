"""Hostile and broken feeds: each is refused with a message that names the file and the fault."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from content_cache.demo import annual_report_2008
from content_cache.feed import (
    AttachmentRef,
    BatchRef,
    FileMismatch,
    FileRef,
    FormatError,
    LimitExceeded,
    Limits,
    SignatureError,
    check_unique,
    item_to_json,
    read_batch,
    read_catalogue,
    verify_file,
    verify_manifest,
)  # fmt: skip
from content_cache.feed.format import MANIFEST, SIGNATURES
from content_cache.feed.keys import signature_file

from .conftest import KeyPair
from .support import LIMITS, read_manifest, resign

UPSERT: dict[str, Any] = {"op": "upsert", "item": item_to_json(annual_report_2008())}


SNAPSHOT_BATCH = "snapshots/7/items-0001.jsonl.gz"


def batch(lines: list[bytes], path: str = SNAPSHOT_BATCH, records: int | None = None) -> tuple[bytes, BatchRef]:
    """Gzipped lines and a reference that matches them, as an honest manifest would give."""
    data = gzip.compress(b"".join(lines), mtime=0)
    return data, BatchRef(path, len(data), hashlib.sha256(data).hexdigest(), records or len(lines))


def line(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8") + b"\n"


def ops_of(data: bytes, ref: BatchRef, limits: Limits = LIMITS) -> list[Any]:
    return list(check_unique(read_batch(data, ref, limits)))


# --- the manifest and its signature ----------------------------------------------------------------


def test_a_missing_signature_file_is_refused(out: Path, keypair: KeyPair) -> None:
    with pytest.raises(SignatureError, match="manifest.sig is missing"):
        verify_manifest((out / MANIFEST).read_bytes(), None, [keypair.public], LIMITS)


def test_a_garbled_signature_file_is_refused(out: Path, keypair: KeyPair) -> None:
    with pytest.raises(SignatureError, match="manifest.sig: not valid JSON .*garbled"):
        verify_manifest((out / MANIFEST).read_bytes(), b"{signatures", [keypair.public], LIMITS)


def test_a_changed_manifest_no_longer_matches_its_signature(out: Path, keypair: KeyPair) -> None:
    data = bytearray((out / MANIFEST).read_bytes())
    data[40] ^= 0x01
    with pytest.raises(SignatureError, match="does not match manifest.json"):
        verify_manifest(bytes(data), (out / SIGNATURES).read_bytes(), [keypair.public], LIMITS)


def test_a_manifest_signed_by_an_unknown_key_is_refused(out: Path, keypair: KeyPair) -> None:
    stranger = Ed25519PrivateKey.generate()
    resign(out, stranger, lambda m: None)
    with pytest.raises(SignatureError, match=r"signed by key ID [0-9a-f]{16}, which this kiosk does not trust"):
        read_manifest(out, [keypair.public])


def test_during_a_rotation_either_key_is_enough(out: Path, keypair: KeyPair) -> None:
    new = Ed25519PrivateKey.generate()
    data = (out / MANIFEST).read_bytes()
    (out / SIGNATURES).write_bytes(signature_file(data, [new, keypair.private]))
    assert read_manifest(out, [keypair.public]).sequence == 1
    assert read_manifest(out, [new.public_key()]).sequence == 1


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        (lambda m: m.update(format=3), FormatError, "format version 3 is not supported"),
        (lambda m: m.pop("sequence"), FormatError, "manifest has no 'sequence' field"),
        (lambda m: m.update(generated_at="yesterday"), FormatError, "generated_at 'yesterday' is not a UTC time"),
        (lambda m: m["snapshot"]["batches"][0].update(path="../../etc/passwd"), FormatError, "contains '.' or '..'"),
        (lambda m: m["snapshot"]["batches"][0].update(path="snapshots/1/../../x"), FormatError, "'..'"),
        (lambda m: m["snapshot"]["batches"][0].update(path="/etc/passwd"), FormatError, "is absolute"),
        (lambda m: m["snapshot"]["batches"][0].update(path="snapshots\\1\\a.gz"), FormatError, "backslashes"),
        (lambda m: m["catalogue"].update(path="snapshots/1/items-0001.jsonl.gz"), FormatError, "not under catalogue/"),
        (lambda m: m["snapshot"].update(items=7), FormatError, "declares 7 records but its batches hold 51"),
        (lambda m: m["attachments"].append({"sha256": "b" * 64, "size": 51 * 2**20}), LimitExceeded,
         "attachment 1 .* over the limit"),
        (lambda m: m["deltas"].append({"from": 3, "to": 9, "upserts": 0, "withdrawals": 0, "batches": []}),
         FormatError, "must form one chain"),
    ],
)  # fmt: skip
def test_a_signed_but_malformed_manifest_is_refused(
    out: Path, keypair: KeyPair, change: Any, error: type[Exception], message: str
) -> None:
    resign(out, keypair.private, change)
    with pytest.raises(error, match=message) as info:
        read_manifest(out, [keypair.public])
    assert str(info.value).startswith(MANIFEST)


def test_a_path_named_twice_is_refused(out: Path, keypair: KeyPair) -> None:
    def twice(m: dict[str, Any]) -> None:
        m["snapshot"]["batches"].append(dict(m["snapshot"]["batches"][0]))
        m["snapshot"]["items"] *= 2

    resign(out, keypair.private, twice)
    with pytest.raises(FormatError, match="manifest.json: the file snapshots/1/items-0001.jsonl.gz is named twice"):
        read_manifest(out, [keypair.public])


def test_an_oversized_manifest_is_refused_before_anything_else(out: Path, keypair: KeyPair) -> None:
    with pytest.raises(LimitExceeded, match="manifest.json is .* over the limit"):
        verify_manifest(b" " * 2048, b"", [keypair.public], Limits(max_manifest_bytes=1024))


# --- files named by the manifest -------------------------------------------------------------------


def test_a_batch_whose_hash_differs_is_refused(out: Path, keypair: KeyPair) -> None:
    ref = read_manifest(out, [keypair.public]).snapshot.batches[0]
    data = bytearray((out / ref.path).read_bytes())
    data[-10] ^= 0xFF
    with pytest.raises(FileMismatch, match="snapshots/1/items-0001.jsonl.gz: SHA-256 differs from the manifest"):
        verify_file(bytes(data), ref, LIMITS)


def test_a_batch_whose_size_differs_is_refused(out: Path, keypair: KeyPair) -> None:
    ref = read_manifest(out, [keypair.public]).snapshot.batches[0]
    with pytest.raises(FileMismatch, match=r"items-0001.jsonl.gz: size differs from the manifest \(.*expected"):
        verify_file((out / ref.path).read_bytes() + b"\0", ref, LIMITS)


def test_an_attachment_over_the_limit_is_refused(tmp_path: Path) -> None:
    data = b"x" * 2000
    ref = AttachmentRef.of(hashlib.sha256(data).hexdigest(), len(data))
    with pytest.raises(LimitExceeded, match=f"attachments/{ref.sha256[:2]}/{ref.sha256} is 2,000 bytes, over"):
        verify_file(data, ref, Limits(max_attachment_bytes=1000))


def test_a_truncated_gzip_batch_is_refused() -> None:
    whole, _ = batch([line(UPSERT)] * 50)
    data = whole[: len(whole) // 2]
    ref = BatchRef("snapshots/7/items-0001.jsonl.gz", len(data), hashlib.sha256(data).hexdigest(), 50)
    with pytest.raises(FormatError, match="snapshots/7/items-0001.jsonl.gz is truncated"):
        ops_of(data, ref)


def test_a_gzip_bomb_is_stopped_at_the_uncompressed_limit() -> None:
    data, ref = batch([b" " * (8 * 2**20)])
    assert len(data) < 20_000
    with pytest.raises(LimitExceeded, match="unpacks to more than 1,048,576 bytes"):
        ops_of(data, ref, Limits(max_batch_uncompressed_bytes=2**20))


def test_a_line_over_the_record_limit_is_refused() -> None:
    data, ref = batch([b"x" * 5000 + b"\n"])
    with pytest.raises(LimitExceeded, match="line 1 is longer than the record limit of 1,000 bytes"):
        ops_of(data, ref, Limits(max_record_bytes=1000))


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (b'{"op": "upsert", "item": {\n', "line 2: not valid JSON"),
        (b"\n", "line 2 is empty"),
        (line({"op": "delete", "index_no": "x"}), 'line 2: op must be "upsert" or "withdraw"'),
        (line({"op": "upsert", "item": {k: v for k, v in UPSERT["item"].items() if k != "title"}}),
         "line 2: the item has no 'title' field"),
        (line({"op": "upsert", "item": {**UPSERT["item"], "published_on": "2008-13-45"}}),
         "line 2: published_on '2008-13-45' is not a date"),
        (b'{"op": "upsert", "op": "withdraw"}\n', "the field 'op' appears twice"),
        (line({"op": "withdraw", "index_no": "003232741/2008-00009", "reason": "撤回"}),
         "line 2: a snapshot may only hold upserts"),
    ],
)  # fmt: skip
def test_a_bad_line_is_refused_with_its_line_number(bad: bytes, message: str) -> None:
    other = {**UPSERT, "item": {**UPSERT["item"], "index_no": "003232741/2008-00002"}}
    data, ref = batch([line(other), bad, line(UPSERT)])
    with pytest.raises(FormatError, match=message) as info:
        ops_of(data, ref)
    assert str(info.value).startswith("snapshots/7/items-0001.jsonl.gz line 2")


def test_a_batch_with_fewer_records_than_the_manifest_says_is_refused() -> None:
    data, ref = batch([line(UPSERT)], records=2)
    with pytest.raises(FormatError, match="holds 1 records, but the manifest says 2"):
        ops_of(data, ref)


def test_the_same_index_no_twice_in_one_batch_is_refused() -> None:
    data, ref = batch([line(UPSERT), line(UPSERT)])
    with pytest.raises(FormatError, match="line 2: 索引号 003232741/2008-00001 appears twice in the feed"):
        ops_of(data, ref)


def test_the_same_index_no_in_two_batches_of_one_delta_is_refused() -> None:
    withdraw = {"op": "withdraw", "index_no": "003232741/2008-00001", "reason": "撤回"}
    first = batch([line(UPSERT)], path="deltas/6-7/items-0001.jsonl.gz")
    second = batch([line(withdraw)], path="deltas/6-7/items-0002.jsonl.gz")
    ops = (op for data, ref in (first, second) for op in read_batch(data, ref, LIMITS))
    with pytest.raises(FormatError, match="items-0002.jsonl.gz line 1: 索引号 .* appears twice .*items-0001"):
        list(check_unique(ops))


def test_a_catalogue_with_a_child_before_its_parent_is_refused() -> None:
    child = {"code": "leaders", "name": "政府领导", "parent_code": "catalogue", "position": 0}
    body = {"publishers": [], "columns": [child]}
    data = gzip.compress(json.dumps(body).encode(), mtime=0)
    ref = FileRef("catalogue/7.json.gz", len(data), hashlib.sha256(data).hexdigest())
    with pytest.raises(FormatError, match="catalogue/7.json.gz: column 'leaders' names parent 'catalogue', which"):
        read_catalogue(data, ref, LIMITS)
