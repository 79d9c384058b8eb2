"""Content that is not what it seems: out-of-range numbers, look-alike 索引号, text that hides itself.

Each value is tried twice through the real parts: in the publisher's input
(`publish` refuses it, naming the line), and in a feed signed by the trusted key
that carries it anyway (the sync refuses it before anything is applied, in one
line naming the field). One schema (content_cache.feed.schema) decides both.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from content_cache import ContentCache
from content_cache.errors import ContentError
from content_cache.feed import FeedError, publish
from content_cache.feed.format import MANIFEST, SIGNATURES
from content_cache.feed.keys import signature_file
from content_cache.records import clean_body, hiding_character, safe_for_terminal
from content_cache.sync.transport import FolderTransport
from tests.content_cache.feed.conftest import NOW, KeyPair
from tests.content_cache.feed.support import read_jsonl, resign, write_jsonl
from tests.content_cache.sync.test_sync import snapshot_of, sync

REAL = "003232741/2008-00001"  # the seed report's 索引号, in every demo feed

LOOK_ALIKE_INDEX_NOS = {
    "full-width digits": "003232741/２００８-00001",
    "full-width code": "００３２３２７４１/2008-00001",
    "arabic-indic digits": "003232741/٢٠٠٨-00001",
    "devanagari digits": "003232741/२००८-00001",
    "mathematical digits": "003232741/𝟐𝟎𝟎𝟖-00001",
    "trailing newline": REAL + "\n",
    "trailing CR": REAL + "\r",
    "trailing space": REAL + " ",
    "leading space": " " + REAL,
    "ideographic space": REAL + "\u3000",
    "zero-width space": "003232741/2008-\u200b00001",
    "lower-case letters": "91341300ma2tx6q85n/2020-00001",
    "cyrillic letter": "91341300МA2TX6Q85N/2020-00001",
    "full-width slash": "003232741／2008-00001",
    "non-breaking hyphen": "003232741/2008\u201100001",
}

HIDING_TITLES = {
    "zero-width only": "\u200b\u200b\u200b",
    "direction overrides only": "\u202e\u202d\u202c",
    "isolates only": "\u2066\u2069",
    "byte-order marks only": "\ufeff\ufeff",
    "hangul fillers only": "\u3164\u3164",
    "braille blanks": "\u2800\u2800",
    "spaces only": "\u3000 \u00a0",
    "NUL inside": "关于\x00印发的通知",
    "escape sequence": "关于\x1b[2J\x1b[31m印发的通知",
    "carriage return": "假标题\r关于印发的通知",
    "newline": "关于印发\n的通知",
    "bell": "通知\x07",
    "DEL": "通知\x7f",
    "C1 control": "通知\x9b31m",
    "override inside": "关于\u202e知通的发印",
    "line separator": "关于\u2028印发",
    "soft hyphen": "关于\u00ad印发",
    "tag characters": "通知\U000e0041\U000e0042",
}


def _row_change(field: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(row: dict[str, Any]) -> None:
        row[field] = value

    return change


# --- the same record, at publish and at sync -----------------------------------------------------------------------


def _publish_refuses(
    src: Path, tmp_path: Path, keypair: KeyPair, change: Callable[[dict[str, Any]], None], *phrases: str
) -> str:
    """Change the third item of the publisher's input; publish must refuse it, naming the line and `phrases`."""
    rows = read_jsonl(src / "items.jsonl")
    change(rows[2])
    write_jsonl(src / "items.jsonl", rows)
    with pytest.raises(FeedError) as caught:
        publish(src, tmp_path / "refused", keypair.key_path, now=NOW)
    message = str(caught.value)
    assert "\n" not in message and "items.jsonl line 3" in message, message
    for phrase in phrases:
        assert phrase in message, message
    assert not (tmp_path / "refused" / MANIFEST).exists()
    return message


def _signed_feed_with(out: Path, keypair: KeyPair, change: Callable[[dict[str, Any]], None]) -> str:
    """The published feed with its first snapshot record changed and the manifest signed again; its batch path."""
    manifest = json.loads((out / MANIFEST).read_bytes())
    entry = manifest["snapshot"]["batches"][0]
    lines = gzip.decompress((out / entry["path"]).read_bytes()).split(b"\n")
    record = json.loads(lines[0])
    change(record["item"])
    lines[0] = json.dumps(record, ensure_ascii=False).encode("utf-8")
    data = gzip.compress(b"\n".join(lines), mtime=0)
    (out / entry["path"]).write_bytes(data)
    entry.update(size=len(data), sha256=hashlib.sha256(data).hexdigest())
    body = json.dumps(manifest, ensure_ascii=False).encode("utf-8")
    (out / MANIFEST).write_bytes(body)
    (out / SIGNATURES).write_bytes(signature_file(body, [keypair.private]))
    return str(entry["path"])


def _sync_refuses(cache: ContentCache, out: Path, keypair: KeyPair, tmp_path: Path, *phrases: str) -> str:
    before = snapshot_of(cache)
    with pytest.raises(ContentError) as caught:
        sync(cache, FolderTransport(out), keypair, tmp_path)
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message, message
    for phrase in phrases:
        assert phrase in message, message
    assert snapshot_of(cache) == before
    return message


@pytest.mark.parametrize("index_no", LOOK_ALIKE_INDEX_NOS.values(), ids=LOOK_ALIKE_INDEX_NOS.keys())
def test_a_look_alike_index_no_is_refused_at_publish_and_at_sync(
    kiosk_cache: ContentCache, src: Path, out: Path, keypair: KeyPair, tmp_path: Path, index_no: str
) -> None:
    _publish_refuses(src, tmp_path, keypair, _row_change("index_no", index_no), "索引号", "CODE/YYYY-NNNNN")
    path = _signed_feed_with(out, keypair, _row_change("index_no", index_no))
    _sync_refuses(kiosk_cache, out, keypair, tmp_path, f"{path} line 1", "索引号")


@pytest.mark.parametrize("index_no", list(LOOK_ALIKE_INDEX_NOS.values())[:6], ids=list(LOOK_ALIKE_INDEX_NOS)[:6])
def test_a_withdrawal_of_a_look_alike_index_no_is_refused(
    kiosk_cache: ContentCache, src: Path, out: Path, keypair: KeyPair, tmp_path: Path, index_no: str
) -> None:
    sync(kiosk_cache, FolderTransport(out), keypair, tmp_path)
    rows = read_jsonl(src / "items.jsonl")
    write_jsonl(src / "items.jsonl", rows[1:])
    publish(src, out, keypair.key_path, now=NOW)  # sequence 2: a delta withdrawing one item
    manifest = json.loads((out / MANIFEST).read_bytes())
    entry = manifest["deltas"][0]["batches"][0]
    lines = gzip.decompress((out / entry["path"]).read_bytes()).split(b"\n")
    at = next(n for n, line in enumerate(lines) if b'"withdraw"' in line)
    lines[at] = json.dumps({"op": "withdraw", "index_no": index_no, "reason": "撤回"}, ensure_ascii=False).encode()
    data = gzip.compress(b"\n".join(lines), mtime=0)
    (out / entry["path"]).write_bytes(data)
    entry.update(size=len(data), sha256=hashlib.sha256(data).hexdigest())
    body = json.dumps(manifest, ensure_ascii=False).encode("utf-8")
    (out / MANIFEST).write_bytes(body)
    (out / SIGNATURES).write_bytes(signature_file(body, [keypair.private]))
    _sync_refuses(kiosk_cache, out, keypair, tmp_path, f"{entry['path']} line {at + 1}", "索引号")


@pytest.mark.parametrize("title", HIDING_TITLES.values(), ids=HIDING_TITLES.keys())
def test_a_title_that_hides_itself_is_refused_at_publish_and_at_sync(
    kiosk_cache: ContentCache, src: Path, out: Path, keypair: KeyPair, tmp_path: Path, title: str
) -> None:
    _publish_refuses(src, tmp_path, keypair, _row_change("title", title), "title")
    path = _signed_feed_with(out, keypair, _row_change("title", title))
    _sync_refuses(kiosk_cache, out, keypair, tmp_path, f"{path} line 1", "title")


@pytest.mark.parametrize(
    "field,value",
    [
        ("doc_no", "宿政\u202e〔2008〕1号"),
        ("doc_no", "宿政\x00〔2008〕1号"),
        ("subject", "财政\x1b[0m"),
        ("keywords", "预算\n决算"),
        ("genre", "\u200b通知"),
        ("source_url", "http://example.org/\x00"),
        ("publisher_code", "００３２３２７４１"),
        ("column_code", "annual-reports\n"),
    ],
)
def test_other_item_text_that_hides_itself_is_refused(
    kiosk_cache: ContentCache, src: Path, out: Path, keypair: KeyPair, tmp_path: Path, field: str, value: str
) -> None:
    _publish_refuses(src, tmp_path, keypair, _row_change(field, value), field)
    path = _signed_feed_with(out, keypair, _row_change(field, value))
    _sync_refuses(kiosk_cache, out, keypair, tmp_path, f"{path} line 1", field)


def test_a_body_keeps_its_lines_and_loses_its_control_characters(
    kiosk_cache: ContentCache, src: Path, out: Path, keypair: KeyPair, tmp_path: Path
) -> None:
    """Bodies come from word processors and OCR: control characters other than newline and tab are removed
    (at publish, and again at sync for a feed built by other tools), never shown."""
    dirty = "第一段\x00\x0c内容\r\n第二段\t缩进\x1b[2J\u202e完\x7f"
    assert clean_body(dirty) == "第一段内容\n第二段\t缩进[2J完"
    path = _signed_feed_with(out, keypair, _row_change("body", dirty))
    assert path
    sync(kiosk_cache, FolderTransport(out), keypair, tmp_path)
    bodies = {kiosk_cache.item(i).body for i in [REAL]}
    rows = read_jsonl(src / "items.jsonl")
    rows[0]["body"] = dirty
    write_jsonl(src / "items.jsonl", rows)
    publish(src, tmp_path / "clean", keypair.key_path, now=NOW)
    published = gzip.decompress(next((tmp_path / "clean" / "snapshots").rglob("*.gz")).read_bytes())
    assert b"\\u0000" not in published and b"\\f" not in published and "\u202e".encode() not in published
    assert all(hiding_character(b.replace("\n", "").replace("\t", "")) is None for b in bodies)


def test_a_publisher_name_that_hides_itself_is_refused(src: Path, tmp_path: Path, keypair: KeyPair) -> None:
    rows = read_jsonl(src / "publishers.jsonl")
    rows[1]["name"] = "\u202e府政民人市州宿"
    write_jsonl(src / "publishers.jsonl", rows)
    with pytest.raises(FeedError, match="publishers.jsonl line 2: name .* U\\+202E"):
        publish(src, tmp_path / "refused", keypair.key_path, now=NOW)


def test_a_catalogue_name_that_hides_itself_is_refused_at_sync(
    kiosk_cache: ContentCache, out: Path, keypair: KeyPair, tmp_path: Path
) -> None:
    manifest = json.loads((out / MANIFEST).read_bytes())
    entry = manifest["catalogue"]
    catalogue = json.loads(gzip.decompress((out / entry["path"]).read_bytes()))
    catalogue["publishers"][0]["name"] = "宿州市\x00人民政府"
    data = gzip.compress(json.dumps(catalogue, ensure_ascii=False).encode(), mtime=0)
    (out / entry["path"]).write_bytes(data)
    entry.update(size=len(data), sha256=hashlib.sha256(data).hexdigest())
    body = json.dumps(manifest, ensure_ascii=False).encode("utf-8")
    (out / MANIFEST).write_bytes(body)
    (out / SIGNATURES).write_bytes(signature_file(body, [keypair.private]))
    _sync_refuses(kiosk_cache, out, keypair, tmp_path, "publisher 1", "U+0000")


# --- numbers and dates out of range ---------------------------------------------------------------------------------


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A change to one manifest field, by a dotted path ("snapshot.batches.0.records")."""

    def change(manifest: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = manifest
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[int(last) if isinstance(node, list) else last] = value

    return change


@pytest.mark.parametrize(
    "change,phrase",
    [
        (_set("sequence", 2**63), "sequence is 9,223,372,036,854,775,808, outside the allowed range"),
        (_set("sequence", 10**400), "sequence is a number of 401 digits"),
        (_set("sequence", 0), "sequence is 0, outside"),
        (_set("sequence", 1.0), "sequence must be a whole number"),
        (_set("snapshot.sequence", 2**63), "sequence is 9,223,372,036,854,775,808"),
        (_set("snapshot.items", -5), "items is -5"),
        (_set("snapshot.items", 10**12), "items is 1,000,000,000,000"),
        (_set("catalogue.size", -1), "size is -1"),
        (_set("snapshot.batches.0.size", -100), "size is -100"),
        (_set("snapshot.batches.0.records", 2**64), "records is 18,446,744,073,709,551,616"),
        (_set("snapshot.batches.0.records", 0), "records is 0"),
        (_set("attachments", [{"sha256": "a" * 64, "size": 2**63}]), "size is 9,223,372,036,854,775,808"),
        (_set("generated_at", "9999-12-31T23:59:59Z"), "generated_at 9999-12-31T23:59:59Z is outside"),
        (_set("generated_at", "0001-01-01T00:00:00Z"), "generated_at 0001-01-01T00:00:00Z is outside"),
        (_set("generated_at", "２０２６-11-26T02:00:00Z"), "generated_at"),
        (_set("publisher", "\u202e\u200b"), "publisher"),
        (_set("deltas", [{"from": -1, "to": 1, "upserts": 0, "withdrawals": 0, "batches": []}]), "from is -1"),
        (_set("deltas", [{"from": 0, "to": 1, "upserts": 2**70, "withdrawals": 0, "batches": []}]), "upserts is"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_an_out_of_range_manifest_is_refused_before_anything_is_applied(
    kiosk_cache: ContentCache, out: Path, keypair: KeyPair, tmp_path: Path, change: Any, phrase: str
) -> None:
    resign(out, keypair.private, change)
    message = _sync_refuses(kiosk_cache, out, keypair, tmp_path, MANIFEST, phrase)
    assert len(message) < 400, message


@pytest.mark.parametrize("number", [b"1" + b"0" * 5000, b"1e400", b"-0", b"1.5e3"])
def test_a_number_no_reader_keeps_is_refused_in_one_line(
    kiosk_cache: ContentCache, out: Path, keypair: KeyPair, tmp_path: Path, number: bytes
) -> None:
    """5,000 digits (past Python's int limit), a float that overflows to infinity, minus zero, an exponent."""
    data = (out / MANIFEST).read_bytes()
    at = data.index(b'"sequence": ') + len(b'"sequence": ')
    data = data[:at] + number + data[data.index(b",", at) :]
    (out / MANIFEST).write_bytes(data)
    (out / SIGNATURES).write_bytes(signature_file(data, [keypair.private]))
    message = _sync_refuses(kiosk_cache, out, keypair, tmp_path, MANIFEST)
    assert len(message) < 300, message


@pytest.mark.parametrize(
    "field,value,phrase",
    [
        ("published_on", "0001-01-01", "published_on 0001-01-01 is outside the allowed dates"),
        ("published_on", "9999-12-31", "published_on 9999-12-31 is outside"),
        ("written_on", "1066-10-14", "written_on 1066-10-14 is outside"),
        ("effective_on", "２０２６-01-01", "effective_on"),
        ("published_on", "2008-12-30\n", "published_on"),
        (
            "attachments",
            [{"name": "a.pdf", "sha256": "a" * 64, "size": 2**63, "media_type": "application/pdf"}],
            "size is 9,223,372,036,854,775,808",
        ),
        (
            "attachments",
            [{"name": "a.pdf", "sha256": "a" * 64, "size": -1, "media_type": "application/pdf"}],
            "size is -1",
        ),
        (
            "attachments",
            [{"name": "\u202efdp.exe", "sha256": "a" * 64, "size": 1, "media_type": "application/pdf"}],
            "U+202E",
        ),
        (
            "attachments",
            [{"name": "a.pdf", "sha256": "a" * 64 + "\n", "size": 1, "media_type": "application/pdf"}],
            "sha256",
        ),
        ("title", "长" * 501, "title is 501 characters long"),
    ],
)
def test_an_out_of_range_record_is_refused_at_sync(
    kiosk_cache: ContentCache, out: Path, keypair: KeyPair, tmp_path: Path, field: str, value: Any, phrase: str
) -> None:
    path = _signed_feed_with(out, keypair, _row_change(field, value))
    _sync_refuses(kiosk_cache, out, keypair, tmp_path, f"{path} line 1", phrase)


@pytest.mark.parametrize(
    "field,value,phrase",
    [
        ("published_on", "0001-01-01", "outside the allowed dates"),
        ("written_on", "2300-01-01", "outside"),
        ("title", "长" * 501, "501 characters"),
    ],
)
def test_an_out_of_range_record_is_refused_at_publish(
    src: Path, tmp_path: Path, keypair: KeyPair, field: str, value: Any, phrase: str
) -> None:
    _publish_refuses(src, tmp_path, keypair, _row_change(field, value), field, phrase)


def test_an_out_of_range_column_position_is_refused_at_publish(src: Path, tmp_path: Path, keypair: KeyPair) -> None:
    rows = read_jsonl(src / "columns.jsonl")
    rows[0]["position"] = 2**63
    write_jsonl(src / "columns.jsonl", rows)
    with pytest.raises(FeedError, match="columns.jsonl line 1: position is 9,223,372,036,854,775,808, outside"):
        publish(src, tmp_path / "refused", keypair.key_path, now=NOW)


# --- what reaches a terminal ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,shown",
    [
        ("关于印发的通知", "关于印发的通知"),
        ("\x1b[2J\x1b[31m红", "\\x1b[2J\\x1b[31m红"),
        ("假\r真", "假\\r真"),
        ("一\n二", "一\\n二"),
        ("\u202e知通", "\\u202e知通"),
        ("零\u200b宽", "零\\u200b宽"),
        ("\x00\x07\x7f\x9b", "\\x00\\x07\\x7f\\x9b"),
        ("\u2028", "\\u2028"),
        ("标签\U000e0041", "标签\\U000e0041"),
    ],
)
def test_safe_for_terminal_shows_every_control_character_as_an_escape(text: str, shown: str) -> None:
    assert safe_for_terminal(text) == shown
    assert hiding_character(safe_for_terminal(text)) is None


def test_the_hiding_characters_are_exactly_the_control_format_and_separator_categories() -> None:
    """The written-out list in content_cache.records against this Python's Unicode database; beyond it, only
    code points this database does not assign yet (the list follows Unicode 15)."""
    expected = {c for c in map(chr, range(sys.maxunicode + 1)) if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")}
    found = {c for c in map(chr, range(sys.maxunicode + 1)) if hiding_character(c) is not None}
    assert expected <= found
    assert {unicodedata.category(c) for c in found - expected} <= {"Cn"}
