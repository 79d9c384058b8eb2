"""A hostile or broken source: each failure is one plain line, the cache stays as it was, staging never poisons.

Every case goes through the real parts: a feed published with `publish`, a real
HTTP server on 127.0.0.1 (or a folder, or a zip bundle), and `run_sync`.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from content_cache import ContentCache
from content_cache.errors import ContentError
from content_cache.feed import FileMismatch, NotAFeed, SignatureError
from content_cache.feed.format import MANIFEST, SIGNATURES
from content_cache.feed.keys import signature_file
from content_cache.sync.transport import FolderTransport, HttpTransport, TransportError, ZipTransport
from tests.content_cache.feed.conftest import KeyPair
from tests.content_cache.feed.support import cache_records, read_manifest
from tests.content_cache.sync.feed_server import serve
from tests.content_cache.sync.test_sync import http, snapshot_of, sync


def _fails_in_one_line(cache: ContentCache, call: object, *phrases: str) -> ContentError:
    """Run the sync; it must raise one of the project's errors, one line naming what went wrong, cache untouched."""
    before = snapshot_of(cache)
    with pytest.raises(ContentError) as caught:
        call()  # type: ignore[operator]
    message = str(caught.value)
    assert "\n" not in message and message.strip(), message
    assert "Traceback" not in message
    for phrase in phrases:
        assert phrase in message, message
    assert snapshot_of(cache) == before
    return caught.value


def _first_batch(out: Path, keypair: KeyPair) -> str:
    return read_manifest(out, [keypair.public]).snapshot.batches[0].path


# --- staging -------------------------------------------------------------------------------------------------------


def test_a_download_with_the_right_size_and_wrong_bytes_is_deleted_and_fetched_again(
    kiosk_cache: ContentCache, out: Path, keypair: KeyPair, tmp_path: Path
) -> None:
    ref = read_manifest(out, [keypair.public]).snapshot.batches[0]
    batch, staging = ref.path, tmp_path / "dl"
    with serve(out) as server:
        server.faults[batch], server.fault_times[batch] = "wrong-bytes", 1
        _fails_in_one_line(
            kiosk_cache,
            lambda: sync(kiosk_cache, http(server.url, staging), keypair, tmp_path),
            batch,
            "differs from the signed manifest",
            "deleted",
        )
        assert not list(staging.glob(ref.sha256 + ".*"))  # nothing of the bad copy is kept
        report = sync(kiosk_cache, http(server.url, staging), keypair, tmp_path)
    assert report.mode == "snapshot" and kiosk_cache.item_count() == report.added


def test_a_poisoned_staged_file_is_never_reused(
    feed_cache: ContentCache, kiosk_cache: ContentCache, out: Path, keypair: KeyPair, tmp_path: Path
) -> None:
    """A finished download of the right size and wrong bytes (left by an older kiosk, a bad disk, a bad proxy)."""
    ref = read_manifest(out, [keypair.public]).snapshot.batches[0]
    staging = tmp_path / "dl"
    staging.mkdir()
    poisoned = staging / f"{ref.sha256}.done"
    poisoned.write_bytes(b"\0" * ref.size)
    with serve(out) as server:
        transport = http(server.url, staging)
        assert not poisoned.exists()  # revalidated when the transport starts
        poisoned.write_bytes(b"\0" * ref.size)  # and if it appears while it runs, it is checked before use
        report = sync(kiosk_cache, transport, keypair, tmp_path)
    assert report.added == feed_cache.item_count()
    assert cache_records(kiosk_cache) == cache_records(feed_cache)


def test_a_damaged_partial_download_is_fetched_whole(
    feed_cache: ContentCache, kiosk_cache: ContentCache, out: Path, keypair: KeyPair, tmp_path: Path
) -> None:
    ref = read_manifest(out, [keypair.public]).snapshot.batches[0]
    staging = tmp_path / "dl"
    staging.mkdir()
    (staging / f"{ref.sha256}.part").write_bytes(b"garbage" * 10)  # resumed, it would give a wrong file
    with serve(out) as server:
        sync(kiosk_cache, http(server.url, staging), keypair, tmp_path)
        statuses = server.bytes_sent_for(ref.path)
    assert statuses == [206, 200]  # the resumed copy failed its hash; the whole file came next
    assert cache_records(kiosk_cache) == cache_records(feed_cache)


def test_staging_left_by_an_interrupted_run_is_revalidated_at_the_next_start(
    out: Path, keypair: KeyPair, tmp_path: Path
) -> None:
    staging = tmp_path / "dl"
    staging.mkdir()
    good = b"a finished download"
    good_name = hashlib.sha256(good).hexdigest() + ".done"
    (staging / good_name).write_bytes(good)
    (staging / ("0" * 64 + ".done")).write_bytes(b"bytes of another hash")
    (staging / ("1" * 64 + ".part")).write_bytes(b"half a file")
    (staging / "manifest.json.partial").write_bytes(b"{")
    (staging / "stray").mkdir()
    HttpTransport("http://127.0.0.1:9/", staging).close()
    assert sorted(p.name for p in staging.iterdir()) == sorted([good_name, "1" * 64 + ".part"])


def test_a_file_or_folder_in_the_place_of_staged_files_is_cleared(
    feed_cache: ContentCache, kiosk_cache: ContentCache, out: Path, keypair: KeyPair, tmp_path: Path
) -> None:
    manifest = read_manifest(out, [keypair.public])
    ref = manifest.snapshot.batches[0]
    staging = tmp_path / "dl"
    staging.write_bytes(b"a file where the staging folder goes")
    with serve(out) as server:
        transport = http(server.url, staging)
        for name in (f"{ref.sha256}.done", f"{manifest.catalogue.sha256}.part", MANIFEST, SIGNATURES):
            (staging / name).mkdir()  # folders where staged or kept files go
            (staging / name / "x").write_bytes(b"x")
        transport.close()
        sync(kiosk_cache, http(server.url, staging), keypair, tmp_path)
    assert cache_records(kiosk_cache) == cache_records(feed_cache)


def test_a_successful_sync_leaves_no_downloads_behind(
    kiosk_cache: ContentCache, out: Path, keypair: KeyPair, tmp_path: Path
) -> None:
    staging = tmp_path / "dl"
    with serve(out) as server:
        sync(kiosk_cache, http(server.url, staging), keypair, tmp_path)
    assert sorted(p.name for p in staging.iterdir()) == ["manifest.json", "manifest.sig", "validators.json"]


def test_a_damaged_kept_manifest_is_dropped_and_fetched_again(
    kiosk_cache: ContentCache, out: Path, keypair: KeyPair, tmp_path: Path
) -> None:
    """The server says "not modified", but the copy kept from last time was damaged on this disk."""
    staging = tmp_path / "dl"
    with serve(out) as server:
        sync(kiosk_cache, http(server.url, staging), keypair, tmp_path, full=True)
        kept = staging / MANIFEST
        kept.write_bytes(kept.read_bytes().replace(b'"sequence": 1', b'"sequence": 9'))
        report = sync(kiosk_cache, http(server.url, staging), keypair, tmp_path, full=True)
        assert [s for s in server.bytes_sent_for(MANIFEST)] == [200, 304, 200]
    assert report.sequence_after == 1


def test_a_new_signature_over_an_unchanged_manifest_is_fetched_though_the_server_says_not_modified(
    kiosk_cache: ContentCache, src: Path, out: Path, keypair: KeyPair, tmp_path: Path
) -> None:
    """A key rotation re-signs an unchanged manifest: the copy of manifest.sig kept here is the old one."""
    from content_cache.feed import generate_keypair, load_public_key, publish
    from content_cache.sync.run import run_sync
    from tests.content_cache.feed.conftest import NOW

    staging = tmp_path / "dl"
    with serve(out) as server:
        sync(kiosk_cache, http(server.url, staging), keypair, tmp_path)
        new_key, new_pub = generate_keypair(tmp_path / "new-key")
        assert publish(src, out, new_key, now=NOW).changed is False  # only manifest.sig is written again
        transport = http(server.url, staging)
        try:
            report = run_sync(kiosk_cache, transport, [load_public_key(new_pub)], attachments=tmp_path / "att")
        finally:
            transport.close()
        assert server.bytes_sent_for(MANIFEST) == [200, 304, 200]
    assert (report.mode, report.sequence_after) == ("unchanged", 1)


# --- the source answers with something else ---------------------------------------------------------------------


@pytest.mark.parametrize("path", [MANIFEST, SIGNATURES, "batch"])
def test_a_captive_portal_is_named_as_a_web_page(
    kiosk_cache: ContentCache, out: Path, keypair: KeyPair, tmp_path: Path, path: str
) -> None:
    path = _first_batch(out, keypair) if path == "batch" else path
    with serve(out) as server:
        server.faults[path] = "portal"
        error = _fails_in_one_line(
            kiosk_cache,
            lambda: sync(kiosk_cache, http(server.url, tmp_path / "dl"), keypair, tmp_path),
            "web page, not a feed",
        )
    assert isinstance(error, NotAFeed)
    assert not list((tmp_path / "dl").glob("*.part"))  # a portal's page is never staged


def test_feed_files_a_careless_server_labels_text_html_still_sync(
    feed_cache: ContentCache, kiosk_cache: ContentCache, out: Path, keypair: KeyPair, tmp_path: Path
) -> None:
    with serve(out) as server:
        for path in (MANIFEST, SIGNATURES, _first_batch(out, keypair)):
            server.faults[path] = "html-label"
        sync(kiosk_cache, http(server.url, tmp_path / "dl"), keypair, tmp_path)
    assert cache_records(kiosk_cache) == cache_records(feed_cache)


def test_a_web_page_in_place_of_the_manifest_on_a_folder_is_named_too(
    kiosk_cache: ContentCache, out: Path, keypair: KeyPair, tmp_path: Path
) -> None:
    (out / MANIFEST).write_bytes(b"\n  <html><body>Sign in to continue</body></html>")
    (out / SIGNATURES).write_bytes(b"<!doctype html><p>Sign in</p>")
    _fails_in_one_line(
        kiosk_cache, lambda: sync(kiosk_cache, FolderTransport(out), keypair, tmp_path), "web page, not a feed"
    )


@pytest.mark.parametrize(
    "garbage",
    [
        b"[" * 60_000,
        b"{" * 60_000,
        b'{"signatures": ' + b"[" * 50_000,
        b"\xff\xfe\x00garbage",
        b"null",
        b"[]",
        b'{"signatures": [{"key_id": 7, "sig": "x"}]}',
        b'{"signatures": [{"key_id": "k", "sig": "!!!"}]}',
        b'{"signatures": []}',
        b"\x00" * 1000,
        b"x" * 70_000,
    ],
    ids=["60k-[", "60k-{", "nested", "binary", "null", "list", "number-id", "bad-base64", "none", "nul", "huge"],
)
def test_a_garbage_signature_file_is_one_line(
    kiosk_cache: ContentCache, out: Path, keypair: KeyPair, tmp_path: Path, garbage: bytes
) -> None:
    (out / SIGNATURES).write_bytes(garbage)
    error = _fails_in_one_line(
        kiosk_cache, lambda: sync(kiosk_cache, FolderTransport(out), keypair, tmp_path), SIGNATURES
    )
    assert isinstance(error, SignatureError)


def _rewrite_batch(out: Path, keypair: KeyPair, number: int, line: bytes) -> str:
    """Replace the first line of snapshot batch `number` (1-based) with `line`, and sign the manifest again."""
    manifest = json.loads((out / MANIFEST).read_bytes())
    entry = manifest["snapshot"]["batches"][number - 1]
    lines = gzip.decompress((out / entry["path"]).read_bytes()).split(b"\n")
    data = gzip.compress(b"\n".join([line, *lines[1:]]), mtime=0)
    (out / entry["path"]).write_bytes(data)
    entry.update(size=len(data), sha256=hashlib.sha256(data).hexdigest())
    body = json.dumps(manifest, ensure_ascii=False).encode("utf-8")
    (out / MANIFEST).write_bytes(body)
    (out / SIGNATURES).write_bytes(signature_file(body, [keypair.private]))
    return str(entry["path"])


@pytest.mark.parametrize("workers", [0, 2])
@pytest.mark.parametrize(
    "line",
    [
        b'{"op": "upsert", "item": ' + b"[" * 100_000,
        b"[" * 200_000,
        b'{"op": "upsert", "item": ' + b'{"a":' * 50_000,
        b'{"op": "withdraw", "index_no": ' + b"[" * 3000 + b"]" * 3000 + b', "reason": "x"}',
    ],
    ids=["item-lists", "bare-lists", "objects", "nested-index-no"],
)
def test_a_deeply_nested_record_is_a_bad_record_in_one_line(
    kiosk_cache: ContentCache, src: Path, keypair: KeyPair, tmp_path: Path, line: bytes, workers: int
) -> None:
    from content_cache.feed import publish
    from tests.content_cache.feed.conftest import NOW

    out = tmp_path / "small-batches"
    publish(src, out, keypair.key_path, now=NOW, batch_size=10)
    path = _rewrite_batch(out, keypair, 3, line)
    _fails_in_one_line(
        kiosk_cache,
        lambda: sync(kiosk_cache, FolderTransport(out), keypair, tmp_path, workers=workers),
        f"{path} line 1",
    )


# --- zip bundles ----------------------------------------------------------------------------------------------------


def _bundle(out: Path, target: Path, change: str, member: str) -> Path:
    """The feed zipped; `member` marked encrypted or given an unknown compression method."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as bundle:
        for file in sorted(p for p in out.rglob("*") if p.is_file()):
            bundle.write(file, file.relative_to(out).as_posix())
    data = bytearray(target.read_bytes())
    with zipfile.ZipFile(target) as bundle:
        info = bundle.getinfo(member)
    local = info.header_offset
    central = _central_entry(data, member)
    if change == "encrypted":
        data[local + 6] |= 1
        data[central + 8] |= 1
    else:  # 98: PPMd, which zipfile cannot unpack
        data[local + 8 : local + 10] = (98).to_bytes(2, "little")
        data[central + 10 : central + 12] = (98).to_bytes(2, "little")
    target.write_bytes(bytes(data))
    return target


def _central_entry(data: bytearray, member: str) -> int:
    at = data.index(b"PK\x01\x02")
    while True:
        length = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + length] == member.encode():
            return at
        at = data.index(b"PK\x01\x02", at + 4)


@pytest.mark.parametrize("change,phrase", [("encrypted", "encrypted"), ("method", "compression method")])
@pytest.mark.parametrize("which", [MANIFEST, "batch"])
def test_an_encrypted_or_oddly_packed_bundle_member_is_one_line(
    kiosk_cache: ContentCache, out: Path, keypair: KeyPair, tmp_path: Path, change: str, phrase: str, which: str
) -> None:
    member = _first_batch(out, keypair) if which == "batch" else which
    bundle = _bundle(out, tmp_path / "feed.zip", change, member)
    _fails_in_one_line(kiosk_cache, lambda: sync(kiosk_cache, ZipTransport(bundle), keypair, tmp_path), member, phrase)


def test_a_zip_that_is_not_one_is_one_line(kiosk_cache: ContentCache, tmp_path: Path, keypair: KeyPair) -> None:
    bundle = tmp_path / "feed.zip"
    bundle.write_bytes(b"PK\x03\x04" + b"\xff" * 200)
    _fails_in_one_line(
        kiosk_cache, lambda: sync(kiosk_cache, ZipTransport(bundle), keypair, tmp_path), "not a readable zip bundle"
    )


# --- HTTP faults ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fault,which,phrases",
    [
        ("redirect-loop", MANIFEST, ("redirects without end",)),
        ("redirect-loop", "batch", ("redirects without end",)),
        ("bad-encoding", MANIFEST, ("Content-Encoding",)),
        ("bad-encoding", "batch", ("Content-Encoding",)),
        ("drop-half", MANIFEST, ("broke off", "gave up after 2 tries")),
        ("drop-half", "batch", ("broke off", "gave up after 2 tries")),
        ("stall", MANIFEST, ("did not answer in time",)),
        ("stall", "batch", ("did not answer in time",)),
        ("404", MANIFEST, ("HTTP 404",)),
        ("404", SIGNATURES, ("HTTP 404",)),
        ("500", MANIFEST, ("HTTP 500", "gave up")),
        ("500", "batch", ("HTTP 500", "gave up")),
        ("reset", MANIFEST, ("broke off",)),
    ],
)
def test_an_http_fault_is_one_line(
    kiosk_cache: ContentCache,
    out: Path,
    keypair: KeyPair,
    tmp_path: Path,
    fault: str,
    which: str,
    phrases: tuple[str, ...],
) -> None:
    path = _first_batch(out, keypair) if which == "batch" else which
    with serve(out) as server:
        server.faults[path] = fault  # type: ignore[assignment]
        server.stall_seconds = 2.0  # longer than the client's 1 s read timeout; the server thread ends by itself
        error = _fails_in_one_line(
            kiosk_cache,
            lambda: sync(kiosk_cache, http(server.url, tmp_path / "dl"), keypair, tmp_path),
            path,
            *phrases,
        )
    assert isinstance(error, TransportError)


def test_a_wrong_file_from_a_folder_blames_the_copy(
    kiosk_cache: ContentCache, out: Path, keypair: KeyPair, tmp_path: Path
) -> None:
    batch = _first_batch(out, keypair)
    data = (out / batch).read_bytes()
    (out / batch).write_bytes(bytes(b ^ 1 for b in data))
    error = _fails_in_one_line(
        kiosk_cache, lambda: sync(kiosk_cache, FolderTransport(out), keypair, tmp_path), batch, "SHA-256 differs"
    )
    assert isinstance(error, FileMismatch)
