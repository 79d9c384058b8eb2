"""`kiosk doctor` through the real CLI, on a healthy KIOSK_HOME and on broken ones: one plain line per finding,
exit 1 when something is wrong, and `--repair` repairing only what is safe (never the state store)."""

from __future__ import annotations

import fcntl
import hashlib
import http.server
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # separate processes: `make test-fast` leaves these out

SEED_INDEX_NO = "003232741/2008-00001"


def kiosk(home: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_") and k != "DISPLAY"}
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", *args],
        env=clean | {"KIOSK_HOME": str(home)} | (env or {}),
        check=False,
        capture_output=True,
        text=True,
        timeout=180,
        start_new_session=True,
    )


def doctor(home: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, list[str]]:
    done = kiosk(home, "doctor", *args, env=env)
    assert "Traceback" not in done.stderr and done.stderr == "", done.stderr
    lines = done.stdout.splitlines()
    assert all(line.isprintable() for line in lines), done.stdout
    return done.returncode, lines


def found(lines: list[str], level: str, area: str) -> list[str]:
    return [line for line in lines if line.startswith(f"[{level}] {area}：")]


@pytest.fixture(scope="module")
def healthy_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("doctor") / "healthy"
    assert kiosk(home, "demo-content", "--count", "5", "--seed", "4").returncode == 0
    printed = kiosk(home, "print", SEED_INDEX_NO, "--to", "receipt")
    assert printed.returncode == 0, printed.stderr
    return home


@pytest.fixture
def home(healthy_template: Path, tmp_path: Path) -> Path:
    """A copy of a healthy, used KIOSK_HOME (content, one print job, spool) to break."""
    copy = tmp_path / "home"
    shutil.copytree(healthy_template, copy)
    return copy


def test_a_healthy_home_is_all_ok_and_exits_0(home: Path) -> None:
    status, lines = doctor(home)
    assert status == 0 and lines[-1] == "检查完毕：一切正常。"
    areas = [line.split("：")[0] for line in lines[:-1]]
    assert areas == [
        "[正常] 设置",
        "[正常] 内容缓存",
        "[正常] 状态库",
        "[正常] 内容源",
        "[正常] A4 打印机",
        "[正常] 小票打印机",
        "[正常] 磁盘",
    ]
    assert (
        "共 6 条信息" in found(lines, "正常", "内容缓存")[0] and "共 1 个打印任务" in found(lines, "正常", "状态库")[0]
    )


def test_repair_on_a_healthy_home_changes_nothing(home: Path) -> None:
    before = {p.name: p.read_bytes() for p in home.glob("*.db")}
    status, lines = doctor(home, "--repair")
    assert status == 0 and lines[0] == "[修复] 没有需要修复的项目" and lines[-1] == "检查完毕：一切正常。"
    assert {p.name: p.read_bytes() for p in home.glob("*.db")} == before


def test_a_new_home_is_fine_and_doctor_creates_no_store(tmp_path: Path) -> None:
    status, lines = doctor(tmp_path)
    assert status == 0
    assert "尚未建立" in found(lines, "正常", "内容缓存")[0] and "尚未建立" in found(lines, "正常", "状态库")[0]
    assert not (tmp_path / "content.db").exists() and not (tmp_path / "state.db").exists()


# -- the stores ---------------------------------------------------------------------------------------------------


def _garbage(path: Path) -> None:
    path.write_bytes(hashlib.sha256(b"noise").digest() * 4000)


def _halved(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _zeroed_middle(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[4096:12288] = bytes(8192)
    path.write_bytes(bytes(data))


def _checkpointed(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@pytest.mark.parametrize("damage", [_garbage, _halved, _zeroed_middle])
def test_a_damaged_content_cache_is_named_and_repair_sets_it_aside(home: Path, damage) -> None:  # type: ignore[no-untyped-def]
    cache = home / "content.db"
    _checkpointed(cache)
    damage(cache)
    status, lines = doctor(home)
    assert status == 1
    [line] = found(lines, "故障", "内容缓存")
    assert f"{cache} 已损坏" in line and "内容缓存可以重建" in line and "kiosk doctor --repair 可以修复" in line
    status, lines = doctor(home, "--repair")
    [repaired] = [line for line in lines if line.startswith("[修复] 内容缓存：")]
    aside = next(p for p in home.glob("content.db.damaged-*") if not p.name.endswith(("-wal", "-shm")))
    assert str(aside) in repaired and not cache.exists()
    assert status == 0 and "启动时载入演示内容" in found(lines, "正常", "内容缓存")[0]
    assert kiosk(home, "search", "年度报告", "--json").returncode == 0  # the cache is built again, demo content


@pytest.mark.parametrize("damage", [_garbage, _halved, _zeroed_middle])
def test_a_damaged_state_store_is_named_and_never_touched(home: Path, damage) -> None:  # type: ignore[no-untyped-def]
    state = home / "state.db"
    _checkpointed(state)
    damage(state)
    kept = state.read_bytes()
    for args in ((), ("--repair",)):
        status, lines = doctor(home, *args)
        assert status == 1
        [line] = found(lines, "故障", "状态库")
        assert f"{state} 已损坏" in line and "从备份恢复 state.db" in line and "不要删除它" in line
        assert "--repair 可以修复" not in line
    assert state.read_bytes() == kept and not list(home.glob("state.db.*"))


def test_a_missing_state_store_on_a_used_kiosk_says_restore_it(home: Path) -> None:
    for leftover in home.glob("state.db*"):
        leftover.unlink()
    status, lines = doctor(home, "--repair")
    assert status == 1
    [line] = found(lines, "故障", "状态库")
    assert "state.db 不存在，而本机用过" in line and "从备份恢复 state.db" in line
    assert not (home / "state.db").exists()


def _add_sync_run(home: Path, outcome: str, started_at: str = "2026-11-01 02:30:00", error: str = "") -> None:
    with sqlite3.connect(home / "state.db") as db:
        db.execute(
            'INSERT INTO sync_runs (started_at, source, "trigger", mode, added, updated, withdrawn, bytes, '
            "outcome, error) VALUES (?, 'feed', 'schedule', '', 0, 0, 0, 0, ?, ?)",
            (started_at, outcome, error),
        )


def _outcomes(home: Path) -> list[str]:
    with sqlite3.connect(home / "state.db") as db:
        return [row[0] for row in db.execute("SELECT outcome FROM sync_runs ORDER BY id")]


def test_a_sync_run_left_running_is_marked_interrupted_on_repair(home: Path) -> None:
    _add_sync_run(home, "ok")
    _add_sync_run(home, "running")
    status, lines = doctor(home)
    assert status == 0 and "1 次同步被中断，仍记为“运行中”" in found(lines, "注意", "内容同步")[0]
    status, lines = doctor(home, "--repair")
    assert "[修复] 内容同步：已把 1 次被中断的同步记为 interrupted" in lines
    assert _outcomes(home) == ["ok", "interrupted"] and not found(lines, "注意", "内容同步")


def test_a_running_sync_is_left_alone(home: Path) -> None:
    _add_sync_run(home, "running")
    with open(home / "sync.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a sync in progress holds it
        status, lines = doctor(home, "--repair")
    assert status == 0 and "[正常] 内容同步：正在同步" in lines and _outcomes(home) == ["running"]


def test_a_large_write_ahead_log_is_written_back_on_repair(home: Path) -> None:
    # A process killed while holding the cache leaves its WAL; 70 MiB of it, never checkpointed.
    script = (
        "import os, sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.execute('PRAGMA wal_autocheckpoint=0');"
        "db.execute('CREATE TABLE ballast (b BLOB)');"
        "[db.execute('INSERT INTO ballast VALUES (zeroblob(1048576))') for _ in range(70)]; db.commit();"
        "os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", script, str(home / "content.db")], check=True, timeout=120)
    wal = home / "content.db-wal"
    assert wal.stat().st_size > 64 * 1024**2
    status, lines = doctor(home)
    assert status == 0 and "content.db 的预写日志（WAL）有" in found(lines, "注意", "内容缓存")[0]
    status, lines = doctor(home, "--repair")
    assert "[修复] 内容缓存：已把 content.db 的预写日志写回数据库" in lines
    assert wal.stat().st_size == 0 and not found(lines, "注意", "内容缓存")


# -- the feed -----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def publisher_key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    keys = tmp_path_factory.mktemp("keys")
    assert kiosk(keys, "keygen", str(keys)).returncode == 0
    return keys / "publisher.pub"


class _Answers(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.startswith("/loop/"):
            self.send_response(302)
            self.send_header("Location", self.path)
            self.end_headers()
        elif self.path.startswith("/portal/"):
            body = "<!DOCTYPE html><html><body>请登录上网</body></html>".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path.startswith("/feed/"):
            body = b'{"format": 1}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_error(404)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def web() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(
    "where, level, words",
    [
        ("/feed/", "正常", "可以访问"),
        ("/portal/", "故障", "回答的是网页，不是内容源（可能是上网认证页面）"),
        ("/loop/", "故障", "不停地跳转"),
        ("/missing/", "故障", "回答 HTTP 404"),
        ("closed", "注意", "连接不上"),
    ],
)
def test_the_feed_source_is_asked_and_what_it_answers_said(
    home: Path, web: str, publisher_key: Path, where: str, level: str, words: str
) -> None:
    source = f"http://127.0.0.1:{_closed_port()}/" if where == "closed" else web + where
    status, lines = doctor(home, env={"KIOSK_SYNC_SOURCE": source, "KIOSK_SYNC_TRUSTED_KEYS": str(publisher_key)})
    [line] = found(lines, level, "内容源")
    assert words in line
    assert status == (1 if level == "故障" else 0)


def test_a_feed_folder_a_bundle_and_the_keys_are_checked(home: Path, tmp_path: Path, publisher_key: Path) -> None:
    empty = tmp_path / "stick"
    empty.mkdir()
    bad_zip = tmp_path / "feed.zip"
    bad_zip.write_bytes(b"PK not really")
    cases = [
        (
            {"KIOSK_SYNC_SOURCE": str(empty), "KIOSK_SYNC_TRUSTED_KEYS": str(publisher_key)},
            "故障",
            "中没有 manifest.json",
        ),
        (
            {"KIOSK_SYNC_SOURCE": str(tmp_path / "gone"), "KIOSK_SYNC_TRUSTED_KEYS": str(publisher_key)},
            "注意",
            "不存在",
        ),
        (
            {"KIOSK_SYNC_SOURCE": str(bad_zip), "KIOSK_SYNC_TRUSTED_KEYS": str(publisher_key)},
            "故障",
            "不是可用的 zip 内容包",
        ),
        ({"KIOSK_SYNC_SOURCE": str(empty)}, "故障", "未配置发布方公钥"),
        ({"KIOSK_SYNC_SOURCE": str(empty), "KIOSK_SYNC_TRUSTED_KEYS": str(tmp_path / "no.pub")}, "故障", "无法使用"),
        ({"KIOSK_SYNC_SOURCE": str(empty), "KIOSK_SYNC_TRUSTED_KEYS": str(bad_zip)}, "故障", "无法使用"),
    ]
    for env, level, words in cases:
        status, lines = doctor(home, env=env)
        assert any(words in line for line in found(lines, level, "内容源")), (env, lines)
        assert status == (1 if level == "故障" else 0)


def test_the_last_sync_s_result_and_age(home: Path, tmp_path: Path, publisher_key: Path) -> None:
    env = {"KIOSK_SYNC_SOURCE": str(tmp_path), "KIOSK_SYNC_TRUSTED_KEYS": str(publisher_key)}
    assert "还没有同步过" in found(doctor(home, env=env)[1], "注意", "内容同步")[0]
    _add_sync_run(home, "ok", "2020-01-01 02:30:00")
    assert "上次成功同步在" in found(doctor(home, env=env)[1], "注意", "内容同步")[0]
    _add_sync_run(home, "failed", error="manifest.sig: \x1b[2J the signature does not verify")
    lines = doctor(home, env=env)[1]  # the error's control characters are shown escaped (doctor() checks)
    assert any(
        "上次同步失败：manifest.sig: \\x1b[2J the signature" in line for line in found(lines, "注意", "内容同步")
    )


def test_leftover_staged_downloads_are_cleared_on_repair(home: Path, tmp_path: Path, publisher_key: Path) -> None:
    env = {"KIOSK_SYNC_SOURCE": str(tmp_path), "KIOSK_SYNC_TRUSTED_KEYS": str(publisher_key)}
    staging = home / "sync" / "downloads"
    staging.mkdir(parents=True)
    (staging / f"{'a' * 64}.part").write_bytes(b"half a file")
    (staging / f"{'b' * 64}.done").write_bytes(b"a whole one")
    (staging / "validators.json").write_text("{}")
    lines = doctor(home, env=env)[1]
    assert (
        "2 个文件" in found(lines, "注意", "内容同步")[-1] and "1 个没有下载完" in found(lines, "注意", "内容同步")[-1]
    )
    lines = doctor(home, "--repair", env=env)[1]
    assert "[修复] 内容同步：已清理下载暂存区的 2 个文件" in lines
    assert [p.name for p in staging.iterdir()] == ["validators.json"]


# -- settings, printers, disk -------------------------------------------------------------------------------------


def test_refused_settings_are_each_a_line_and_the_other_checks_still_run(home: Path) -> None:
    (home / "kiosk.toml").write_text("[display]\nwidth = 0\n[printing]\nfee_pr_page = 1\n", "utf-8")
    status, lines = doctor(home, env={"KIOSK_PRINTING_HOLD_HOURS": "nan"})
    assert status == 1
    settings = found(lines, "故障", "设置")
    assert len(settings) == 3
    assert any(
        line.startswith("[故障] 设置：display.width = 0（file ") and "a whole number from 480 to 7680" in line
        for line in settings
    )
    assert any("printing.hold_hours = 'nan'（environment KIOSK_PRINTING_HOLD_HOURS）" in line for line in settings)
    assert any("unknown setting printing.fee_pr_page" in line for line in settings)
    assert found(lines, "正常", "磁盘") and found(lines, "正常", "状态库")


@pytest.mark.parametrize(
    "env, area, words",
    [
        ({"KIOSK_PRINTING_RECEIPT": "tcp://127.0.0.1:{port}?timeout=1"}, "小票打印机", "refused the connection"),
        ({"KIOSK_PRINTING_DOCUMENT": "spool://{home}/kiosk.lock-file"}, "A4 打印机", "不能打印：offline"),
        ({"KIOSK_PRINTING_DOCUMENT": "cups://NoSuchQueue"}, "A4 打印机", "不能打印"),
        ({"KIOSK_PRINTING_RECEIPT": "file:///dev/usb/lp9"}, "小票打印机", "does not exist"),
    ],
)
def test_a_printer_that_cannot_print_is_a_failure_with_what_to_check(
    home: Path, env: dict[str, str], area: str, words: str
) -> None:
    (home / "kiosk.lock-file").write_text("a file where the spool folder should be")
    env = {k: v.format(port=_closed_port(), home=home) for k, v in env.items()}
    status, lines = doctor(home, env=env)
    [line] = found(lines, "故障", area)
    assert status == 1 and words in line and "请检查电源、纸张和连接" in line


def test_a_malformed_printer_uri_is_a_settings_failure(home: Path) -> None:
    status, lines = doctor(home, env={"KIOSK_PRINTING_RECEIPT": "usb://zz"})
    assert status == 1 and "printing.receipt: usb:// needs the vendor and product id" in found(lines, "故障", "设置")[0]


def test_a_font_that_is_not_there_is_a_warning(home: Path) -> None:
    status, lines = doctor(home, env={"KIOSK_DISPLAY_FONT": "/usr/share/fonts/none.ttf"})
    assert status == 0 and "display.font 指定的字体 /usr/share/fonts/none.ttf 不存在" in found(lines, "注意", "设置")[0]


@pytest.mark.parametrize(
    "free, level, words",
    [
        (100 * 1024**2, "故障", "只剩 100.0 MiB"),
        (600 * 1024**2, "注意", "只剩 600.0 MiB"),
        (30 * 1024**3, "正常", "剩余 30.0 GiB"),
    ],
)
def test_free_disk_space_below_the_thresholds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, free: int, level: str, words: str
) -> None:
    from kiosk.config import load_config
    from kiosk.doctor import host as module

    monkeypatch.setattr(module.shutil, "disk_usage", lambda _path: shutil._ntuple_diskusage(10**12, 0, free))  # type: ignore[attr-defined]
    [finding] = module.disk_findings(load_config({"KIOSK_HOME": str(tmp_path)}))
    assert finding.line.startswith(f"[{level}] 磁盘：") and words in finding.line


@pytest.mark.parametrize("name", ["home?x=1", "home%41", "home#1 with space"])
def test_a_home_whose_name_looks_like_a_url_is_checked_where_it_is(
    healthy_template: Path, tmp_path: Path, name: str
) -> None:
    home = tmp_path / name
    shutil.copytree(healthy_template, home)
    _add_sync_run(home, "running")
    status, lines = doctor(home, "--repair")
    assert status == 0 and f"{home}/content.db 完好" in found(lines, "正常", "内容缓存")[0]
    assert _outcomes(home) == ["interrupted"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # nothing written beside it


def test_a_check_or_a_repair_that_breaks_is_a_line_and_the_rest_still_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kiosk.doctor as doctor_module
    from kiosk.config import load_config
    from kiosk.doctor import Finding, run_doctor

    def broken(_config: object) -> Iterator[Finding]:
        raise RuntimeError("disk \x1b[2J vanished")
        yield  # a generator, like every check

    def refused() -> str:
        raise PermissionError("read-only")

    def wrong(_config: object) -> Iterator[Finding]:
        yield Finding("warn", "内容同步", "something to repair", repair=refused)

    monkeypatch.setattr(doctor_module, "CHECKS", (("磁盘", broken), ("内容同步", wrong)) + doctor_module.CHECKS[:1])
    lines: list[str] = []
    status = run_doctor(load_config({"KIOSK_HOME": str(tmp_path)}), repair=True, out=lines.append)
    assert status == 1 and all(line.isprintable() for line in lines)
    assert "[修复] 内容同步：未能修复（PermissionError: read-only）" in lines
    assert "[故障] 磁盘：检查时出错（RuntimeError: disk \\x1b[2J vanished）。请把 logs/kiosk.log 交给维护人员" in lines
    assert any(line.startswith("[正常] 设置：") for line in lines)  # the checks after the broken one ran


def test_an_empty_cache_on_a_kiosk_with_a_feed_is_a_failure_and_names_the_sync(home: Path, tmp_path: Path) -> None:
    import sqlite3

    with sqlite3.connect(home / "content.db") as db:  # as a first sync that never came leaves it
        db.execute("DELETE FROM items")
    status, lines = doctor(home, env={"KIOSK_SYNC_SOURCE": f"http://127.0.0.1:{_closed_port()}/"})
    [line] = found(lines, "故障", "内容缓存")
    assert status == 1 and "没有任何信息" in line and "kiosk sync" in line
    status, lines = doctor(home)  # no feed: an empty cache fills with the demo content at start
    assert not found(lines, "故障", "内容缓存")
