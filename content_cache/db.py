"""Opening a store: an SQLite (WAL) or other SQLAlchemy URL, migrated to head.

SQLite with several writers (the screens, the print worker, the CLI): a
deferred transaction that reads and then writes fails at once with "database
is locked" when another connection wrote in between (WAL's snapshot rule; the
busy timeout cannot help there). So a transaction that will write begins
IMMEDIATE, taking the write lock up front and waiting for it on the busy
timeout, while reads stay deferred and never block a writer. `writer(engine)`
is the engine whose transactions do that; other databases are unchanged.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 10_000  # how long a writer waits for another's write lock before giving up
BEGIN_MODE = "kiosk_sqlite_begin"  # execution option: DEFERRED (reads) or IMMEDIATE (writes)
_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+)$", re.MULTILINE)


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of an SQLite file."""
    return f"sqlite:///{path}"


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
