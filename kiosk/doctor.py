"""`kiosk doctor`: the settings, both stores, the feed, the printers and the disk, checked and said in plain words.

Each check gives findings of three levels: 正常 (ok), 注意 (worth a look; the kiosk
runs) and 故障 (something is wrong; the exit status is 1). A finding may carry a
repair that is safe at any time: marking a sync run that was killed "interrupted",
clearing the sync's download staging, writing a large write-ahead log back into
its database, setting a damaged content cache aside (it is disposable: the feed or
the demo content rebuilds it). The state store is precious: it is never repaired
or replaced here, only named with what to do.

The checks only read: a store that is missing is not created, and nothing is
migrated. They open the SQLite files directly, read-only, so that a damaged file
is reported with its name instead of tracing back.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from kiosk.config import Config, Problem

Level = Literal["ok", "warn", "fail"]
LABELS: dict[Level, str] = {"ok": "正常", "warn": "注意", "fail": "故障"}
DISK_WARN_BYTES = 1024**3  # below 1 GiB free: a warning
DISK_FAIL_BYTES = 200 * 1024**2  # below 200 MiB free: print jobs and the sync start failing
WAL_WARN_BYTES = 64 * 1024**2  # a write-ahead log this large was not written back (a reader held it, or a kill)
SYNC_STALE_HOURS = 48.0  # a nightly sync: two nights without a success is worth a look
FEED_TIMEOUT = 5.0
STAGING = ("sync", "downloads")


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing found: its level, where, what (Chinese, for staff), what to do, and a safe repair if any."""

    level: Level
    area: str
    what: str
    todo: str = ""
    repair: Callable[[], str] | None = None  # does the repair, returns what it did (Chinese)

    @property
    def line(self) -> str:
        """`[故障] 状态库：…；…` on one line."""
        todo = f"。{self.todo}" if self.todo else ""
        offer = "（kiosk doctor --repair 可以修复）" if self.repair and self.level != "ok" else ""
        return _one_line(f"[{LABELS[self.level]}] {self.area}：{self.what}{todo}{offer}")


def _one_line(text: str) -> str:
    """Control characters (from a file name, a feed, an error) shown escaped, never sent to the terminal."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def run_doctor(config: Config, *, repair: bool = False, out: Callable[[str], None] = print) -> int:
    """Check everything and print one line per finding; with `repair`, repair what is safe and check again.
    Returns the exit status: 1 when something is wrong (故障), else 0."""
    findings = diagnose(config)
    if repair:
        done = [_repaired(f) for f in findings if f.repair is not None]
        for line in done or ["没有需要修复的项目"]:
            out(_one_line(f"[修复] {line}"))
        if done:
            findings = diagnose(config)
    for finding in findings:
        out(finding.line)
    failed = sum(f.level == "fail" for f in findings)
    warned = sum(f.level == "warn" for f in findings)
    if failed or warned:
        out(f"共 {failed} 项故障、{warned} 项需要注意。" + ("" if repair else "可以先运行 kiosk doctor --repair。"
                                                          if any(f.repair for f in findings) else ""))
    else:
        out("检查完毕：一切正常。")
    return 1 if failed else 0


def _repaired(finding: Finding) -> str:
    assert finding.repair is not None
    try:
        return finding.repair()
    except Exception as exc:  # noqa: BLE001 - a repair that fails is reported, and the check after it says the rest
        return f"{finding.area}：未能修复（{type(exc).__name__}: {exc}）"


def diagnose(config: Config) -> list[Finding]:
    """Every check, in the order staff read them."""
    checks: tuple[Callable[[Config], Iterator[Finding]], ...] = (
        settings_findings, content_findings, state_findings, feed_findings, printer_findings, disk_findings)
    found: list[Finding] = []
    for check in checks:
        try:
            found += list(check(config))
        except Exception as exc:  # noqa: BLE001 - one check that breaks must not hide the others
            found.append(Finding("fail", check.__name__.removesuffix("_findings"),
                                 f"检查时出错（{type(exc).__name__}: {exc}）", "请把 logs/kiosk.log 交给维护人员"))
    return found


# -- settings ------------------------------------------------------------------------------------------------------

def settings_findings(config: Config) -> Iterator[Finding]:
    """Every setting in range, the printer URIs well formed, the font present."""
    from kiosk.bootstrap import CheckedSettings, check_settings
    from printing.fonts import find_cjk_font

    for problem in config.problems:
        if isinstance(problem, Problem):
            yield Finding("fail", "设置", f"{problem.key} = {problem.given}（{problem.origin}）不可用，应为 "
                          f"{problem.allowed}", "请在 kiosk.toml 或环境变量中改正，改正前本机不会启动")
        else:
            yield Finding("fail", "设置", f"配置文件有误：{problem}", "请改正 kiosk.toml，改正前本机不会启动")
    try:
        checked: CheckedSettings = check_settings(config)
    except Exception as exc:  # noqa: BLE001 - a ConfigError, or no font at all
        yield Finding("fail", "设置", str(exc), "请改正设置（打印机地址、字体），改正前本机不会启动")
        return
    wanted = config.settings.display.font
    if wanted and Path(wanted).expanduser() != checked.font:
        yield Finding("warn", "设置", f"display.font 指定的字体 {wanted} 不存在，改用了 {checked.font}",
                      "请改正 display.font，或留空")
    if not config.problems:
        yield Finding("ok", "设置", f"全部设置都在允许范围内（kiosk config 列出每一项），字体 {find_cjk_font(wanted or None)}")


# -- stores ------------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class StoreHealth:
    """What reading an SQLite store found."""

    damage: str = ""  # why it cannot be used, "" when it can
    revisions: frozenset[str] = frozenset()
    rows: int | None = None


def _read_only(path: Path) -> sqlite3.Connection:
    """The file opened read-only (never created); its name may hold '?' or '%', so it is quoted into the URI."""
    return sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=5)


def _read_write(path: Path) -> sqlite3.Connection:
    """The existing file opened for a repair (never created), transactions in our hands."""
    return sqlite3.connect(f"file:{quote(str(path))}?mode=rw", uri=True, timeout=10, isolation_level=None)


def store_health(path: Path, count_table: str) -> StoreHealth:
    """Open the file read-only, run PRAGMA quick_check, read its migration revision and count one table."""
    try:
        with closing(_read_only(path)) as db:
            problems = [row[0] for row in db.execute("PRAGMA quick_check(5)") if row[0] != "ok"]
            if problems:
                return StoreHealth(damage="; ".join(problems)[:200])
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            revisions = frozenset(r[0] for r in db.execute("SELECT version_num FROM alembic_version")
                                  ) if "alembic_version" in tables else frozenset()
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
    return Finding("warn", area, f"{name} 的结构版本为 {', '.join(sorted(health.revisions))}，本程序为 "
                   f"{', '.join(sorted(heads))}", "下次启动时自动升级；如果它来自更新版本的程序，请先升级程序")


def content_findings(config: Config) -> Iterator[Finding]:
    """The content cache: present, readable, intact, migrated; damaged, it is set aside on --repair."""
    path = config.path("content.database", "content.db")
    feed = bool(config.settings.sync.source)
    if not path.exists():
        yield (Finding("warn", "内容缓存", f"{path} 不存在", "运行 kiosk sync 从内容源重建") if feed else
               Finding("ok", "内容缓存", f"{path} 尚未建立", "本机未配置内容源，启动时载入演示内容"))
        return
    health = store_health(path, "items")
    if health.damage:
        rebuild = "运行 kiosk sync 从内容源重建" if feed else "下次启动时载入演示内容"
        yield Finding("fail", "内容缓存", f"{path} 已损坏（{health.damage}）",
                      f"内容缓存可以重建：先把它移开，再{rebuild}", repair=lambda: _set_aside(path, rebuild))
        return
    yield _revision_finding("内容缓存", str(path), health, "content_cache:migrations") or Finding(
        "ok", "内容缓存", f"{path} 完好，共 {health.rows or 0} 条信息")
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
    return Finding("warn", area, f"{path.name} 的预写日志（WAL）有 {_mib(size)}，没有写回数据库",
                   "写回后才释放磁盘空间", repair=lambda: _checkpoint(area, path))


def _checkpoint(area: str, path: Path) -> str:
    with closing(_read_write(path)) as db:
        busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    if busy:
        return f"{area}：{path.name} 正被使用，预写日志只写回了一部分；停止本机后再运行 kiosk doctor --repair"
    return f"{area}：已把 {path.name} 的预写日志写回数据库"


def _mib(size: int) -> str:
    return f"{size / 1024**2:.1f} MiB" if size < 1024**3 else f"{size / 1024**3:.1f} GiB"


def state_findings(config: Config) -> Iterator[Finding]:
    """The state store: present (or new on a kiosk never used), intact, migrated; a sync run left 'running'."""
    from kiosk.bootstrap import state_url

    url = state_url(config)
    if not url.startswith("sqlite:///"):
        yield _server_state_finding(url)
        return
    path = Path(url.removeprefix("sqlite:///"))
    if not path.exists():
        used = any((config.home / name).exists() for name in ("jobs", "content.db", "spool"))
        yield (Finding("fail", "状态库", f"{path} 不存在，而本机用过（有打印或内容文件）",
                       "打印记录和工作人员密码都在其中：请先从备份恢复 state.db，再启动本机") if used else
               Finding("ok", "状态库", f"{path} 尚未建立", "首次启动时新建"))
        return
    health = store_health(path, "print_jobs")
    if health.damage:
        yield Finding("fail", "状态库", f"{path} 已损坏（{health.damage}）",
                      "打印记录和工作人员密码都在其中，不能重建：请停止本机，从备份恢复 state.db，不要删除它")
        return
    yield _revision_finding("状态库", str(path), health, "kiosk:state_migrations") or Finding(
        "ok", "状态库", f"{path} 完好，共 {health.rows or 0} 个打印任务")
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
    except Exception as exc:  # noqa: BLE001 - any driver's error: the server is out of reach or not set up
        return Finding("fail", "状态库", f"{shown} 连接不上或尚未建立（{type(exc).__name__}）",
                       "请检查数据库服务器和 state.database 设置")
    heads = _heads("kiosk:state_migrations")
    if heads is not None and revisions != heads:
        return Finding("warn", "状态库", f"{shown} 的结构版本与本程序不同", "下次启动时自动升级")
    return Finding("ok", "状态库", f"{shown} 可以连接")


@contextmanager
def _sync_lock_if_free(home: Path) -> Iterator[bool]:
    """The sync lock held for the block when no sync holds it; False (and nothing held) when one does."""
    from kiosk.sync import SyncBusy, sync_lock

    try:
        with sync_lock(home):
            yield True
    except SyncBusy:
        yield False


def _sync_run_findings(config: Config, path: Path) -> Iterator[Finding]:
    with closing(_read_only(path)) as db:
        running = db.execute("SELECT count(*) FROM sync_runs WHERE outcome = 'running'").fetchone()[0]
    if not running:
        return
    with _sync_lock_if_free(config.home) as free:
        if not free:
            yield Finding("ok", "内容同步", "正在同步")
            return
    yield Finding("warn", "内容同步", f"{running} 次同步被中断，仍记为“运行中”", "记为中断后不影响下一次同步",
                  repair=lambda: _mark_interrupted(config, path))


def _mark_interrupted(config: Config, path: Path) -> str:
    """Runs left 'running' while no sync holds the lock were killed: record them as the next sync would."""
    with _sync_lock_if_free(config.home) as free:
        if not free:
            return "内容同步：正在同步，没有改动运行记录"
        with closing(_read_write(path)) as db:
            db.execute("BEGIN IMMEDIATE")
            count = db.execute("UPDATE sync_runs SET outcome = 'interrupted', error = ? WHERE outcome = 'running'",
                               ("the process ended before the sync finished",)).rowcount
            db.execute("COMMIT")
    return f"内容同步：已把 {count} 次被中断的同步记为 interrupted"


# -- the feed ------------------------------------------------------------------------------------------------------

def feed_findings(config: Config) -> Iterator[Finding]:
    """The feed: configured, its keys readable, its source answering with a feed; the last sync's result and age."""
    source = config.settings.sync.source
    if not source:
        yield Finding("ok", "内容源", "未配置（sync.source 为空）", "本机显示演示内容；正式使用前请配置内容源")
        return
    yield from _key_findings(config)
    yield _source_finding(source)
    yield from _last_sync_findings(config)
    yield from _staging_findings(config)


def _key_findings(config: Config) -> Iterator[Finding]:
    from content_cache.feed import load_public_key

    keys = [k.strip() for k in config.settings.sync.trusted_keys.split(",") if k.strip()]
    if not keys:
        yield Finding("fail", "内容源", "未配置发布方公钥（sync.trusted_keys）", "没有公钥无法核验内容，同步不会进行")
    for key in keys:
        try:
            load_public_key(Path(key).expanduser())
        except Exception as exc:  # noqa: BLE001 - missing, unreadable or not a key: all mean the same to staff
            yield Finding("fail", "内容源", f"发布方公钥 {key} 无法使用（{exc}）", "请向发布方索取公钥文件并改正 sync.trusted_keys")


def _source_finding(source: str) -> Finding:
    from content_cache.feed.format import MANIFEST

    if source.startswith(("http://", "https://")):
        return _http_source_finding(source.rstrip("/") + "/" + MANIFEST)
    path = Path(source).expanduser()
    if path.is_dir():
        found = (path / MANIFEST).is_file()
        return (Finding("ok", "内容源", f"文件夹 {path} 可以读取") if found else
                Finding("fail", "内容源", f"文件夹 {path} 中没有 {MANIFEST}", "请确认 U 盘已插好、路径指向内容源文件夹"))
    if path.is_file():
        import zipfile

        try:
            with zipfile.ZipFile(path) as bundle:
                named = any(name.rsplit("/", 1)[-1] == MANIFEST for name in bundle.namelist())
        except (OSError, zipfile.BadZipFile) as exc:
            return Finding("fail", "内容源", f"{path} 不是可用的 zip 内容包（{exc}）", "请重新复制内容包")
        return (Finding("ok", "内容源", f"内容包 {path} 可以读取") if named else
                Finding("fail", "内容源", f"内容包 {path} 中没有 {MANIFEST}", "请重新复制内容包"))
    return Finding("warn", "内容源", f"{path} 不存在", "如果内容源在 U 盘上，请插好；否则请改正 sync.source")


def _http_source_finding(url: str) -> Finding:
    import httpx

    try:
        with httpx.stream("GET", url, timeout=FEED_TIMEOUT, follow_redirects=True) as response:
            head = next(response.iter_bytes(512), b"")
            status, kind = response.status_code, response.headers.get("content-type", "")
    except httpx.TooManyRedirects:
        return Finding("fail", "内容源", f"{url} 不停地跳转", "请检查 sync.source 的地址")
    except httpx.HTTPError as exc:
        return Finding("warn", "内容源", f"{url} 连接不上（{type(exc).__name__}）",
                       "请检查网络；断网期间本机继续使用已有内容")
    if status != 200:
        return Finding("fail", "内容源", f"{url} 回答 HTTP {status}", "请检查 sync.source 的地址，或联系发布方")
    if "html" in kind or head.lstrip()[:1] == b"<":
        return Finding("fail", "内容源", f"{url} 回答的是网页，不是内容源（可能是上网认证页面）",
                       "请先在浏览器中完成上网认证，或检查 sync.source 的地址")
    return Finding("ok", "内容源", f"{url} 可以访问")


def _last_sync_findings(config: Config) -> Iterator[Finding]:
    from kiosk.bootstrap import state_url

    url = state_url(config)
    path = Path(url.removeprefix("sqlite:///"))
    if not url.startswith("sqlite:///") or not path.exists() or store_health(path, "sync_runs").damage:
        return  # the state store's own finding says why
    with closing(_read_only(path)) as db:
        last = db.execute("SELECT started_at, outcome, error FROM sync_runs ORDER BY id DESC LIMIT 1").fetchone()
        good = db.execute("SELECT started_at FROM sync_runs WHERE outcome IN ('ok', 'unchanged') "
                          "ORDER BY id DESC LIMIT 1").fetchone()
    if last is None:
        yield Finding("warn", "内容同步", "还没有同步过", "运行 kiosk sync")
        return
    if last[1] == "failed":
        yield Finding("warn", "内容同步", f"上次同步失败：{last[2][:200]}", "kiosk sync --status 列出最近的同步")
    age = _hours_since(good[0]) if good else None
    if age is None:
        yield Finding("warn", "内容同步", "还没有成功同步过", "运行 kiosk sync 查看原因")
    elif age > SYNC_STALE_HOURS:
        yield Finding("warn", "内容同步", f"上次成功同步在 {age / 24:.0f} 天前", "运行 kiosk sync 查看原因")
    elif last[1] != "failed":
        yield Finding("ok", "内容同步", f"上次成功同步在 {age:.0f} 小时前")


def _hours_since(stored: str) -> float:
    moment = datetime.fromisoformat(stored)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # stored in UTC without its zone
    return (datetime.now(UTC) - moment).total_seconds() / 3600


def _staging_findings(config: Config) -> Iterator[Finding]:
    staging = config.home.joinpath(*STAGING)
    files = [f for f in staging.glob("*") if f.suffix in (".part", ".done")] if staging.is_dir() else []
    if not files:
        return
    size = sum(f.stat().st_size for f in files)
    partial = sum(f.suffix == ".part" for f in files)
    what = f"同步下载暂存区有 {len(files)} 个文件（{_mib(size)}），其中 {partial} 个没有下载完"
    yield Finding("warn" if partial else "ok", "内容同步", what, "清理后下一次同步重新下载",
                  repair=lambda: _clear_staging(config))


def _clear_staging(config: Config) -> str:
    """Remove the staged downloads (never while a sync runs): the next sync fetches again what it needs."""
    with _sync_lock_if_free(config.home) as free:
        if not free:
            return "内容同步：正在同步，没有清理下载暂存区"
        removed = 0
        for staged in config.home.joinpath(*STAGING).glob("*"):
            if staged.suffix in (".part", ".done"):
                with suppress(FileNotFoundError):
                    staged.unlink()
                    removed += 1
    return f"内容同步：已清理下载暂存区的 {removed} 个文件"


# -- printers and disk ---------------------------------------------------------------------------------------------

def printer_findings(config: Config) -> Iterator[Finding]:
    """Each configured printer asked for its state: a CUPS queue that exists and accepts, a TCP printer that
    answers, a spool folder or device that can be written."""
    from printing.errors import PrinterConfigError
    from printing.factory import document_printer, parse_printers, receipt_printer

    printing = config.settings.printing
    try:
        document, receipt = parse_printers(printing.document, printing.receipt, config.home)
    except PrinterConfigError:
        return  # the settings' finding names it
    for role, printer in (("A4 打印机", document_printer(document)), ("小票打印机", receipt_printer(receipt))):
        status = printer.status()
        reason = f"（{status.reason}）" if status.reason else ""
        if status.ready:
            paper = "，纸将用完" if status.paper == "near_end" else ""
            yield Finding("warn" if paper else "ok", role, f"{printer.name} 就绪{paper}",
                          "请备好纸" if paper else "")
        elif status.state == "unknown":
            yield Finding("warn", role, f"{printer.name} 的状态无法读取{reason}",
                          f"请打印测试页确认：kiosk printers test {'a4' if role.startswith('A4') else 'receipt'}")
        else:
            paper = "，缺纸" if status.paper == "out" else ""
            yield Finding("fail", role, f"{printer.name} 不能打印：{status.state}{paper}{reason}",
                          "请检查电源、纸张和连接，然后运行 kiosk printers status")


def disk_findings(config: Config) -> Iterator[Finding]:
    """KIOSK_HOME writable, and the free space on its disk."""
    home = config.home
    try:
        home.mkdir(parents=True, exist_ok=True)
        probe = home / f".doctor-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        yield Finding("fail", "磁盘", f"{home} 不能写入（{exc.strerror or exc}）",
                      "本机需要在这里保存打印任务和日志：请检查权限或磁盘")
        return
    free = shutil.disk_usage(home).free
    if free < DISK_FAIL_BYTES:
        yield Finding("fail", "磁盘", f"{home} 所在磁盘只剩 {_mib(free)}", "打印和同步会失败：请清理磁盘")
    elif free < DISK_WARN_BYTES:
        yield Finding("warn", "磁盘", f"{home} 所在磁盘只剩 {_mib(free)}", "请尽快清理磁盘")
    else:
        yield Finding("ok", "磁盘", f"{home} 所在磁盘剩余 {_mib(free)}")
