from __future__ import annotations

import gzip
import hashlib
import json
from datetime import timedelta
from pathlib import Path

import pytest

from content_cache import ContentCache
from content_cache.demo import PUBLISHERS
from content_cache.feed import (
    LimitExceeded,
    Limits,
    SourceError,
    StaleFeed,
    Upsert,
    Withdraw,
    export_cache,
    generate_keypair,
    item_from_json,
    load_public_key,
    publish,
    read_catalogue,
)  # fmt: skip
from content_cache.feed.format import MANIFEST, SIGNATURES
from content_cache.records import AttachmentRecord, ColumnRecord, ItemRecord, PublisherRecord
from content_cache.store import upsert_columns, upsert_items, upsert_publishers

from .conftest import DEMO_ITEMS, NOW, KeyPair
from .support import LIMITS, cache_records, read_jsonl, read_manifest, read_ops, write_jsonl


def test_a_published_snapshot_gives_back_exactly_the_cached_items(
    feed_cache: ContentCache, out: Path, keypair: KeyPair
) -> None:
    manifest = read_manifest(out, [keypair.public])
    assert (manifest.format, manifest.sequence, manifest.publisher) == (1, 1, "宿州市人民政府")
    assert manifest.generated_at == NOW and manifest.deltas == ()
    ops = read_ops(out, manifest.snapshot.batches)
    assert all(isinstance(op, Upsert) for op in ops)
    assert {op.record.index_no: op.record for op in ops if isinstance(op, Upsert)} == cache_records(feed_cache)
    assert manifest.snapshot.items == len(ops) == DEMO_ITEMS + 1


def test_the_catalogue_holds_every_publisher_and_column_parents_first(out: Path, keypair: KeyPair) -> None:
    manifest = read_manifest(out, [keypair.public])
    publishers, columns = read_catalogue((out / manifest.catalogue.path).read_bytes(), manifest.catalogue, LIMITS)
    assert publishers[0] == PublisherRecord("003232741", "宿州市人民政府", "city", None)
    assert len(publishers) == len(PUBLISHERS) and columns[0] == ColumnRecord("guide", "政府信息公开指南", None, 0)
    seen: set[str] = set()
    for col in columns:
        assert col.parent_code is None or col.parent_code in seen
        seen.add(col.code)


def test_the_snapshot_is_in_publication_order_and_split_into_batches(
    src: Path, tmp_path: Path, keypair: KeyPair
) -> None:
    publish(src, tmp_path / "feed", keypair.key_path, batch_size=20, now=NOW)
    manifest = read_manifest(tmp_path / "feed", [keypair.public])
    assert [b.records for b in manifest.snapshot.batches] == [20, 20, 11]
    assert [b.path for b in manifest.snapshot.batches][-1] == "snapshots/1/items-0003.jsonl.gz"
    records = [op.record for op in read_ops(tmp_path / "feed", manifest.snapshot.batches) if isinstance(op, Upsert)]
    assert records == sorted(records, key=lambda r: (r.published_on, r.index_no))


def edit_source(src: Path) -> tuple[str, str, str]:
    """Change one title, withdraw one item, abolish one; returns their 索引号."""
    rows = read_jsonl(src / "items.jsonl")
    changed, withdrawn, abolished = rows[3], rows.pop(5), rows[8]
    changed["title"] += "(修订)"
    abolished.update(validity="abolished", abolished_on="2026-11-20")
    write_jsonl(src / "items.jsonl", rows)
    return changed["index_no"], withdrawn["index_no"], abolished["index_no"]


def test_a_second_publish_writes_a_delta_of_exactly_the_changes(src: Path, out: Path, keypair: KeyPair) -> None:
    changed, withdrawn, abolished = edit_source(src)
    result = publish(src, out, keypair.key_path, now=NOW + timedelta(days=1))
    assert (result.changed, result.sequence, result.upserts, result.withdrawals) == (True, 2, 2, 1)
    manifest = read_manifest(out, [keypair.public])
    (delta,) = manifest.deltas
    assert (delta.from_sequence, delta.to_sequence, delta.upserts, delta.withdrawals) == (1, 2, 2, 1)
    ops = read_ops(out, delta.batches)
    assert {op.index_no for op in ops if isinstance(op, Upsert)} == {changed, abolished}
    assert [op for op in ops if isinstance(op, Withdraw)] == [Withdraw(withdrawn, "撤回")]
    gone = next(op.record for op in ops if isinstance(op, Upsert) and op.index_no == abolished)
    assert (gone.validity, gone.abolished_on.isoformat() if gone.abolished_on else None) == ("abolished", "2026-11-20")
    assert manifest.snapshot.items == DEMO_ITEMS and manifest.catch_up(1) == (delta,)


def test_a_publish_with_no_change_leaves_the_manifest_byte_identical(src: Path, out: Path, keypair: KeyPair) -> None:
    before = (out / MANIFEST).read_bytes(), (out / SIGNATURES).read_bytes()
    result = publish(src, out, keypair.key_path, now=NOW + timedelta(days=1))
    assert (result.changed, result.sequence, result.files) == (False, 1, ())
    assert result.summary().startswith("no change")
    assert ((out / MANIFEST).read_bytes(), (out / SIGNATURES).read_bytes()) == before


def test_publishing_is_deterministic_down_to_the_gzip_bytes(src: Path, tmp_path: Path, keypair: KeyPair) -> None:
    for name in ("a", "b"):
        publish(src, tmp_path / name, keypair.key_path, now=NOW)
    for path in sorted((tmp_path / "a").rglob("*")):
        if path.is_file():
            assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes()
    batch = next((tmp_path / "a" / "snapshots").rglob("*.gz")).read_bytes()
    assert batch[4:8] == b"\0\0\0\0"  # gzip mtime


def test_only_the_last_deltas_are_kept_and_older_files_are_pruned(src: Path, out: Path, keypair: KeyPair) -> None:
    rows = read_jsonl(src / "items.jsonl")
    for n in range(3):
        rows[0]["title"] = f"第{n}次修改"
        write_jsonl(src / "items.jsonl", rows)
        publish(src, out, keypair.key_path, keep_deltas=2, now=NOW)
    manifest = read_manifest(out, [keypair.public])
    assert manifest.sequence == 4
    assert [(d.from_sequence, d.to_sequence) for d in manifest.deltas] == [(3, 4), (2, 3)]
    assert manifest.catch_up(2) is not None and manifest.catch_up(1) is None and manifest.catch_up(4) == ()
    with pytest.raises(StaleFeed, match="older than the content here"):
        manifest.catch_up(5)
    assert sorted(p.name for p in (out / "snapshots").iterdir()) == ["3", "4"]  # one generation of grace
    assert not list(out.rglob("*.partial"))


def test_an_input_error_names_the_file_and_line(src: Path, tmp_path: Path, keypair: KeyPair) -> None:
    rows = read_jsonl(src / "items.jsonl")
    rows[2]["column_code"] = "no-such-column"
    write_jsonl(src / "items.jsonl", rows)
    with pytest.raises(SourceError, match="items.jsonl: item .* names column 'no-such-column'"):
        publish(src, tmp_path / "feed", keypair.key_path)
    rows[2]["column_code"], rows[2]["published_on"] = "guide", "2008-02-30"
    write_jsonl(src / "items.jsonl", rows)
    with pytest.raises(Exception, match="items.jsonl line 3: published_on '2008-02-30' is not a date"):
        publish(src, tmp_path / "feed", keypair.key_path)
    assert not (tmp_path / "feed" / MANIFEST).exists()


def test_a_damaged_previous_feed_stops_the_publish(src: Path, out: Path, keypair: KeyPair) -> None:
    batch = next((out / "snapshots").rglob("*.gz"))
    batch.write_bytes(batch.read_bytes()[:-1] + b"!")
    with pytest.raises(SourceError, match="previous feed .* is damaged .*SHA-256 differs"):
        publish(src, out, keypair.key_path)


def attachment_cache(tmp_path: Path) -> tuple[ContentCache, Path, bytes]:
    """A cache with one item carrying a PDF attachment, and the store holding its bytes."""
    pdf = b"%PDF-1.4 reading room test" * 100
    sha = hashlib.sha256(pdf).hexdigest()
    store = tmp_path / "store"
    (store / sha[:2]).mkdir(parents=True)
    (store / sha[:2] / sha).write_bytes(pdf)
    cache = ContentCache.open(tmp_path / "att.db")
    rec = ItemRecord(
        "003232741/2009-00002", "关于印发附件的通知", "003232741", "guide", NOW.date(), "正文",
        attachments=(AttachmentRecord("附件1.pdf", sha, len(pdf), "application/pdf"),),
    )  # fmt: skip
    with cache.transaction() as session:
        upsert_publishers(session, [PublisherRecord("003232741", "宿州市人民政府", "city")])
        upsert_columns(session, [ColumnRecord("guide", "政府信息公开指南", None, 0)])
        upsert_items(session, [rec])
    return cache, store, pdf


def test_attachments_are_exported_published_and_addressed_by_sha256(tmp_path: Path, keypair: KeyPair) -> None:
    cache, store, pdf = attachment_cache(tmp_path)
    assert export_cache(cache, tmp_path / "src", attachment_store=store) == 1
    publish(tmp_path / "src", tmp_path / "feed", keypair.key_path, now=NOW)
    manifest = read_manifest(tmp_path / "feed", [keypair.public])
    (ref,) = manifest.attachments
    assert (ref.sha256, ref.size) == (hashlib.sha256(pdf).hexdigest(), len(pdf))
    assert (tmp_path / "feed" / ref.path).read_bytes() == pdf
    (op,) = read_ops(tmp_path / "feed", manifest.snapshot.batches)
    assert isinstance(op, Upsert) and {op.index_no: op.record} == cache_records(cache)
    cache.close()


def test_an_attachment_over_the_limit_is_refused_at_publish(tmp_path: Path, keypair: KeyPair) -> None:
    cache, store, _ = attachment_cache(tmp_path)
    export_cache(cache, tmp_path / "src", attachment_store=store)
    cache.close()
    with pytest.raises(LimitExceeded, match="items.jsonl line 1: attachment .* over the limit of 100"):
        publish(tmp_path / "src", tmp_path / "feed", keypair.key_path, limits=Limits(max_attachment_bytes=100))


def test_a_batch_line_is_the_canonical_json_of_an_upsert(out: Path) -> None:
    batch = next((out / "snapshots").rglob("*.gz"))
    first = gzip.decompress(batch.read_bytes()).split(b"\n")[0]
    obj = json.loads(first)
    assert list(obj) == ["item", "op"] and obj["op"] == "upsert"
    assert item_from_json(obj["item"], "test").index_no == obj["item"]["index_no"]


def test_a_key_rotation_re_signs_unchanged_content_with_both_keys(
    src: Path, out: Path, tmp_path: Path, keypair: KeyPair
) -> None:
    new_key, new_pub = generate_keypair(tmp_path / "new-keys")
    before = (out / MANIFEST).read_bytes()
    result = publish(src, out, new_key, also_sign_with=[keypair.key_path])
    assert (result.changed, result.files) == (False, (SIGNATURES,))
    assert (out / MANIFEST).read_bytes() == before
    assert read_manifest(out, [keypair.public]).sequence == read_manifest(out, [load_public_key(new_pub)]).sequence


def test_a_publish_killed_before_manifest_sig_is_repaired_by_the_next_run(
    src: Path, out: Path, keypair: KeyPair
) -> None:
    (out / SIGNATURES).unlink()
    assert publish(src, out, keypair.key_path).files == (SIGNATURES,)
    assert read_manifest(out, [keypair.public]).sequence == 1
