"""Backups of the state store, restoring one, and the job numbers found outside the store.

The state store is precious (print jobs, their numbers, usage figures, the
audit log): it is copied with SQLite's online backup API, safe while the
kiosk runs, into KIOSK_HOME/backups/state-<UTC time>.db, once a day by the
running kiosk (`DailyBackup`) and whenever staff run `kiosk backup`. Backups
older than `state.backup_days` days are removed, never the newest.

`kiosk restore [FILE]` puts back the newest backup (or FILE) while nothing
has the store open (the lock in kiosk/state.py), and keeps the store it
replaces beside it as state.db.replaced-<time>. `kiosk restore --fresh`
starts an empty store where one was lost.

A restored or fresh store holds fewer jobs than were made: `job_number_floor`
finds the highest job number in the spool folders and in every backup and
set-aside store, and the queue numbers new jobs above it.

This module loads no SQLAlchemy until a function needs it: the CLI imports it.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import logging
import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kiosk.config import Config
from kiosk.errors import KioskError

log = logging.getLogger(__name__)

BACKUPS = "backups"  # the folder in KIOSK_HOME
_BACKUP_NAME = re.compile(r"state-\d{8}T\d{6}Z(-\d+)?\.db")
_SPOOLED_JOB = re.compile(r"(\d{1,12})\.(pdf|escpos)")
DAY = 24 * 3600.0
RETRY_AFTER_FAILURE = 3600.0


class BackupError(KioskError):
    """A backup or a restore cannot be made; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Restored:
    """What a restore did: the backup put back, where the replaced store went, what the store now holds."""

    source: Path
    replaced: Path | None
    jobs: int
    highest: int


# -- where things are -----------------------------------------------------------------------


def backup_days(config: Config) -> int:
    """How many days backups are kept (`state.backup_days`, declared with its range in kiosk.config)."""
    return config.settings.state.backup_days


def backups_dir(config: Config) -> Path:
    """KIOSK_HOME/backups."""
    return config.home / BACKUPS


def state_file(config: Config) -> Path:
    """The state store's SQLite file; BackupError for a store that is another database."""
    from content_cache.db import sqlite_path
    from kiosk.bootstrap import state_url

    path = sqlite_path(state_url(config))
    if path is None:
        raise BackupError(
            "the state store is not an SQLite file (state.database): back it up with its database's own tools"
        )
    return path


def backups(folder: Path) -> list[Path]:
    """The backups in `folder`, oldest first."""
    try:
        return sorted(p for p in folder.iterdir() if _BACKUP_NAME.fullmatch(p.name))
    except FileNotFoundError:
        return []


# -- making and pruning backups ---------------------------------------------------------------


def make_backup(config: Config, at: datetime | None = None) -> Path:
    """Copy the state store into the backups folder (online, consistent); prune old backups; returns the copy."""
    from kiosk.bootstrap import open_state

    source = state_file(config)
    store = open_state(config)  # a lost or damaged store is refused as at every opening; the lock is held
    try:
        folder = backups_dir(config)
        folder.mkdir(parents=True, exist_ok=True)
        target = _free_name(folder, at or datetime.now(UTC))
        _copy_database(source, target)
    finally:
        store.close()
    prune(folder, backup_days(config), at)
    log.info("state store backed up to %s", target)
    return target


def _free_name(folder: Path, at: datetime) -> Path:
    stamp = at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = folder / f"state-{stamp}.db"
    n = 0
    while target.exists():
        n += 1
        target = folder / f"state-{stamp}-{n}.db"
    return target


def _copy_database(source: Path, target: Path) -> None:
    """SQLite's backup API into a temporary file, checked, synced, then renamed into place (never half a copy)."""
    temp = target.with_name(f".{target.name}.part")
    temp.unlink(missing_ok=True)
    try:
        with (
            contextlib.closing(sqlite3.connect(str(source))) as src,
            contextlib.closing(sqlite3.connect(str(temp))) as dst,
        ):
            src.execute("PRAGMA busy_timeout=10000")
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            found = dst.execute("PRAGMA quick_check").fetchone()
        if not found or found[0] != "ok":
            raise BackupError(f"the copy of {source} does not check out ({found[0] if found else '?'})")
        with open(temp, "rb") as stream:
            os.fsync(stream.fileno())
        os.replace(temp, target)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot copy the state store {source}: {exc}") from exc
    finally:
        temp.unlink(missing_ok=True)


def prune(folder: Path, keep_days: int, now: datetime | None = None) -> list[Path]:
    """Remove backups older than `keep_days` days, never the newest one; returns those removed."""
    limit = (now or datetime.now(UTC)).astimezone(UTC) - timedelta(days=keep_days)
    found = backups(folder)
    removed = [p for p in found[:-1] if _taken_at(p) < limit]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def _taken_at(path: Path) -> datetime:
    return datetime.strptime(path.name[6:22], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


class DailyBackup:
    """A daemon thread in the running kiosk: a backup when the newest is a day old (or there is none)."""

    def __init__(self, config: Config) -> None:
        self._config = config
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="daily-backup", daemon=True)

    def start(self) -> DailyBackup:
        """Start the thread (nothing happens for a state store that is not an SQLite file)."""
        from content_cache.db import sqlite_path

        if sqlite_path(_url(self._config)) is not None:
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def due_in(self) -> float:
        """Seconds until the next backup is due (0 or less: now)."""
        found = backups(backups_dir(self._config))
        if not found:
            return 0.0
        return (_taken_at(found[-1]).timestamp() + DAY) - time.time()

    def _loop(self) -> None:
        while not self._stop.is_set():
            wait = self.due_in()
            if wait <= 0:
                try:
                    make_backup(self._config)
                    wait = DAY
                except Exception as exc:  # a failed backup must not end the thread; it is logged
                    log.error("daily backup of the state store failed: %s", exc)
                    wait = RETRY_AFTER_FAILURE
            self._stop.wait(min(wait, RETRY_AFTER_FAILURE))


def _url(config: Config) -> str:
    from kiosk.bootstrap import state_url

    return state_url(config)


# -- job numbers outside the store ---------------------------------------------------------------


def job_number_floor(config: Config, spools: Iterable[Path] | None = None) -> int:
    """The highest job number found outside the state store: the number the queue keeps in its jobs folder as
    it gives one, spooled files, backups, stores set aside."""
    from kiosk.jobs import read_issued

    folders = list(spools) if spools is not None else _spool_folders(config)
    highest = max([read_issued(config.home / "jobs"), *(_highest_spooled(folder) for folder in folders)])
    for store in _other_stores(config):
        highest = max(highest, highest_job_number(store))
    return highest


def _spool_folders(config: Config) -> list[Path]:
    from printing.factory import parse_printers

    try:
        targets = parse_printers(config.settings.printing.document, config.settings.printing.receipt, config.home)
    except Exception:  # a bad printer setting is reported where the printers are opened
        return []
    return [target.folder for target in targets if target.folder is not None]


def _highest_spooled(folder: Path) -> int:
    try:
        names = os.listdir(folder)
    except OSError:
        return 0
    return max((int(m.group(1)) for name in names if (m := _SPOOLED_JOB.fullmatch(name))), default=0)


def _other_stores(config: Config) -> Iterator[Path]:
    """Every backup, and every state store set aside beside the store (damaged or replaced)."""
    from content_cache.db import sqlite_path

    yield from backups(backups_dir(config))
    path = sqlite_path(_url(config))
    if path is None:
        return
    with contextlib.suppress(OSError):
        for found in path.parent.iterdir():
            if found.name.startswith(path.name + ".") and not found.name.endswith(("-wal", "-shm", "-journal")):
                yield found


def highest_job_number(store: Path) -> int:
    """The highest job number in a state store file; 0 when it has none or cannot be read."""
    try:
        with contextlib.closing(sqlite3.connect(str(store))) as connection:
            connection.execute("PRAGMA query_only=1")
            found = connection.execute("SELECT max(id), count(*) FROM print_jobs").fetchone()
    except sqlite3.Error:
        return 0
    return int(found[0] or 0)


# -- restoring ----------------------------------------------------------------------------------


@contextlib.contextmanager
def hold_exclusive(home: Path) -> Iterator[None]:
    """The state store to this process alone: StateStoreBusy while the kiosk or any command has it open."""
    from kiosk.state import LOCK, StateStoreBusy

    home.mkdir(parents=True, exist_ok=True)
    with open(home / LOCK, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StateStoreBusy(
                f"the state store in {home} is in use (the kiosk is running, or another kiosk "
                "command is): close the kiosk first, then restore"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def restore_state(config: Config, source: Path | None = None) -> Restored:
    """Put back `source` (default: the newest backup) as the state store; the store it replaces is kept aside."""
    from content_cache.db import set_aside
    from kiosk.state import record_made

    path = state_file(config)
    chosen = source or _newest_backup(config)
    _check_backup(chosen, path)
    temp = path.with_name(f".{path.name}.restoring")
    with hold_exclusive(config.home):
        _copy_database(chosen, temp)
        replaced = set_aside(path, "replaced") if _exists_any(path) else None
        os.replace(temp, path)
        record_made(config.home, path)
    jobs, highest = _job_count(path)
    log.warning("state store %s restored from %s (replaced store kept as %s)", path, chosen, replaced)
    return Restored(chosen, replaced, jobs, highest)


def start_fresh(config: Config) -> Path | None:
    """Make an empty state store where one was lost or is damaged; returns where the old one was kept, if any."""
    from content_cache.db import set_aside
    from kiosk.bootstrap import open_state
    from kiosk.state import forget_made

    path = state_file(config)
    with hold_exclusive(config.home):
        replaced = set_aside(path, "replaced") if _exists_any(path) else None
        forget_made(config.home)
    open_state(config).close()  # makes it, and the marker that says so
    log.warning("state store %s made afresh (old store kept as %s)", path, replaced)
    return replaced


def _newest_backup(config: Config) -> Path:
    found = backups(backups_dir(config))
    if not found:
        raise BackupError(
            f"there is no backup of the state store in {backups_dir(config)}: give a backup file "
            "(`kiosk restore FILE`), or start an empty store with `kiosk restore --fresh`"
        )
    return found[-1]


def _check_backup(chosen: Path, path: Path) -> None:
    from content_cache.db import file_damage

    if not chosen.is_file():
        raise BackupError(f"{chosen} is not a file")
    if chosen.resolve() == path.resolve():
        raise BackupError(f"{chosen} is the state store itself; give a backup")
    damage = file_damage(chosen, full=True)
    if damage:
        raise BackupError(f"the backup {chosen} is damaged ({damage}); choose another (`kiosk restore FILE`)")
    try:
        with contextlib.closing(sqlite3.connect(str(chosen))) as connection:
            connection.execute("SELECT count(*) FROM print_jobs").fetchone()
    except sqlite3.Error as exc:
        raise BackupError(f"{chosen} is not a backup of the state store ({exc})") from exc


def _exists_any(path: Path) -> bool:
    return any(path.with_name(path.name + s).exists() for s in ("", "-wal", "-shm", "-journal"))


def _job_count(path: Path) -> tuple[int, int]:
    with contextlib.closing(sqlite3.connect(str(path))) as connection:
        found = connection.execute("SELECT count(*), max(id) FROM print_jobs").fetchone()
    return int(found[0] or 0), int(found[1] or 0)


# -- the commands -------------------------------------------------------------------------------


def cmd_backup(args: argparse.Namespace, config: Config) -> int:
    """Back up the state store now (safe while the kiosk runs); old backups are pruned."""
    target = make_backup(config)
    kept = backups(backups_dir(config))
    print(f"state store backed up to {target} ({len(kept)} backups kept, {backup_days(config)} days)")
    return 0


def cmd_restore(args: argparse.Namespace, config: Config) -> int:
    """Put back the newest backup of the state store, or FILE; with --fresh, start an empty store.

    Refused while the kiosk or another command has the store open. The store
    replaced is kept beside it as state.db.replaced-<time>.
    """
    if args.fresh:
        if args.file is not None:
            raise BackupError("give a backup FILE or --fresh, not both")
        replaced = start_fresh(config)
        kept = f"; the old store is kept as {replaced}" if replaced else ""
        print(
            f"an empty state store was made at {state_file(config)}{kept}; "
            f"job numbers continue above {job_number_floor(config)}"
        )
        return 0
    done = restore_state(config, args.file)
    kept = f"; the replaced store is kept as {done.replaced}" if done.replaced else ""
    print(
        f"state store restored from {done.source}: {done.jobs} print jobs, the newest numbered {done.highest:04d}{kept}"
    )
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`kiosk backup` and `kiosk restore`."""
    backup = sub.add_parser("backup", help="back up the state store now", description=cmd_backup.__doc__)
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="restore the state store from a backup", description=cmd_restore.__doc__)
    restore.add_argument(
        "file", nargs="?", type=Path, metavar="FILE", help="a backup file (default: the newest in KIOSK_HOME/backups)"
    )
    restore.add_argument(
        "--fresh",
        action="store_true",
        help="start an empty state store (job numbers still continue above every one issued)",
    )
    restore.set_defaults(func=cmd_restore)
