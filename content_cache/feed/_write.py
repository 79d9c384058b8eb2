"""Writing feed files safely: deterministic gzip, temporary names, rename, fsync."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
from pathlib import Path

PARTIAL = ".partial"


def gzip_bytes(data: bytes) -> bytes:
    """Gzip with no time stamp and no file name, so the same input always gives the same bytes."""
    return gzip.compress(data, compresslevel=6, mtime=0)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` under a temporary name, sync it, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + PARTIAL)
    with tmp.open("wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(tmp, path)


def copy_atomic(source: Path, path: Path) -> None:
    """Copy a file into place the same way."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + PARTIAL)
    with source.open("rb") as src, tmp.open("wb") as dst:
        shutil.copyfileobj(src, dst, 1024 * 1024)
        dst.flush()
        os.fsync(dst.fileno())
    os.replace(tmp, path)


def sync_dirs(folders: set[Path]) -> None:
    """Make the renames in these folders durable."""
    for folder in sorted(folders):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
