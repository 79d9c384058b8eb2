"""The publisher's synonym list: published in the feed, synced over HTTP, used by search; hostile lists refused."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from content_cache import ContentCache, store
from content_cache.cache import PublisherSynonyms
from content_cache.feed import FeedError, FormatError, LimitExceeded, publish
from content_cache.feed.format import MANIFEST
from content_cache.sync import run
from content_cache.sync.transport import FolderTransport
from tests.content_cache.feed.conftest import NOW, KeyPair
from tests.content_cache.feed.support import (
    read_jsonl,
    read_manifest,
    resign,
    write_jsonl,
)
from tests.content_cache.sync.feed_server import serve
from tests.content_cache.sync.test_sync import http, snapshot_of, sync

BIANHE_ROAD = "003232864/2009-00102"  # 关于宿州市区汴河路改造项目建设的公告
HOUSING_FUND = "003233211/2010-00101"  # 关于进一步做好住房公积金工作的通知
FARMING = "003233115/2010-00101"  # 关于进一步做好农业综合开发工作的通知

FIRST_LIST = "\ufeff# the publisher's own names\r\n汴河路\t汴河大道\r\n\n 公积金\t住房储金 \t公积金\n"
SECOND_LIST = "农业综合开发\t农综开\n"


OWN_ITEMS = {  # the publisher's items these tests search for, among the demo catalogue's
    BIANHE_ROAD: ("关于宿州市区汴河路改造项目建设的公告", "汴河路改造项目于本年度开工建设，施工期间请绕行。"),
    HOUSING_FUND: ("关于进一步做好住房公积金工作的通知", "各单位应当按时足额缴存住房公积金。"),
    FARMING: ("关于进一步做好农业综合开发工作的通知", "做好农业综合开发项目的申报和管理工作。"),
}


@pytest.fixture
def src(exported: Path, tmp_path: Path) -> Path:
    """The exported publisher input with the items these tests search for in it."""
    folder = Path(shutil.copytree(exported, tmp_path / "src"))
    items = folder / "items.jsonl"
    rows = [row for row in read_jsonl(items) if row["index_no"] not in OWN_ITEMS]
    model, own = rows[0], []
    for index_no, (title, body) in OWN_ITEMS.items():
        code, rest = index_no.split("/")
        own.append(
            model
            | {
                "index_no": index_no,
                "publisher_code": code,
                "title": title,
                "body": body,
                "published_on": f"{rest[:4]}-06-01",
                "doc_no": None,
                "attachments": [],
                "source_url": model["source_url"].rsplit("/", 1)[0] + "/" + index_no,
                "column_code": "normative-documents",
            }
        )
    write_jsonl(items, [model, *own, *rows[1:]])  # near the top: a test drops the last rows
    return folder


def found(cache: ContentCache, query: str) -> set[str]:
    """The 索引号 a query finds as typed (no respelling, no looser tries)."""
    return {hit.index_no for hit in cache.search(query, 50, partial_ok=False).hits}


def publish_list(src: Path, out: Path, keys: KeyPair, text: str | None) -> Any:
    """Write (or, with None, remove) SRC/synonyms.tsv and publish."""
    path = src / "synonyms.tsv"
    if text is None:
        path.unlink(missing_ok=True)
    else:
        path.write_text(text, "utf-8")
    return publish(src, out, keys.key_path, now=NOW)


def state(cache: ContentCache) -> tuple[Any, ...]:
    """Content and list together: what a visitor sees, and the stored publisher list."""
    return snapshot_of(cache), cache.publisher_synonyms()


def test_a_publisher_abbreviation_finds_its_document_after_a_sync_and_a_new_list_changes_search(
    kiosk_cache: ContentCache, src: Path, out: Path, keypair: KeyPair, tmp_path: Path
) -> None:
    with serve(out) as server:
        sync(kiosk_cache, http(server.url, tmp_path / "dl"), keypair, tmp_path)
        assert read_manifest(out, [keypair.public]).format == 1  # no list yet: old kiosks still read the feed
        assert found(kiosk_cache, "汴河大道") == set() and kiosk_cache.publisher_synonyms() is None

        result = publish_list(src, out, keypair, FIRST_LIST)
        manifest = read_manifest(out, [keypair.public])
        assert (manifest.format, manifest.synonyms and manifest.synonyms.version) == (2, 1)
        assert "synonym list version 1 (2 groups)" in result.summary()
        report = sync(kiosk_cache, http(server.url, tmp_path / "dl"), keypair, tmp_path)
        assert (report.mode, report.sequence_after) == ("delta", 2)
        # From the next search on, in this process: the publisher's abbreviation, and a built-in group it extends.
        assert BIANHE_ROAD in found(kiosk_cache, "汴河大道")
        assert HOUSING_FUND in found(kiosk_cache, "住房储金")
        assert "汴河大道" in [c.word for c in kiosk_cache.candidates("bhdd")]
        respelt = kiosk_cache.search("汴河大到", 10)  # misspelt, read alike as the publisher's term
        assert respelt.respelt_from == "汴河大到" and BIANHE_ROAD in {hit.index_no for hit in respelt.hits}
        stored = kiosk_cache.publisher_synonyms()
        assert stored == PublisherSynonyms(1, 2, (("汴河路", "汴河大道"), ("公积金", "住房储金")))

        assert not publish_list(src, out, keypair, FIRST_LIST).changed  # the same list again: no change
        publish_list(src, out, keypair, SECOND_LIST)
        sync(kiosk_cache, http(server.url, tmp_path / "dl"), keypair, tmp_path)
        assert found(kiosk_cache, "汴河大道") == set() and found(kiosk_cache, "住房储金") == set()
        assert FARMING in found(kiosk_cache, "农综开")
        assert kiosk_cache.publisher_synonyms() == PublisherSynonyms(2, 3, (("农业综合开发", "农综开"),))

        publish_list(src, out, keypair, None)  # the list taken away: a format-2 feed without one
        manifest = read_manifest(out, [keypair.public])
        assert (manifest.format, manifest.synonyms, manifest.sequence) == (2, None, 4)
        sync(kiosk_cache, http(server.url, tmp_path / "dl"), keypair, tmp_path)
    assert kiosk_cache.publisher_synonyms() is None and found(kiosk_cache, "农综开") == set()
    assert not list((out / "synonyms").glob("2.*"))  # files of lists two publishes old are pruned


def test_a_format_1_feed_leaves_the_stored_list_alone(
    kiosk_cache: ContentCache, src: Path, out: Path, keypair: KeyPair, tmp_path: Path
) -> None:
    listed = tmp_path / "listed"
    publish_list(src, listed, keypair, FIRST_LIST)
    sync(kiosk_cache, FolderTransport(listed), keypair, tmp_path)
    before = kiosk_cache.publisher_synonyms()
    rows = read_jsonl(src / "items.jsonl")
    write_jsonl(src / "items.jsonl", rows[:-1])
    publish_list(src, out, keypair, None)  # the `out` feed never had a list: still format 1, at sequence 2
    assert read_manifest(out, [keypair.public]).format == 1
    report = sync(kiosk_cache, FolderTransport(out), keypair, tmp_path)
    assert (report.mode, report.sequence_after) == ("delta", 2)
    assert kiosk_cache.publisher_synonyms() == before and BIANHE_ROAD in found(kiosk_cache, "汴河大道")


def _replace_list(out: Path, keys: KeyPair, raw: bytes, groups: int = 1, packed: bytes | None = None) -> str:
    """Put `raw` (gzipped, or `packed` as it is) in place of the feed's list file, the manifest re-signed to match."""
    data = gzip.compress(raw, mtime=0) if packed is None else packed
    manifest = json.loads((out / MANIFEST).read_bytes())
    path = manifest["synonyms"]["path"]
    (out / path).write_bytes(data)

    def change(m: dict[str, Any]) -> None:
        m["synonyms"].update(size=len(data), sha256=hashlib.sha256(data).hexdigest(), groups=groups)

    resign(out, keys.private, change)
    return path


HOSTILE: dict[str, tuple[Callable[[], dict[str, Any]], type[FeedError], str]] = {
    "huge": (lambda: {"packed": os.urandom(2 * 1024 * 1024)}, LimitExceeded, "over the limit of 1,048,576"),
    "gzip bomb": (
        lambda: {"packed": gzip.compress(b"\n" * (16 * 1024 * 1024), mtime=0)},
        LimitExceeded,
        "unpacks to more than 1,048,576 bytes",
    ),
    "binary": (lambda: {"raw": bytes(range(256)) * 4}, FormatError, "binary data"),
    "not gzip": (lambda: {"packed": b"PK\x03\x04 not gzip at all"}, FormatError, "not valid gzip"),
    "not UTF-8": (lambda: {"raw": "汴河路\t汴河大道\n".encode("gbk")}, FormatError, "not UTF-8"),
    "long term": (
        lambda: {"raw": ("汴河路\t" + "路" * 10_000 + "\n").encode()},
        LimitExceeded,
        "line 1 term 2 is 10,000 characters long",
    ),
    "huge group": (
        lambda: {"raw": ("\t".join(f"路{n}" for n in range(5000)) + "\n").encode()},
        LimitExceeded,
        "a group of 5,000 terms",
    ),
    "too many groups": (
        lambda: {"raw": "".join(f"甲{n}\t乙{n}\n" for n in range(5001)).encode(), "groups": 5000},
        LimitExceeded,
        "more than 5,000 groups",
    ),
    "one term": (
        lambda: {"raw": "汴河路\t汴河大道\n汴河路\n".encode(), "groups": 2},
        FormatError,
        "line 2: a group needs two different terms",
    ),
    "control character": (lambda: {"raw": "汴河路\t汴河\x1b大道\n".encode()}, FormatError, "U+001B"),
    "newline in a term": (lambda: {"raw": "汴河路\t汴河\r大道\n".encode()}, FormatError, "U+000D"),
    "empty term": (lambda: {"raw": "汴河路\t\t汴河大道\n".encode()}, FormatError, "line 1 term 2 is empty"),
    "punctuation": (lambda: {"raw": "汴河路\t汴河;DROP\n".encode()}, FormatError, "';'"),
    "count differs": (lambda: {"raw": "汴河路\t汴河大道\n", "groups": 3}, FormatError, "the manifest says 3"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_list_is_refused_naming_the_file_and_nothing_changes(
    case: str, kiosk_cache: ContentCache, src: Path, out: Path, keypair: KeyPair, tmp_path: Path
) -> None:
    publish_list(src, out, keypair, FIRST_LIST)
    sync(kiosk_cache, FolderTransport(out), keypair, tmp_path)
    before = state(kiosk_cache)
    rows = read_jsonl(src / "items.jsonl")
    rows[0]["title"] = "关于汴河大道改造的通知"
    write_jsonl(src / "items.jsonl", rows)
    publish_list(src, out, keypair, SECOND_LIST)  # a new sequence, its content and list both changed
    make, error, message = HOSTILE[case]
    args = make()
    raw = args.pop("raw", b"")
    path = _replace_list(out, keypair, raw.encode() if isinstance(raw, str) else raw, **args)
    with pytest.raises(error) as caught:
        sync(kiosk_cache, FolderTransport(out), keypair, tmp_path)
    assert path in str(caught.value) and message in str(caught.value)
    assert state(kiosk_cache) == before
    assert BIANHE_ROAD in found(kiosk_cache, "汴河大道")  # the previous list still serves


def test_a_list_entry_in_a_format_1_manifest_is_refused(
    kiosk_cache: ContentCache, src: Path, out: Path, keypair: KeyPair, tmp_path: Path
) -> None:
    resign(
        out,
        keypair.private,
        lambda m: m.update(
            synonyms={"path": "synonyms/1.tsv.gz", "size": 1, "sha256": "0" * 64, "version": 1, "groups": 1}
        ),
    )
    with pytest.raises(FormatError, match="unknown field 'synonyms'"):
        sync(kiosk_cache, FolderTransport(out), keypair, tmp_path)
    assert kiosk_cache.feed_sequence() is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("汴河路\n", "synonyms.tsv line 1: a group needs two different terms"),
        ("# a comment\n汴河路\t汴河 大道\n", "synonyms.tsv line 2 term 2"),
        ("汴河路\t" + "路" * 21 + "\n", "synonyms.tsv line 1 term 2 is 21 characters long"),
    ],
)
def test_the_publisher_refuses_a_list_a_kiosk_would_refuse(
    text: str, message: str, src: Path, out: Path, keypair: KeyPair
) -> None:
    before = (out / MANIFEST).read_bytes()
    with pytest.raises(FeedError, match=message):
        publish_list(src, out, keypair, text)
    assert (out / MANIFEST).read_bytes() == before


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, and no handler catches it."""


@pytest.mark.parametrize("step", ["after the list", "after the content", "at the last fact"])
def test_a_sync_killed_between_its_steps_leaves_list_and_content_of_one_sequence(
    step: str,
    kiosk_cache: ContentCache,
    src: Path,
    out: Path,
    keypair: KeyPair,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    publish_list(src, out, keypair, FIRST_LIST)
    sync(kiosk_cache, FolderTransport(out), keypair, tmp_path)
    old, sequence = state(kiosk_cache), kiosk_cache.feed_sequence()
    rows = read_jsonl(src / "items.jsonl")
    write_jsonl(src / "items.jsonl", rows[:-3])
    publish_list(src, out, keypair, SECOND_LIST)
    real_store, real_apply, real_meta = run.store_publisher_synonyms, run._apply, store.set_meta

    def store_then_die(*args: Any) -> None:
        real_store(*args)
        raise Killed

    def apply_then_die(*args: Any) -> None:
        real_apply(*args)
        raise Killed

    def die_at_last_fact(session: Any, key: str, value: str) -> None:
        if key == store.UPDATED_ON:
            raise Killed
        real_meta(session, key, value)

    patches = {
        "after the list": (run, "store_publisher_synonyms", store_then_die),
        "after the content": (run, "_apply", apply_then_die),
        "at the last fact": (store, "set_meta", die_at_last_fact),
    }
    with monkeypatch.context() as patched:
        patched.setattr(*patches[step])
        with pytest.raises(Killed):
            sync(kiosk_cache, FolderTransport(out), keypair, tmp_path)
    assert state(kiosk_cache) == old
    assert kiosk_cache.publisher_synonyms() == PublisherSynonyms(1, sequence, old[1].groups)  # type: ignore[union-attr]
    sync(kiosk_cache, FolderTransport(out), keypair, tmp_path)  # a rerun completes
    assert kiosk_cache.publisher_synonyms() == PublisherSynonyms(2, sequence + 1, (("农业综合开发", "农综开"),))
    assert kiosk_cache.feed_sequence() == sequence + 1
    assert FARMING in found(kiosk_cache, "农综开")


def test_a_cache_open_elsewhere_uses_the_new_list_from_its_next_search(
    kiosk_cache: ContentCache, src: Path, out: Path, keypair: KeyPair, tmp_path: Path
) -> None:
    """The screens' cache and the nightly `kiosk sync` are separate connections (often separate processes)."""
    sync(kiosk_cache, FolderTransport(out), keypair, tmp_path)
    screens = ContentCache.open(tmp_path / "kiosk" / "content.db")
    try:
        assert found(screens, "汴河大道") == set()
        publish_list(src, out, keypair, FIRST_LIST)
        sync(kiosk_cache, FolderTransport(out), keypair, tmp_path)
        assert BIANHE_ROAD in found(screens, "汴河大道")
        assert "汴河大道" in [c.word for c in screens.candidates("bianhedadao")]
    finally:
        screens.close()
