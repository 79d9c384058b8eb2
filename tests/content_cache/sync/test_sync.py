"""Sync from a real HTTP server on 127.0.0.1, a folder and a zip bundle; bad feeds leave the cache untouched."""

from __future__ import annotations

import gzip
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from content_cache import ContentCache
from content_cache.feed import FeedError, Limits, publish
from content_cache.feed.keys import generate_keypair, load_public_key
from content_cache.sync.run import SyncProgress, SyncReport, run_sync
from content_cache.sync.transport import FolderTransport, HttpPolicy, HttpTransport, Transport, ZipTransport
from tests.content_cache.feed.conftest import NOW, KeyPair
from tests.content_cache.feed.support import cache_records, read_jsonl, resign, write_jsonl
from tests.content_cache.sync.feed_server import serve

FAST = HttpPolicy(connect_timeout=1.0, read_timeout=1.0, file_deadline=3.0, attempts=2, backoff=0.01)


def http(url: str, staging: Path) -> HttpTransport:
    return HttpTransport(url, staging, policy=FAST, sleep=lambda _s: None)


def sync(cache: ContentCache, transport: Transport, keys: KeyPair, tmp_path: Path, **kw: Any) -> SyncReport:
    try:
        return run_sync(cache, transport, [keys.public], attachments=tmp_path / "attachments", **kw)
    finally:
        transport.close()


def snapshot_of(cache: ContentCache) -> tuple[Any, ...]:
    """Everything a visitor could see: records, sequence and the index."""
    with cache.session() as session:
        fts = session.execute(text("SELECT count(*) FROM item_fts")).scalar()
    return cache_records(cache), cache.feed_sequence(), fts


def test_export_publish_sync_round_trips_over_http(
    feed_cache: ContentCache, kiosk_cache: ContentCache, out: Path, keypair: KeyPair, tmp_path: Path
) -> None:
    seen: list[SyncProgress] = []
    with serve(out) as server:
        report = sync(kiosk_cache, http(server.url, tmp_path / "dl"), keypair, tmp_path, progress=seen.append)
    assert (report.mode, report.sequence_before, report.sequence_after) == ("snapshot", None, 1)
    assert report.added == kiosk_cache.item_count() == feed_cache.item_count()
    assert cache_records(kiosk_cache) == cache_records(feed_cache)
    assert [s.name for s in kiosk_cache.sections()] == [s.name for s in feed_cache.sections()]
    assert kiosk_cache.search("czys", 5).total == feed_cache.search("czys", 5).total
    assert seen[-1].phase == "done" and any(p.phase == "apply" for p in seen)


def _change_src(src: Path) -> tuple[str, str, str]:
    """Change one title, withdraw one item, abolish one: what a night's delta holds."""
    rows = read_jsonl(src / "items.jsonl")
    changed, gone, abolished = rows[1], rows[2], rows[3]
    changed["title"] = "关于调整城市绿化管理办法的通知"
    abolished.update(validity="abolished", abolished_on="2026-11-25")
    write_jsonl(src / "items.jsonl", [r for r in rows if r is not gone])
    return changed["index_no"], gone["index_no"], abolished["index_no"]


def test_a_delta_changes_withdraws_and_abolishes(
    kiosk_cache: ContentCache, src: Path, out: Path, keypair: KeyPair, tmp_path: Path
) -> None:
    with serve(out) as server:
        sync(kiosk_cache, http(server.url, tmp_path / "dl"), keypair, tmp_path)
        changed, gone, abolished = _change_src(src)
        publish(src, out, keypair.key_path, now=NOW)
        report = sync(kiosk_cache, http(server.url, tmp_path / "dl"), keypair, tmp_path)
    assert (report.mode, report.sequence_before, report.sequence_after) == ("delta", 1, 2)
    assert (report.added, report.updated, report.withdrawn) == (0, 2, 1)
    assert kiosk_cache.item(changed).title == "关于调整城市绿化管理办法的通知"
    assert kiosk_cache.item(abolished).validity == "abolished"
    with pytest.raises(KeyError):
        kiosk_cache.item(gone)
    assert kiosk_cache.search("调整城市绿化", 5).hits[0].index_no == changed  # the new title, first


def test_a_second_sync_is_a_conditional_request_and_changes_nothing(
    kiosk_cache: ContentCache, out: Path, keypair: KeyPair, tmp_path: Path
) -> None:
    with serve(out) as server:
        sync(kiosk_cache, http(server.url, tmp_path / "dl"), keypair, tmp_path)
        server.requests.clear()
        again = http(server.url, tmp_path / "dl")
        report = sync(kiosk_cache, again, keypair, tmp_path)
    assert report.mode == "unchanged" and report.bytes_read == 0
    assert server.requests == [("GET", "manifest.json", 304)]


def test_full_takes_the_snapshot_again(kiosk_cache: ContentCache, out: Path, keypair: KeyPair, tmp_path: Path) -> None:
    sync(kiosk_cache, FolderTransport(out), keypair, tmp_path)
    before = kiosk_cache.item_count()
    report = sync(kiosk_cache, FolderTransport(out), keypair, tmp_path, full=True)
    # The snapshot is read again, but items identical to the cached ones are not rewritten.
    assert (report.mode, report.added, report.updated, report.withdrawn) == ("snapshot", 0, 0, 0)
    assert kiosk_cache.item_count() == before


def test_a_zip_bundle_from_a_usb_stick(kiosk_cache: ContentCache, out: Path, keypair: KeyPair, tmp_path: Path) -> None:
    bundle = Path(shutil.make_archive(str(tmp_path / "feed"), "zip", out.parent, out.name))
    report = sync(kiosk_cache, ZipTransport(bundle), keypair, tmp_path)
    assert report.mode == "snapshot" and kiosk_cache.item_count() == report.added > 0


def test_a_demo_cache_is_replaced_by_the_first_snapshot(
    kiosk_cache: ContentCache, out: Path, keypair: KeyPair, tmp_path: Path, feed_cache: ContentCache
) -> None:
    kiosk_cache.load_demo(20, seed=99)
    report = sync(kiosk_cache, FolderTransport(out), keypair, tmp_path)
    assert report.withdrawn > 0 and cache_records(kiosk_cache) == cache_records(feed_cache)


def test_a_broken_download_resumes_where_it_stopped(
    kiosk_cache: ContentCache, out: Path, keypair: KeyPair, tmp_path: Path
) -> None:
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    batch = manifest["snapshot"]["batches"][0]["path"]
    with serve(out) as server:
        server.faults[batch], server.fault_times[batch] = "drop-half", 1
        sync(kiosk_cache, http(server.url, tmp_path / "dl"), keypair, tmp_path)
    statuses = [status for _m, path, status in server.requests if path == batch]
    assert statuses == [200, 206]


# Bad input: a clear FeedError, and the cache exactly as it was.


@pytest.fixture
def synced(kiosk_cache: ContentCache, out: Path, keypair: KeyPair, tmp_path: Path) -> tuple[Any, ...]:
    """The kiosk synced to sequence 1; returns what it showed then."""
    sync(kiosk_cache, FolderTransport(out), keypair, tmp_path)
    return snapshot_of(kiosk_cache)


def _next_feed(src: Path, out: Path, keypair: KeyPair) -> dict[str, Any]:
    _change_src(src)
    publish(src, out, keypair.key_path, now=NOW)
    return json.loads((out / "manifest.json").read_text("utf-8"))


def _delta_batch(manifest: dict[str, Any]) -> str:
    return str(manifest["deltas"][0]["batches"][0]["path"])


def _rewrite_batch(out: Path, keypair: KeyPair, path: str, lines: list[bytes]) -> None:
    """Replace a batch and re-sign the manifest with its new hash and size: only the content is bad."""
    import hashlib

    data = gzip.compress(b"".join(lines), mtime=0)
    (out / path).write_bytes(data)

    upserts = sum(1 for line in lines if b'"op": "upsert"' in line or b'"op":"upsert"' in line)

    def fix(m: dict[str, Any]) -> None:
        delta = m["deltas"][0]
        delta.update(upserts=upserts, withdrawals=len(lines) - upserts)
        for ref in delta["batches"]:
            if ref["path"] == path:
                ref.update(size=len(data), sha256=hashlib.sha256(data).hexdigest(), records=len(lines))

    resign(out, keypair.private, fix)


def _lines_of(out: Path, path: str) -> list[bytes]:
    return gzip.decompress((out / path).read_bytes()).splitlines(keepends=True)


def _tamper(case: str, src: Path, out: Path, keypair: KeyPair, tmp_path: Path) -> None:
    manifest = _next_feed(src, out, keypair)
    batch = _delta_batch(manifest)
    lines = _lines_of(out, batch)
    if case == "missing signature":
        (out / "manifest.sig").unlink()
    elif case == "wrong signature":
        (out / "manifest.json").write_bytes(
            (out / "manifest.json").read_bytes().replace(b'"sequence": 2', b'"sequence": 3')
        )
    elif case == "unknown key":
        other = load_public_key(generate_keypair(tmp_path / "other")[1])
        from content_cache.feed.keys import load_private_key, signature_file

        data = (out / "manifest.json").read_bytes()
        (out / "manifest.sig").write_bytes(
            signature_file(data, [load_private_key(tmp_path / "other" / "publisher.key")])
        )
        assert other is not None
    elif case == "hash differs":
        data = bytearray((out / batch).read_bytes())
        data[len(data) // 2] ^= 0xFF
        (out / batch).write_bytes(bytes(data))
    elif case == "size differs":
        (out / batch).write_bytes((out / batch).read_bytes() + b"\x00")
    elif case == "truncated gzip":
        data = gzip.compress(b"".join(lines), mtime=0)[:-20]
        import hashlib

        (out / batch).write_bytes(data)
        resign(
            out,
            keypair.private,
            lambda m: m["deltas"][0]["batches"][0].update(size=len(data), sha256=hashlib.sha256(data).hexdigest()),
        )
    elif case == "malformed json line":
        _rewrite_batch(out, keypair, batch, [lines[0][:-10] + b"\n", *lines[1:]])
    elif case == "missing required field":
        upsert = next(json.loads(x) for x in lines if json.loads(x)["op"] == "upsert")
        del upsert["item"]["title"]
        _rewrite_batch(out, keypair, batch, [json.dumps(upsert, ensure_ascii=False).encode() + b"\n"])
    elif case == "invalid date":
        upsert = next(json.loads(x) for x in lines if json.loads(x)["op"] == "upsert")
        upsert["item"]["published_on"] = "2008-13-45"
        _rewrite_batch(out, keypair, batch, [json.dumps(upsert, ensure_ascii=False).encode() + b"\n"])
    elif case == "duplicate index_no":
        upsert = next(x for x in lines if json.loads(x)["op"] == "upsert")
        _rewrite_batch(out, keypair, batch, [upsert, upsert])
    elif case == "older feed":
        resign(out, keypair.private, lambda m: m.update(sequence=0))
    elif case == "path with ..":
        resign(
            out, keypair.private, lambda m: m["deltas"][0]["batches"][0].update(path="deltas/1-2/../../../etc/passwd")
        )
    elif case == "absolute path":
        resign(out, keypair.private, lambda m: m["deltas"][0]["batches"][0].update(path="/etc/passwd"))


BAD_FEEDS = {
    "missing signature": "manifest.sig",
    "wrong signature": "does not match",
    "unknown key": "does not trust",
    "hash differs": "SHA-256",
    "size differs": "bytes",
    "truncated gzip": "truncated",
    "malformed json line": "line 1",
    "missing required field": "title",
    "invalid date": "2008-13-45",
    "duplicate index_no": "appears twice",
    "older feed": "sequence",
    "path with ..": "..",
    "absolute path": "/etc/passwd",
}


@pytest.mark.parametrize("case", BAD_FEEDS)
def test_a_bad_feed_is_refused_and_the_cache_is_untouched(
    case: str,
    kiosk_cache: ContentCache,
    synced: tuple[Any, ...],
    src: Path,
    out: Path,
    keypair: KeyPair,
    tmp_path: Path,
) -> None:
    _tamper(case, src, out, keypair, tmp_path)
    with pytest.raises(FeedError, match=BAD_FEEDS[case].replace(".", r"\.").replace("(", r"\(")) as caught:
        sync(kiosk_cache, FolderTransport(out), keypair, tmp_path)
    assert str(caught.value)
    assert snapshot_of(kiosk_cache) == synced


def test_an_attachment_over_the_limit_is_refused(
    kiosk_cache: ContentCache, src: Path, out: Path, keypair: KeyPair, tmp_path: Path
) -> None:
    rows = read_jsonl(src / "items.jsonl")
    (src / "attachments").mkdir(exist_ok=True)
    (src / "attachments" / "big.pdf").write_bytes(b"%PDF-" + b"0" * 5000)
    rows[0]["attachments"] = [{"name": "附件.pdf", "file": "big.pdf", "media_type": "application/pdf"}]
    write_jsonl(src / "items.jsonl", rows)
    publish(src, out, keypair.key_path, now=NOW)
    with pytest.raises(FeedError, match="limit"):
        sync(kiosk_cache, FolderTransport(out), keypair, tmp_path, limits=Limits(max_attachment_bytes=1000))
    assert kiosk_cache.item_count() == 0
    report = sync(kiosk_cache, FolderTransport(out), keypair, tmp_path)
    held = tmp_path / "attachments"
    assert report.added > 0 and sum(1 for p in held.rglob("*") if p.is_file()) == 1


@pytest.mark.parametrize(
    "fault, message",
    [("404", "HTTP 404"), ("500", "HTTP 500"), ("reset", "connection"), ("endless", "more than|in time|longer")],
)
def test_a_failing_server_is_a_clear_error(
    fault: str,
    message: str,
    kiosk_cache: ContentCache,
    synced: tuple[Any, ...],
    src: Path,
    out: Path,
    keypair: KeyPair,
    tmp_path: Path,
) -> None:
    manifest = _next_feed(src, out, keypair)
    with serve(out) as server:
        server.faults[_delta_batch(manifest)] = fault  # type: ignore[assignment]
        server.stall_seconds = 4.0
        with pytest.raises(FeedError, match=message):
            sync(kiosk_cache, http(server.url, tmp_path / "dl"), keypair, tmp_path)
    assert snapshot_of(kiosk_cache) == synced


def test_a_bundle_with_an_unsafe_member_is_refused(tmp_path: Path) -> None:
    bundle = tmp_path / "evil.zip"
    with zipfile.ZipFile(bundle, "w") as z:
        z.writestr("manifest.json", b"{}")
        z.writestr("../../evil", b"x")
    with pytest.raises(FeedError, match="unsafe path"):
        ZipTransport(bundle)


def test_worker_processes_give_the_same_content(
    kiosk_cache: ContentCache, src: Path, keypair: KeyPair, tmp_path: Path
) -> None:
    feed = tmp_path / "small-batches"
    publish(src, feed, keypair.key_path, now=NOW, batch_size=7)
    alone = ContentCache.open(tmp_path / "alone.db")
    try:
        sync(alone, FolderTransport(feed), keypair, tmp_path, workers=0)
        report = sync(kiosk_cache, FolderTransport(feed), keypair, tmp_path, workers=2)
        assert report.added == alone.item_count() > 14
        assert snapshot_of(kiosk_cache) == snapshot_of(alone)
        assert kiosk_cache.search("年度报告", 50).hits == alone.search("年度报告", 50).hits
    finally:
        alone.close()


def test_a_bad_line_read_by_a_worker_is_refused_like_any_other(
    kiosk_cache: ContentCache, src: Path, keypair: KeyPair, tmp_path: Path
) -> None:
    import hashlib

    feed = tmp_path / "small-batches"
    publish(src, feed, keypair.key_path, now=NOW, batch_size=7)
    ref = json.loads((feed / "manifest.json").read_bytes())["snapshot"]["batches"][2]
    lines = gzip.decompress((feed / ref["path"]).read_bytes()).splitlines(keepends=True)
    data = gzip.compress(b"".join([*lines[:3], lines[3][:-10] + b"\n", *lines[4:]]), mtime=0)
    (feed / ref["path"]).write_bytes(data)
    resign(
        feed,
        keypair.private,
        lambda m: m["snapshot"]["batches"][2].update(size=len(data), sha256=hashlib.sha256(data).hexdigest()),
    )
    with pytest.raises(FeedError, match=f"{ref['path']} line 4"):
        sync(kiosk_cache, FolderTransport(feed), keypair, tmp_path, workers=2)
    assert kiosk_cache.item_count() == 0 and kiosk_cache.feed_sequence() is None
