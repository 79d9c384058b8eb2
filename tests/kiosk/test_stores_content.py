"""The content cache is disposable: a damaged one is named, set aside and rebuilt; a kiosk with a feed shows no demo.

Real files throughout: a cache written by the kiosk, then damaged on disk the
ways a disk or a person damages one, and the CLI run as a separate process.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from content_cache.cache import CacheDamaged, ContentCache
from content_cache.db import file_damage
from kiosk.bootstrap import ensure_content, open_content, prepare_content
from kiosk.config import load_config
from tests.kiosk.test_cli import kiosk

SEED_INDEX_NO = "003232741/2008-00001"


@pytest.fixture(scope="module")
def sound_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A content cache of 60 demo items, checkpointed into one file, to copy and damage."""
    home = tmp_path_factory.mktemp("sound")
    assert kiosk(home, "demo-content", "--count", "60").returncode == 0
    path = home / "content.db"
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def _garbage(path: Path) -> None:
    path.write_bytes(os.urandom(8192))


def _truncated(path: Path) -> None:
    with path.open("r+b") as stream:
        stream.truncate(path.stat().st_size // 2)


def _cut_to_a_few_bytes(path: Path) -> None:
    with path.open("r+b") as stream:
        stream.truncate(40)


def _page_overwritten(path: Path) -> None:
    with path.open("r+b") as stream:  # a page in the middle: the items' rows and their index
        stream.seek(4096 * (path.stat().st_size // 4096 // 2))
        stream.write(os.urandom(4096))


def _first_page_overwritten(path: Path) -> None:
    with path.open("r+b") as stream:  # the header and the schema
        stream.write(os.urandom(4096))


def _schema_page_zeroed(path: Path) -> None:
    with path.open("r+b") as stream:  # the header is kept, the schema is gone
        stream.seek(100)
        stream.write(bytes(4096 - 100))


def _text_file(path: Path) -> None:
    path.write_text("这不是数据库\n" * 100, "utf-8")


DAMAGES: dict[str, Callable[[Path], None]] = {
    "garbage": _garbage,
    "truncated": _truncated,
    "a few bytes": _cut_to_a_few_bytes,
    "page overwritten": _page_overwritten,
    "first page overwritten": _first_page_overwritten,
    "schema page zeroed": _schema_page_zeroed,
    "a text file": _text_file,
}


def _damaged_home(sound_cache: Path, home: Path, damage: Callable[[Path], None]) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    path = home / "content.db"
    shutil.copyfile(sound_cache, path)
    damage(path)
    return path


@pytest.mark.parametrize("how", list(DAMAGES))
def test_every_damage_is_found_when_opened(sound_cache: Path, tmp_path: Path, how: str) -> None:
    path = _damaged_home(sound_cache, tmp_path, DAMAGES[how])
    with pytest.raises(CacheDamaged) as found:
        ContentCache.open(path)
    assert str(path) in str(found.value)


@pytest.mark.parametrize("how", ["garbage", "truncated", "page overwritten", "schema page zeroed"])
def test_a_damaged_cache_is_named_set_aside_and_rebuilt_from_the_demo_content(
    sound_cache: Path, tmp_path: Path, how: str
) -> None:
    path = _damaged_home(sound_cache, tmp_path, DAMAGES[how])
    (tmp_path / "content.db-wal").write_bytes(b"stale log")
    (tmp_path / "content.db-shm").write_bytes(b"stale index")
    done = kiosk(tmp_path, "search", SEED_INDEX_NO, "--json")
    assert done.returncode == 0, done.stderr
    assert f'"index_no": "{SEED_INDEX_NO}"' in done.stdout  # the demo content again, at once
    said = done.stderr.splitlines()
    assert len(said) == 1 and str(path) in said[0] and "damaged" in said[0] and "disposable" in said[0]
    aside = sorted(p.name for p in tmp_path.iterdir() if ".damaged-" in p.name)
    assert len(aside) == 3 and aside[0] in said[0]  # the file, its -wal and its -shm, all kept
    assert {name.removeprefix(aside[0]) for name in aside} == {"", "-wal", "-shm"}
    assert file_damage(path, full=True) == ""


def test_kiosk_sync_full_rebuilds_a_damaged_cache_from_the_feed(
    publisher: tuple[Path, Path],
    sound_cache: Path,
    tmp_path: Path,
) -> None:
    keys, feed = publisher
    _damaged_home(sound_cache, tmp_path, _page_overwritten)
    env = {"KIOSK_SYNC_SOURCE": str(feed), "KIOSK_SYNC_TRUSTED_KEYS": str(keys / "publisher.pub")}
    done = kiosk(tmp_path, "sync", "--full", env=env)
    assert done.returncode == 0, done.stderr
    assert "snapshot applied: sequence None → 1, 41 added" in done.stdout
    assert "content.db is damaged" in done.stderr and "from the feed" in done.stderr
    again = kiosk(tmp_path, "search", SEED_INDEX_NO, "--json", env=env)
    assert again.returncode == 0 and again.stderr == "" and SEED_INDEX_NO in again.stdout


def test_sync_full_reads_through_a_cache_too_large_to_check_at_every_start(
    sound_cache: Path, kiosk_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import content_cache.cache

    _damaged_home(sound_cache, kiosk_home, _page_overwritten)
    monkeypatch.setattr(content_cache.cache, "FULL_CHECK_UP_TO", 0)  # as a cache of a million items
    said: list[str] = []
    config = load_config()
    open_content(config, say=said.append).close()  # header and size are sound: opened as it is
    assert said == []
    open_content(config, full_check=True, say=said.append).close()
    assert len(said) == 1 and "database disk image is malformed" in said[0]


def _run_kiosk(home: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK_", "KIVY_"))}
    clean.pop("DISPLAY", None)
    clean |= {"KIOSK_HOME": str(home), "KIOSK_CONTENT_DEMO_COUNT": "30"} | env
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "run", "--exit-after-first-frame"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_kiosk_run_starts_over_a_damaged_cache_without_a_feed(sound_cache: Path, tmp_path: Path) -> None:
    _damaged_home(sound_cache, tmp_path, _garbage)
    done = _run_kiosk(tmp_path, {})
    assert done.returncode == 0, done.stderr
    assert "content.db is damaged" in done.stderr and "Traceback" not in done.stderr
    assert any(line.startswith("Home drawn after") for line in done.stdout.splitlines())
    cache = ContentCache.open(tmp_path / "content.db")
    assert cache.item_count() == 31  # the seed report and 30 demo items
    cache.close()


def test_kiosk_run_starts_over_a_damaged_cache_with_a_feed_and_loads_no_demo(
    publisher: tuple[Path, Path],
    sound_cache: Path,
    tmp_path: Path,
) -> None:
    keys, feed = publisher
    _damaged_home(sound_cache, tmp_path, _truncated)
    done = _run_kiosk(
        tmp_path, {"KIOSK_SYNC_SOURCE": str(feed), "KIOSK_SYNC_TRUSTED_KEYS": str(keys / "publisher.pub")}
    )
    assert done.returncode == 0, done.stderr
    assert "content.db is damaged" in done.stderr and "from the feed" in done.stderr
    assert "loading the demo content" not in done.stdout
    assert any(line.startswith("Home drawn after") for line in done.stdout.splitlines())


def test_a_deleted_cache_on_a_kiosk_with_a_feed_gets_no_demo_documents(
    kiosk_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_SYNC_SOURCE", "https://feed.example.invalid/feed/")
    config = load_config()
    said: list[str] = []
    content = open_content(config)
    try:
        prepare_content(content, config, said.append)
        assert ensure_content(content, config) == 0
        assert content.item_count() == 0 and content.sections() == []
    finally:
        content.close()
    expected = (
        "The content cache is empty: it is filled from the feed (https://feed.example.invalid/feed/) by a sync now"
    )
    assert said == [expected]


def test_a_deleted_cache_without_a_feed_gets_the_demo_content(
    kiosk_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_CONTENT_DEMO_COUNT", "5")
    config = load_config()
    said: list[str] = []
    content = open_content(config)
    try:
        prepare_content(content, config, said.append)
        assert content.item_count() == 6
    finally:
        content.close()
    assert said == ["The content cache is empty: loading the demo content (5 items)"]


def test_a_cache_deleted_after_a_sync_is_filled_again_at_once_not_the_next_night(
    publisher: tuple[Path, Path],
    kiosk_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time

    from kiosk.bootstrap import build_services
    from kiosk.cli import _nightly_sync

    keys, feed = publisher
    monkeypatch.setenv("KIOSK_SYNC_SOURCE", str(feed))
    monkeypatch.setenv("KIOSK_SYNC_TRUSTED_KEYS", str(keys / "publisher.pub"))
    assert (
        kiosk(
            kiosk_home,
            "sync",
            env={"KIOSK_SYNC_SOURCE": str(feed), "KIOSK_SYNC_TRUSTED_KEYS": str(keys / "publisher.pub")},
        ).returncode
        == 0
    )
    for name in ("content.db", "content.db-wal", "content.db-shm"):
        (kiosk_home / name).unlink(missing_ok=True)
    config = load_config()
    services = build_services(config)
    synced: list[bool] = []
    scheduler = _nightly_sync(config, services, lambda: synced.append(True))
    assert scheduler is not None
    try:
        deadline = time.monotonic() + 60
        while not synced and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        scheduler.stop()
        services.close()
    assert synced == [True] and services.content.item_count() == 41


def test_demo_content_goes_when_a_feed_is_configured_and_synced_content_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from content_cache import store as content_store

    monkeypatch.setenv("KIOSK_HOME", str(tmp_path))
    content = ContentCache.open(tmp_path / "content.db")
    try:
        content.load_demo(30, 1)
        said: list[str] = []
        prepare_content(content, load_config(), said.append)  # no feed: the demo stays
        assert content.item_count() == 31 and not said
        monkeypatch.setenv("KIOSK_SYNC_SOURCE", "https://feed.example.invalid/feed/")
        prepare_content(content, load_config(), said.append)
        assert content.item_count() == 0 and "31 items not from the feed" in said[0]
        assert content.search("宿州", 10).total == 0

        content.load_demo(5, 2)  # as a sync fills it: content of a feed sequence stays
        with content.transaction() as session:
            content_store.set_meta(session, content_store.FEED_SEQUENCE, "7")
        prepare_content(content, load_config(), said.append)
        assert content.item_count() == 6
    finally:
        content.close()
