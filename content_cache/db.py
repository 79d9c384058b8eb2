"""Opening a store: an SQLite (WAL) or other SQLAlchemy URL, migrated to head; checking an SQLite file.

SQLite with several writers (the screens, the print worker, the CLI): a
deferred transaction that reads and then writes fails at once with "database
is locked" when another connection wrote in between (WAL's snapshot rule; the
busy timeout cannot help there). So a transaction that will write begins
IMMEDIATE, taking the write lock up front and waiting for it on the busy
timeout, while reads stay deferred and never block a writer. `writer(engine)`
is the engine whose transactions do that; other databases are unchanged.

A path becomes a URL only through `sqlite_url`, which escapes it: a folder
named `a?b` or `p%41q` is that folder, not a query string or another name.
`file_damage` says whether an SQLite file is damaged, and `is_damage` whether
an error says so, so that each store can decide what a damaged file means to it.
"""

from __future__ import annotations

import ast
import os
import re
import sqlite3
from datetime import UTC, datetime
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 10_000  # how long a writer waits for another's write lock before giving up
BEGIN_MODE = "kiosk_sqlite_begin"  # execution option: DEFERRED (reads) or IMMEDIATE (writes)
_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+)$", re.MULTILINE)
SQLITE_MAGIC = b"SQLite format 3\x00"
# SQLITE_CORRUPT and SQLITE_NOTADB (with their extended codes in the low byte's upper bits)
_DAMAGE_CODES = frozenset({11, 26})
_DAMAGE_WORDS = ("file is not a database", "database disk image is malformed", "file is encrypted")


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of an SQLite file, the path escaped (`?`, `#`, `%` and `@` stay part of it)."""
    return URL.create("sqlite", database=str(path)).render_as_string(hide_password=False)


def sqlite_path(url: str) -> Path | None:
    """The file an SQLite URL names; None for another database, an in-memory one, or a URL that does not parse."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def is_damage(exc: BaseException) -> bool:
    """Whether `exc` (or what it wraps) is SQLite saying a file is not a database or is malformed."""
    inner = getattr(exc, "orig", None) or exc
    if not isinstance(inner, sqlite3.DatabaseError):
        return False
    code = getattr(inner, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in _DAMAGE_CODES:
        return True
    return any(words in str(inner) for words in _DAMAGE_WORDS)


def file_damage(path: Path, *, full: bool) -> str:
    """Why the SQLite file at `path` is damaged, or '' when it looks sound (or does not exist).

    Always: the header, and the size the header promises (a truncated file is
    shorter). With `full`, SQLite's own `quick_check` reads every page, which
    takes about a second for 150 MB; without it a page overwritten in the
    middle is found only when it is read.
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            header = stream.read(100)
    except FileNotFoundError:
        return ""
    if size == 0:
        return ""  # SQLite takes an empty file for a new database
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        return "not an SQLite database"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    counter_current = header[24:28] == header[92:96]  # the page count is valid only then
    # A write-ahead log with frames may hold the pages a checkpoint cut short: SQLite itself judges that file.
    if counter_current and pages * page_size > size and not _has_frames(path):
        return f"truncated: {size:,} of {pages * page_size:,} bytes"
    return _quick_check(path) if full else ""


def _has_frames(path: Path) -> bool:
    try:
        return path.with_name(path.name + "-wal").stat().st_size > 32  # a WAL header alone is 32 bytes
    except OSError:
        return False


def _quick_check(path: Path) -> str:
    """SQLite's `quick_check`, read-only: '' when it says ok, else its first findings.

    Read-only, so that closing it neither checkpoints a write-ahead log into a
    damaged file nor deletes the log: the file and its -wal go aside as found.
    """
    try:  # as_uri() escapes `?`, `#` and `%`
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        rows = connection.execute("PRAGMA quick_check(3)").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc) if is_damage(exc) else ""  # locked or busy is not damage
    finally:
        connection.close()
    # Each finding on one line, without the banner SQLite puts before a database's findings.
    findings = [
        " ".join(str(row[0]).split()).removeprefix("*** in database main *** ")
        for row in rows
        if row and row[0] != "ok"
    ]
    return "; ".join(findings)[:300]


def _on_sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    # pysqlite opens a transaction only before INSERT/UPDATE/DELETE, so CREATE TABLE
    # would commit on its own and a kill mid-migration would leave half a schema.
    # Take transactions out of its hands; `_on_sqlite_begin` emits BEGIN for every one.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    # The timeout first: switching a fresh file to WAL takes a lock another process may hold.
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    mode = connection.get_execution_options().get(BEGIN_MODE, "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str) -> Engine:
    """An engine; SQLite files get WAL, foreign keys, a busy timeout and transactional DDL."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def writer(engine: Engine) -> Engine:
    """The engine for transactions that write: on SQLite they begin IMMEDIATE; other databases as they are."""
    if engine.dialect.name != "sqlite":
        return engine
    return engine.execution_options(**{BEGIN_MODE: "IMMEDIATE"})


def run_migrations(engine: Engine, script_location: str) -> None:
    """Upgrade the store to the newest revision of the migrations in `script_location`.

    A store already at the newest revision is left as it is without loading
    alembic, which costs a large part of a second at every start.
    """
    heads = _script_heads(script_location)
    if heads is not None:
        with engine.connect() as connection:
            if _stored_heads(connection) == heads:
                return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", script_location)
    with writer(engine).begin() as connection:  # two processes starting at once migrate one after the other
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@cache
def _script_heads(script_location: str) -> frozenset[str] | None:
    """The head revisions of `package:folder` migrations, read from their files; None if they cannot be read."""
    package, _, folder = script_location.partition(":")
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    versions = Path(next(iter(spec.submodule_search_locations))) / folder / "versions"
    revisions: set[str] = set()
    parents: set[str] = set()
    try:
        for script in versions.glob("*.py"):
            found = dict(_REVISION_LINE.findall(script.read_text("utf-8")))
            if "revision" not in found:
                continue
            revisions.add(ast.literal_eval(found["revision"]))
            down = ast.literal_eval(found.get("down_revision", "None"))
            parents.update((down,) if isinstance(down, str) else down or ())
    except (OSError, ValueError, SyntaxError):
        return None
    return frozenset(revisions - parents) or None


def _stored_heads(connection: Connection) -> frozenset[str]:
    """The revisions the store says it is at (none for a new store)."""
    if not inspect(connection).has_table("alembic_version"):
        return frozenset()
    return frozenset(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def make_sessionmaker(engine: Engine, *, write: bool = False) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit; `write=True`: their transactions begin IMMEDIATE."""
    return sessionmaker(writer(engine) if write else engine, expire_on_commit=False)


def set_aside(path: Path, why: str, *, at: datetime | None = None) -> Path:
    """Rename an SQLite file and its -wal, -shm and -journal to `<name>.<why>-<UTC time>`; returns the new path.

    Nothing is deleted: staff or a developer may want the file. The store's
    connections must be closed first.
    """
    stamp = (at or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}.{why}-{stamp}")
    for n in range(1, 1000):
        if not aside.exists():
            break
        aside = path.with_name(f"{path.name}.{why}-{stamp}-{n}")
    for suffix in ("-wal", "-shm", "-journal"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            os.replace(companion, aside.with_name(aside.name + suffix))
    if path.exists():
        os.replace(path, aside)
    return aside
