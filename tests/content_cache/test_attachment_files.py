"""Attachments read back from the folder the sync keeps them in, checked against their SHA-256 and size."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from content_cache.attachments import AttachmentDamaged, AttachmentUnreadable, attachment_file, read_attachment
from content_cache.records import AttachmentRecord

DATA = "2008年政府信息公开统计表".encode() * 50


def _stored(folder: Path, data: bytes = DATA) -> AttachmentRecord:
    sha = hashlib.sha256(data).hexdigest()
    path = attachment_file(folder, sha)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return AttachmentRecord("统计表.pdf", sha, len(data), "application/pdf")


def test_a_stored_attachment_is_read_back_whole(tmp_path: Path) -> None:
    record = _stored(tmp_path)
    assert attachment_file(tmp_path, record.sha256) == tmp_path / record.sha256[:2] / record.sha256
    assert read_attachment(tmp_path, record) == DATA


def test_a_missing_file_is_unreadable(tmp_path: Path) -> None:
    record = AttachmentRecord("统计表.pdf", hashlib.sha256(DATA).hexdigest(), len(DATA))
    with pytest.raises(AttachmentUnreadable):
        read_attachment(tmp_path, record)


def test_a_folder_where_the_file_should_be_is_unreadable(tmp_path: Path) -> None:
    record = AttachmentRecord("统计表.pdf", hashlib.sha256(DATA).hexdigest(), len(DATA))
    attachment_file(tmp_path, record.sha256).mkdir(parents=True)
    with pytest.raises(AttachmentUnreadable):
        read_attachment(tmp_path, record)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-1],  # cut short
        lambda data: data + b"\0",  # grown
        lambda data: data[:-4] + b"XXXX",  # same size, other bytes
        lambda data: b"",  # emptied
    ],
)
def test_bytes_that_no_longer_match_are_damaged(tmp_path: Path, damage: object) -> None:
    record = _stored(tmp_path)
    assert callable(damage)
    attachment_file(tmp_path, record.sha256).write_bytes(damage(DATA))
    with pytest.raises(AttachmentDamaged):
        read_attachment(tmp_path, record)


def test_a_record_whose_size_disagrees_with_the_file_is_damaged(tmp_path: Path) -> None:
    record = _stored(tmp_path)
    with pytest.raises(AttachmentDamaged):
        read_attachment(tmp_path, AttachmentRecord(record.name, record.sha256, record.size + 1))
