"""The doctor's checks of the two stores: present, intact (PRAGMA quick_check), migrated; a sync run left
"running"; a large write-ahead log. Repairs: the run marked interrupted, the log written back, a damaged content
cache set aside. The state store is only ever named, never repaired."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from content_cache.db import sqlite_path
from kiosk.config import Config
from kiosk.doctor.finding import Finding, mib, read_only, read_write, sync_lock_if_free

WAL_WARN_BYTES = 64 * 1024**2  # a write-ahead log this large was not written back (a reader held it, or a kill)


@dataclass(frozen=True, slots=True)
class StoreHealth:
    """What reading an SQLite store found."""

    damage: str = ""  # why it cannot be used, "" when it can
    revisions: frozenset[str] = frozenset()
    rows: int | None = None


def store_health(path: Path, count_table: str) -> StoreHealth:
    """Open the file read-only, run PRAGMA quick_check, read its migration revision and count one table."""
    try:
        with closing(read_only(path)) as db:
            problems = [row[0] for row in db.execute("PRAGMA quick_check(5)") if row[0] != "ok"]
            if problems:
                return StoreHealth(damage="; ".join(problems)[:200])
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            revisions = (
                frozenset(r[0] for r in db.execute("SELECT version_num FROM alembic_version"))
                if "alembic_version" in tables
                else frozenset()
            )
            rows = db.execute(f"SELECT count(*) FROM {count_table}").fetchone()[0] if count_table in tables else None
            return StoreHealth(revisions=revisions, rows=rows)
    except sqlite3.DatabaseError as exc:
        return StoreHealth(damage=str(exc) or type(exc).__name__)


def _heads(script_location: str) -> frozenset[str] | None:
    from content_cache.db import _script_heads

    return _script_heads(script_location)


def _revision_finding(area: str, name: str, health: StoreHealth, location: str) -> Finding | None:
    heads = _heads(location)
    if heads is None or health.revisions == heads:
        return None
    if not health.revisions:
        return Finding("warn", area, f"{name} 尚未建立数据表", "下次启动时自动建立")
    return Finding(
        "warn",
        area,
        f"{name} 的结构版本为 {', '.join(sorted(health.revisions))}，本程序为 {', '.join(sorted(heads))}",
        "下次启动时自动升级；如果它来自更新版本的程序，请先升级程序",
    )


def content_findings(config: Config) -> Iterator[Finding]:
    """The content cache: present, readable, intact, migrated; damaged, it is set aside on --repair."""
    path = config.path("content.database", "content.db")
    feed = bool(config.settings.sync.source)
    if not path.exists():
        yield (
            Finding("warn", "内容缓存", f"{path} 不存在", "运行 kiosk sync 从内容源重建")
            if feed
            else Finding("ok", "内容缓存", f"{path} 尚未建立", "本机未配置内容源，启动时载入演示内容")
        )
        return
    health = store_health(path, "items")
    if health.damage:
        rebuild = "运行 kiosk sync 从内容源重建" if feed else "下次启动时载入演示内容"
        yield Finding(
            "fail",
            "内容缓存",
            f"{path} 已损坏（{health.damage}）",
            f"内容缓存可以重建：先把它移开，再{rebuild}",
            repair=lambda: _set_aside(path, rebuild),
        )
        return
    empty = feed and not health.rows
    yield _revision_finding("内容缓存", str(path), health, "content_cache:migrations") or (
        Finding(
            "fail",
            "内容缓存",
            f"{path} 完好但没有任何信息：读者看不到内容",
            "检查下面的内容源一项，然后运行 kiosk sync",
        )
        if empty
        else Finding("ok", "内容缓存", f"{path} 完好，共 {health.rows or 0} 条信息")
    )
    wal = _wal_finding("内容缓存", path)
    if wal:
        yield wal


def _set_aside(path: Path, rebuild: str) -> str:
    """Rename the damaged cache (and its -wal and -shm) out of the way, keeping it for a look."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.replace(aside.with_name(aside.name + suffix))
    path.replace(aside)
    return f"内容缓存：已把损坏的 {path.name} 移到 {aside}；{rebuild}"


def _wal_finding(area: str, path: Path) -> Finding | None:
    wal = path.with_name(path.name + "-wal")
    size = wal.stat().st_size if wal.exists() else 0
    if size < WAL_WARN_BYTES:
        return None
    return Finding(
        "warn",
        area,
        f"{path.name} 的预写日志（WAL）有 {mib(size)}，没有写回数据库",
        "写回后才释放磁盘空间",
        repair=lambda: _checkpoint(area, path),
    )


def _checkpoint(area: str, path: Path) -> str:
    with closing(read_write(path)) as db:
        busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    if busy:
        return f"{area}：{path.name} 正被使用，预写日志只写回了一部分；停止本机后再运行 kiosk doctor --repair"
    return f"{area}：已把 {path.name} 的预写日志写回数据库"


def state_findings(config: Config) -> Iterator[Finding]:
    """The state store: present (or new on a kiosk never used), intact, migrated; a sync run left 'running'."""
    from kiosk.bootstrap import state_url

    url = state_url(config)
    path = sqlite_path(url)
    if path is None:
        yield _server_state_finding(url)
        return
    if not path.exists():
        used = any((config.home / name).exists() for name in ("jobs", "content.db", "spool"))
        yield (
            Finding(
                "fail",
                "状态库",
                f"{path} 不存在，而本机用过（有打印或内容文件）",
                "打印记录和工作人员密码都在其中：请用 kiosk restore 从备份恢复 state.db，再启动本机",
            )
            if used
            else Finding("ok", "状态库", f"{path} 尚未建立", "首次启动时新建")
        )
        return
    health = store_health(path, "print_jobs")
    if health.damage:
        yield Finding(
            "fail",
            "状态库",
            f"{path} 已损坏（{health.damage}）",
            "打印记录和工作人员密码都在其中，不能重建：请停止本机，从备份恢复 state.db，不要删除它",
        )
        return
    yield _revision_finding("状态库", str(path), health, "kiosk:state_migrations") or Finding(
        "ok", "状态库", f"{path} 完好，共 {health.rows or 0} 个打印任务"
    )
    yield from _sync_run_findings(config, path)
    wal = _wal_finding("状态库", path)
    if wal:
        yield wal


def _server_state_finding(url: str) -> Finding:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    shown = make_url(url).render_as_string(hide_password=True)
    try:
        engine = create_engine(url, pool_pre_ping=True)
        with engine.connect() as connection:
            revisions = frozenset(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
        engine.dispose()
    except Exception as exc:  # any driver's error: the server is out of reach or not set up
        return Finding(
            "fail",
            "状态库",
            f"{shown} 连接不上或尚未建立（{type(exc).__name__}）",
            "请检查数据库服务器和 state.database 设置",
        )
    heads = _heads("kiosk:state_migrations")
    if heads is not None and revisions != heads:
        return Finding("warn", "状态库", f"{shown} 的结构版本与本程序不同", "下次启动时自动升级")
    return Finding("ok", "状态库", f"{shown} 可以连接")


def _sync_run_findings(config: Config, path: Path) -> Iterator[Finding]:
    with closing(read_only(path)) as db:
        running = db.execute("SELECT count(*) FROM sync_runs WHERE outcome = 'running'").fetchone()[0]
    if not running:
        return
    with sync_lock_if_free(config.home) as free:
        if not free:
            yield Finding("ok", "内容同步", "正在同步")
            return
    yield Finding(
        "warn",
        "内容同步",
        f"{running} 次同步被中断，仍记为“运行中”",
        "记为中断后不影响下一次同步",
        repair=lambda: _mark_interrupted(config, path),
    )


def _mark_interrupted(config: Config, path: Path) -> str:
    """Runs left 'running' while no sync holds the lock were killed: record them as the next sync would."""
    with sync_lock_if_free(config.home) as free:
        if not free:
            return "内容同步：正在同步，没有改动运行记录"
        with closing(read_write(path)) as db:
            db.execute("BEGIN IMMEDIATE")
            count = db.execute(
                "UPDATE sync_runs SET outcome = 'interrupted', error = ? WHERE outcome = 'running'",
                ("the process ended before the sync finished",),
            ).rowcount
            db.execute("COMMIT")
    return f"内容同步：已把 {count} 次被中断的同步记为 interrupted"
