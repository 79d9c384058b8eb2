"""Helpers for the feed tests: read a published feed back, re-sign a tampered manifest."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select

from content_cache import ContentCache
from content_cache.feed import FeedOp, Limits, Manifest, check_unique, read_batch, verify_file, verify_manifest
from content_cache.feed.format import MANIFEST, SIGNATURES, BatchRef
from content_cache.feed.keys import signature_file
from content_cache.models import Item
from content_cache.records import AttachmentRecord, ItemRecord

LIMITS = Limits()
ITEM_FIELDS = [name for name in ItemRecord.__slots__ if name != "attachments"]


def read_manifest(out: Path, trusted: list[Ed25519PublicKey], limits: Limits = LIMITS) -> Manifest:
    return verify_manifest((out / MANIFEST).read_bytes(), (out / SIGNATURES).read_bytes(), trusted, limits)


def read_ops(out: Path, batches: tuple[BatchRef, ...], limits: Limits = LIMITS) -> list[FeedOp]:
    """Every operation of a snapshot or a delta, each file verified first."""
    ops: list[FeedOp] = []
    for ref in batches:
        data = (out / ref.path).read_bytes()
        verify_file(data, ref, limits)
        ops.extend(read_batch(data, ref, limits))
    return list(check_unique(ops))


def cache_records(cache: ContentCache) -> dict[str, ItemRecord]:
    """Every item of a cache as a record, straight from the tables."""
    with cache.session() as session:
        items = session.scalars(select(Item).order_by(Item.id)).unique()
        return {
            i.index_no: ItemRecord(
                **{name: getattr(i, name) for name in ITEM_FIELDS},
                attachments=tuple(AttachmentRecord(a.name, a.sha256, a.size, a.media_type) for a in i.attachments),
            )
            for i in items
        }


def resign(out: Path, key: Ed25519PrivateKey, change: Callable[[dict[str, Any]], None]) -> bytes:
    """Apply `change` to manifest.json, write it, and sign the result as a publisher would."""
    manifest = json.loads((out / MANIFEST).read_bytes())
    change(manifest)
    data = json.dumps(manifest, ensure_ascii=False).encode("utf-8")
    (out / MANIFEST).write_bytes(data)
    (out / SIGNATURES).write_bytes(signature_file(data, [key]))
    return data


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
