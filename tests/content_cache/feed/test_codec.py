from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from content_cache.demo import annual_report_2008
from content_cache.feed import FeedError, FormatError, Limits, item_from_json, item_to_json
from content_cache.feed.codec import column_from_json, publisher_from_json
from content_cache.records import AttachmentRecord, ItemRecord, clean_body, shows_something

WHERE = "snapshots/7/items-0001.jsonl.gz line 12"
SEED = replace(
    annual_report_2008(),
    doc_no="宿政〔2008〕1号",
    abolished_on=date(2010, 1, 1),
    validity="abolished",
    attachments=(AttachmentRecord("附件1.pdf", "a" * 64, 1234, "application/pdf"),),
)

# Single-line text: anything but control, formatting and separator characters (the schema refuses those).
plain = st.characters(blacklist_categories=("Cc", "Cf", "Zl", "Zp", "Cs"))
titles = st.text(plain, min_size=1, max_size=200).filter(shows_something)
days = st.dates(min_value=date(1949, 10, 1), max_value=date(2100, 12, 31))


@settings(max_examples=50, deadline=None)
@given(title=titles, body=st.text(max_size=2000), doc_no=st.none() | st.text(plain, max_size=40), day=days)
def test_an_item_survives_the_round_trip(title: str, body: str, doc_no: str | None, day: date) -> None:
    """Every field comes back as it went, the body as it is stored (control characters but newline and tab out)."""
    rec = replace(SEED, title=title, body=body, doc_no=doc_no, published_on=day, keywords=title[:20])
    assert item_from_json(item_to_json(rec), WHERE) == replace(rec, body=clean_body(body))


def broken(**changes: Any) -> dict[str, Any]:
    obj = item_to_json(SEED)
    obj.update(changes)
    return obj


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        (broken(published_on="2008-13-45"), f"{WHERE}: published_on '2008-13-45' is not a date"),
        (broken(written_on="20081230"), "written_on '20081230' is not a date"),
        (broken(validity="repealed"), "validity 'repealed' is not one of abolished, amended, expired, valid"),
        (broken(index_no="../etc"), "索引号 '../etc' is not of the form CODE/YYYY-NNNNN"),
        (broken(title="   "), "title is empty"),
        (broken(title=7), "title must be text, not a number"),
        (broken(extra=1), "unknown field 'extra'"),
        ({k: v for k, v in item_to_json(SEED).items() if k != "published_on"}, "has no 'published_on' field"),
        (broken(attachments=[{"name": "a/b", "sha256": "a" * 64, "size": 1, "media_type": "x"}]), "slash"),
        (broken(attachments=[{"name": "a", "sha256": "xyz", "size": 1, "media_type": "x"}]), "not a SHA-256"),
        (broken(attachments=[{"name": "a", "sha256": "a" * 64, "size": True, "media_type": "x"}]), "whole number"),
        ([1, 2], "the item must be a JSON object"),
    ],
)
def test_a_broken_item_is_refused_with_where_and_what(obj: object, message: str) -> None:
    with pytest.raises(FormatError, match=message) as info:
        item_from_json(obj, WHERE)
    assert str(info.value).startswith(WHERE)


def test_publishers_and_columns_are_strict_too() -> None:
    assert publisher_from_json({"code": "1", "name": "n", "level": "city"}, "w").parent_code is None
    with pytest.raises(FormatError, match="w: a column has no 'position' field"):
        column_from_json({"code": "c", "name": "n", "parent_code": None}, "w")
    with pytest.raises(FormatError, match="position is -1, outside the allowed range 0 to 1,000,000"):
        column_from_json({"code": "c", "name": "n", "parent_code": None, "position": -1}, "w")


def test_limits_come_from_a_settings_mapping() -> None:
    assert Limits.from_mapping({"max_records": 10}) == Limits(max_records=10)
    with pytest.raises(FeedError, match="unknown feed limit 'max_cats'"):
        Limits.from_mapping({"max_cats": 1})
    with pytest.raises(FeedError, match="must be a positive whole number"):
        Limits.from_mapping({"max_records": 0})


def test_defaults_match_the_documented_limits() -> None:
    limits = Limits()
    assert (limits.max_manifest_bytes, limits.max_batch_bytes, limits.max_batch_uncompressed_bytes) == (
        2**20, 64 * 2**20, 512 * 2**20,
    )  # fmt: skip
    assert limits.max_record_bytes == 4 * 2**20
    assert (limits.max_attachment_bytes, limits.max_records) == (50 * 2**20, 5_000_000)
    assert isinstance(SEED, ItemRecord)


@pytest.mark.parametrize("validity", ["valid", "amended", "abolished", "expired"])
def test_every_validity_survives_the_round_trip(validity: str) -> None:
    record = replace(annual_report_2008(), validity=validity)  # type: ignore[arg-type]
    assert item_from_json(item_to_json(record), "items 1") == record
