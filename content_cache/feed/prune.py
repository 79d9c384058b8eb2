"""Removing files that neither the new manifest nor the one before it names.

The previous manifest's files are kept one more publish, so a kiosk that read
the old manifest a moment ago can still fetch everything it names.
"""

from __future__ import annotations

from pathlib import Path

from content_cache.feed.format import ATTACHMENTS_DIR, CATALOGUE_DIR, DELTAS_DIR, SNAPSHOTS_DIR, SYNONYMS_DIR, Manifest

FOLDERS = (CATALOGUE_DIR, SNAPSHOTS_DIR, DELTAS_DIR, ATTACHMENTS_DIR, SYNONYMS_DIR)


def prune(out: Path, current: Manifest, previous: Manifest | None) -> tuple[str, ...]:
    """Delete unreferenced files (and leftover temporary files) under the feed's folders; returns their paths."""
    keep = {ref.path for ref in current.files()}
    if previous is not None:
        keep |= {ref.path for ref in previous.files()}
    removed = []
    for folder in FOLDERS:
        for path in sorted((out / folder).rglob("*")):
            relative = path.relative_to(out).as_posix()
            if path.is_file() and relative not in keep:
                path.unlink()
                removed.append(relative)
        _remove_empty_dirs(out / folder)
    return tuple(removed)


def _remove_empty_dirs(root: Path) -> None:
    if not root.is_dir():
        return
    for path in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        if not any(path.iterdir()):
            path.rmdir()
