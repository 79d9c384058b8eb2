"""Attachments' bytes on disk: the sync keeps each under its SHA-256, and a reader gets them back checked."""

from __future__ import annotations

import hashlib
from pathlib import Path

from content_cache.errors import AttachmentDamaged, AttachmentUnreadable
from content_cache.records import AttachmentRecord

__all__ = ["AttachmentDamaged", "AttachmentUnreadable", "attachment_file", "read_attachment"]


def attachment_file(store_dir: Path, sha256: str) -> Path:
    """Where the kiosk keeps an attachment's bytes."""
    return store_dir / sha256[:2] / sha256


def read_attachment(store_dir: Path, record: AttachmentRecord) -> bytes:
    """The attachment's bytes as the sync stored them, checked against their SHA-256 and size."""
    try:
        data = attachment_file(store_dir, record.sha256).read_bytes()
    except OSError as exc:
        raise AttachmentUnreadable(f"attachment {record.name}: {exc}") from exc
    if len(data) != record.size or hashlib.sha256(data).hexdigest() != record.sha256:
        raise AttachmentDamaged(f"attachment {record.name} does not match its SHA-256")
    return data
