"""manifest.json to and from its typed form, with every structural check a kiosk needs."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from content_cache.feed import schema as S
from content_cache.feed._fields import Fields, loads
from content_cache.feed.codec import Limits
from content_cache.feed.errors import FormatError, LimitExceeded
from content_cache.feed.format import (
    CATALOGUE_DIR,
    DELTAS_DIR,
    FORMAT_VERSION,
    FORMATS,
    MANIFEST,
    SNAPSHOTS_DIR,
    SYNONYMS_DIR,
    AttachmentRef,
    BatchRef,
    DeltaRef,
    FileRef,
    Manifest,
    SnapshotRef,
    SynonymsRef,
)  # fmt: skip

SAFE_PATH = re.compile(r"[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*", re.ASCII)  # used with fullmatch
TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z", re.ASCII)
TOP_FIELDS = ("format", "publisher", "generated_at", "sequence", "catalogue", "snapshot", "deltas", "attachments")
OPTIONAL_FIELDS = {1: (), 2: ("synonyms",)}  # by format version


def format_timestamp(moment: datetime) -> str:
    """UTC, to the second, with a Z (a naive datetime is taken as UTC)."""
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def manifest_to_json(m: Manifest) -> dict[str, Any]:
    """The JSON form of a manifest, keys in the documented order."""
    found = {
        "format": m.format, "publisher": m.publisher, "generated_at": format_timestamp(m.generated_at),
        "sequence": m.sequence, "catalogue": _file_json(m.catalogue),
        "snapshot": {"sequence": m.snapshot.sequence, "items": m.snapshot.items,
                     "batches": [_batch_json(b) for b in m.snapshot.batches]},
        "deltas": [_delta_json(d) for d in m.deltas],
        "attachments": [{"sha256": a.sha256, "size": a.size} for a in m.attachments],
    }  # fmt: skip
    if m.synonyms is not None:
        found["synonyms"] = {**_file_json(m.synonyms), "version": m.synonyms.version, "groups": m.synonyms.groups}
    return found


def manifest_to_bytes(m: Manifest) -> bytes:
    """The exact bytes of manifest.json (these are what is signed)."""
    return (json.dumps(manifest_to_json(m), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _file_json(ref: FileRef) -> dict[str, Any]:
    return {"path": ref.path, "size": ref.size, "sha256": ref.sha256}


def _batch_json(ref: BatchRef) -> dict[str, Any]:
    return {**_file_json(ref), "records": ref.records}


def _delta_json(d: DeltaRef) -> dict[str, Any]:
    return {"from": d.from_sequence, "to": d.to_sequence, "upserts": d.upserts, "withdrawals": d.withdrawals,
            "batches": [_batch_json(b) for b in d.batches]}  # fmt: skip


def _format_version(obj: object) -> int:
    """The manifest's format version; FormatError when this kiosk cannot read it (a manifest that is no JSON
    object is refused by `Fields`, with its own message)."""
    version = obj.get("format") if isinstance(obj, dict) else FORMAT_VERSION
    if type(version) is not int or version not in FORMATS:
        readable = " and ".join(map(str, FORMATS))
        raise FormatError(
            f"{MANIFEST}: format version {version!r} is not supported (this kiosk reads versions {readable}); "
            f"update the kiosk software or ask the publisher for a version {FORMAT_VERSION} feed"
        )
    return version


def parse_manifest(data: bytes, limits: Limits) -> Manifest:
    """Check and type manifest.json (its signature is checked elsewhere)."""
    if len(data) > limits.max_manifest_bytes:
        raise LimitExceeded(f"{MANIFEST} is {len(data):,} bytes, over the limit of {limits.max_manifest_bytes:,}")
    obj = loads(data, MANIFEST)
    version = _format_version(obj)
    f = Fields(obj, MANIFEST, "the manifest", TOP_FIELDS, OPTIONAL_FIELDS.get(version, ()))
    sequence = f.integer("sequence", S.SEQUENCE)
    synonyms = f.value.get("synonyms")
    manifest = Manifest(
        format=version, publisher=f.text("publisher", S.NAME), generated_at=_timestamp(f),
        sequence=sequence, catalogue=_file(f.value["catalogue"], CATALOGUE_DIR, "catalogue", limits),
        snapshot=_snapshot(f.value["snapshot"], limits),
        deltas=tuple(_delta(d, n, limits) for n, d in enumerate(f.array("deltas"), 1)),
        attachments=tuple(_attachment(a, n, limits) for n, a in enumerate(f.array("attachments"), 1)),
        synonyms=None if synonyms is None else _synonyms(synonyms, limits),
    )  # fmt: skip
    _check_consistent(manifest, limits)
    return manifest


def _timestamp(f: Fields) -> datetime:
    value = f.text("generated_at", S.TIMESTAMP_TEXT)
    try:
        if not TIMESTAMP.fullmatch(value):
            raise ValueError
        moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise f.fail(f"generated_at {value!r} is not a UTC time like 2026-11-26T02:00:00Z") from None
    if not S.PUBLISH_DAY.first <= moment.date() <= S.PUBLISH_DAY.last:
        raise f.fail(f"generated_at {value} is outside the allowed dates {S.PUBLISH_DAY.first} to {S.PUBLISH_DAY.last}")
    return moment


def safe_path(value: object, folder: str, what: str) -> str:
    """A relative path under `folder`, of plain segments; anything else is refused."""
    where = f"{MANIFEST}: the path of {what}"
    if not isinstance(value, str) or not value:
        raise FormatError(f"{where} must be non-empty text")
    if value.startswith("/") or "\\" in value or ":" in value:
        raise FormatError(f"{where}, {value!r}, is absolute or uses backslashes; paths must be relative, with /")
    if ".." in value.split("/") or "." in value.split("/"):
        raise FormatError(f"{where}, {value!r}, contains '.' or '..'; it must stay inside the feed folder")
    if not SAFE_PATH.fullmatch(value) or len(value) > 255:
        raise FormatError(f"{where}, {value!r}, may hold only letters, digits, '.', '_', '-' and '/'")
    if not value.startswith(folder + "/"):
        raise FormatError(f"{where}, {value!r}, is not under {folder}/")
    return value


def _file(obj: object, folder: str, what: str, limits: Limits) -> FileRef:
    f = Fields(obj, MANIFEST, what, ("path", "size", "sha256"))
    ref = FileRef(safe_path(f.value["path"], folder, what), f.integer("size", S.FILE_SIZE), f.sha256("sha256"))
    _check_size(ref, limits.max_batch_bytes, what)
    return ref


def _batch(obj: object, folder: str, what: str, limits: Limits) -> BatchRef:
    f = Fields(obj, MANIFEST, what, ("path", "size", "sha256", "records"))
    path = safe_path(f.value["path"], folder, what)
    ref = BatchRef(path, f.integer("size", S.FILE_SIZE), f.sha256("sha256"), f.integer("records", S.RECORDS))
    _check_size(ref, limits.max_batch_bytes, what)
    return ref


def _synonyms(obj: object, limits: Limits) -> SynonymsRef:
    """The synonym list's entry: a file under synonyms/, no larger than the list limit."""
    f = Fields(obj, MANIFEST, "the synonym list", ("path", "size", "sha256", "version", "groups"))
    path = safe_path(f.value["path"], SYNONYMS_DIR, "the synonym list")
    groups = f.integer("groups", S.GROUPS)
    ref = SynonymsRef(path, f.integer("size", S.FILE_SIZE), f.sha256("sha256"), f.integer("version", S.VERSION), groups)
    _check_size(ref, limits.max_synonyms_bytes, "the synonym list")
    if groups > limits.max_synonym_groups:
        raise LimitExceeded(f"{MANIFEST}: the synonym list ({path}) declares {groups:,} groups, over the limit "
                            f"of {limits.max_synonym_groups:,}")  # fmt: skip
    return ref


def _check_size(ref: FileRef, limit: int, what: str) -> None:
    if ref.size > limit:
        raise LimitExceeded(f"{MANIFEST}: {what} ({ref.path}) is {ref.size:,} bytes, over the limit of {limit:,}")


def _snapshot(obj: object, limits: Limits) -> SnapshotRef:
    f = Fields(obj, MANIFEST, "the snapshot", ("sequence", "items", "batches"))
    batches = tuple(
        _batch(b, SNAPSHOTS_DIR, f"snapshot batch {n}", limits) for n, b in enumerate(f.array("batches"), 1)
    )
    return SnapshotRef(f.integer("sequence", S.SEQUENCE), f.integer("items", S.COUNT), batches)


def _delta(obj: object, number: int, limits: Limits) -> DeltaRef:
    f = Fields(obj, MANIFEST, f"delta {number}", ("from", "to", "upserts", "withdrawals", "batches"))
    batches = tuple(
        _batch(b, DELTAS_DIR, f"delta {number} batch {n}", limits) for n, b in enumerate(f.array("batches"), 1)
    )
    return DeltaRef(
        f.integer("from", S.FROM_SEQUENCE),
        f.integer("to", S.SEQUENCE),
        f.integer("upserts", S.COUNT),
        f.integer("withdrawals", S.COUNT),
        batches,
    )


def _attachment(obj: object, number: int, limits: Limits) -> AttachmentRef:
    f = Fields(obj, MANIFEST, f"attachment {number}", ("sha256", "size"))
    ref = AttachmentRef.of(f.sha256("sha256"), f.integer("size", S.FILE_SIZE))
    _check_size(ref, limits.max_attachment_bytes, f"attachment {number}")
    return ref


def _check_consistent(m: Manifest, limits: Limits) -> None:
    """Counts add up, deltas form one chain ending at `sequence`, no path appears twice."""
    if m.snapshot.sequence != m.sequence:
        raise FormatError(f"{MANIFEST}: the snapshot is of sequence {m.snapshot.sequence}, not {m.sequence}")
    _check_records(sum(b.records for b in m.snapshot.batches), m.snapshot.items, "the snapshot", limits)
    expected_to = m.sequence
    for n, d in enumerate(m.deltas, 1):
        if d.to_sequence != expected_to or d.from_sequence >= d.to_sequence:
            raise FormatError(
                f"{MANIFEST}: delta {n} runs from {d.from_sequence} to {d.to_sequence}; the deltas must "
                f"form one chain, newest first, ending at sequence {m.sequence}"
            )
        _check_records(sum(b.records for b in d.batches), d.upserts + d.withdrawals, f"delta {n}", limits)
        expected_to = d.from_sequence
    paths = [ref.path for ref in m.files()]
    if len(set(paths)) != len(paths):
        twice = next(p for p in paths if paths.count(p) > 1)
        raise FormatError(f"{MANIFEST}: the file {twice} is named twice")


def _check_records(found: int, declared: int, what: str, limits: Limits) -> None:
    if found != declared:
        raise FormatError(f"{MANIFEST}: {what} declares {declared} records but its batches hold {found}")
    if declared > limits.max_records:
        raise LimitExceeded(f"{MANIFEST}: {what} holds {declared:,} records, over the limit of {limits.max_records:,}")
