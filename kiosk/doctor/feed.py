"""The doctor's checks of the feed: its keys, its source (answering with a feed, not a web page), the last sync's
result and age, and the downloads a sync left staged (cleared on --repair)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing, suppress
from datetime import UTC, datetime
from pathlib import Path

from content_cache.db import sqlite_path
from kiosk.config import Config
from kiosk.doctor.finding import Finding, mib, read_only, sync_lock_if_free
from kiosk.doctor.stores import store_health

SYNC_STALE_HOURS = 48.0  # a nightly sync: two nights without a success is worth a look
FEED_TIMEOUT = 5.0
STAGING = ("sync", "downloads")


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
        except Exception as exc:  # missing, unreadable or not a key: all mean the same to staff
            yield Finding(
                "fail",
                "内容源",
                f"发布方公钥 {key} 无法使用（{exc}）",
                "请向发布方索取公钥文件并改正 sync.trusted_keys",
            )


def _source_finding(source: str) -> Finding:
    from content_cache.feed.format import MANIFEST

    if source.startswith(("http://", "https://")):
        return _http_source_finding(source.rstrip("/") + "/" + MANIFEST)
    path = Path(source).expanduser()
    if path.is_dir():
        found = (path / MANIFEST).is_file()
        return (
            Finding("ok", "内容源", f"文件夹 {path} 可以读取")
            if found
            else Finding(
                "fail", "内容源", f"文件夹 {path} 中没有 {MANIFEST}", "请确认 U 盘已插好、路径指向内容源文件夹"
            )
        )
    if path.is_file():
        import zipfile

        try:
            with zipfile.ZipFile(path) as bundle:
                named = any(name.rsplit("/", 1)[-1] == MANIFEST for name in bundle.namelist())
        except (OSError, zipfile.BadZipFile) as exc:
            return Finding("fail", "内容源", f"{path} 不是可用的 zip 内容包（{exc}）", "请重新复制内容包")
        return (
            Finding("ok", "内容源", f"内容包 {path} 可以读取")
            if named
            else Finding("fail", "内容源", f"内容包 {path} 中没有 {MANIFEST}", "请重新复制内容包")
        )
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
        return Finding(
            "warn", "内容源", f"{url} 连接不上（{type(exc).__name__}）", "请检查网络；断网期间本机继续使用已有内容"
        )
    if status != 200:
        return Finding("fail", "内容源", f"{url} 回答 HTTP {status}", "请检查 sync.source 的地址，或联系发布方")
    if "html" in kind or head.lstrip()[:1] == b"<":
        return Finding(
            "fail",
            "内容源",
            f"{url} 回答的是网页，不是内容源（可能是上网认证页面）",
            "请先在浏览器中完成上网认证，或检查 sync.source 的地址",
        )
    return Finding("ok", "内容源", f"{url} 可以访问")


def _last_sync_findings(config: Config) -> Iterator[Finding]:
    from kiosk.bootstrap import state_url

    path = sqlite_path(state_url(config))
    if path is None or not path.exists() or store_health(path, "sync_runs").damage:
        return  # the state store's own finding says why
    with closing(read_only(path)) as db:
        last = db.execute("SELECT started_at, outcome, error FROM sync_runs ORDER BY id DESC LIMIT 1").fetchone()
        good = db.execute(
            "SELECT started_at FROM sync_runs WHERE outcome IN ('ok', 'unchanged') ORDER BY id DESC LIMIT 1"
        ).fetchone()
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
    what = f"同步下载暂存区有 {len(files)} 个文件（{mib(size)}），其中 {partial} 个没有下载完"
    yield Finding(
        "warn" if partial else "ok", "内容同步", what, "清理后下一次同步重新下载", repair=lambda: _clear_staging(config)
    )


def _clear_staging(config: Config) -> str:
    """Remove the staged downloads (never while a sync runs): the next sync fetches again what it needs."""
    with sync_lock_if_free(config.home) as free:
        if not free:
            return "内容同步：正在同步，没有清理下载暂存区"
        removed = 0
        for staged in config.home.joinpath(*STAGING).glob("*"):
            if staged.suffix in (".part", ".done"):
                with suppress(FileNotFoundError):
                    staged.unlink()
                    removed += 1
    return f"内容同步：已清理下载暂存区的 {removed} 个文件"
