"""KIOSK_HOME of any name keeps both stores inside it; a read-only one still shows `kiosk config`, and every
other command says in one line that it cannot be written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from content_cache.db import sqlite_path, sqlite_url
from tests.kiosk.test_cli import kiosk

SEED_INDEX_NO = "003232741/2008-00001"
NAMES = [
    "a?b",
    "p%41q",
    "100%",
    "h#ash",
    "sp ace",
    "中文 目录",
    "x@y:z",
    "semi;colon",
    "q?mode=memory&cache=shared",
    "file:name",
]


@pytest.mark.parametrize("name", NAMES)
def test_a_path_round_trips_through_its_url(tmp_path: Path, name: str) -> None:
    path = tmp_path / name / "state.db"
    assert sqlite_path(sqlite_url(path)) == path


def _files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("name", ["a?b", "p%41q", "h#ash", "sp ace", "中文 目录", "x@y:z"])
def test_both_stores_and_every_file_stay_inside_kiosk_home(tmp_path: Path, name: str) -> None:
    home = tmp_path / name
    home.mkdir()
    assert kiosk(home, "demo-content", "--count", "3").returncode == 0
    done = kiosk(home, "print", SEED_INDEX_NO, "--to", "receipt")
    assert done.returncode == 0, done.stderr
    assert {p.name for p in home.iterdir()} >= {"content.db", "state.db", "state.made", "spool", "logs"}
    outside = {p for p in _files_under(tmp_path) if home not in p.parents}
    assert outside == set()
    assert kiosk(home, "backup").returncode == 0
    assert kiosk(home, "restore").returncode == 0
    assert f'"index_no": "{SEED_INDEX_NO}"' in kiosk(home, "search", SEED_INDEX_NO, "--json").stdout


def test_a_symlinked_kiosk_home_is_one_home(tmp_path: Path) -> None:
    real = tmp_path / "real home"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    assert kiosk(link, "demo-content", "--count", "3").returncode == 0
    assert kiosk(link, "jobs", "list").returncode == 0
    assert (real / "content.db").is_file() and (real / "state.db").is_file()
    assert kiosk(real, "jobs", "list").returncode == 0  # the marker names the same store either way
    (real / "state.db").unlink()
    done = kiosk(link, "jobs", "list")
    assert done.returncode == 1 and "missing" in done.stderr


def test_a_content_database_setting_with_odd_characters_is_that_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    target = tmp_path / "elsewhere?x=1#y" / "内容.db"
    done = kiosk(home, "demo-content", "--count", "3", env={"KIOSK_CONTENT_DATABASE": str(target)})
    assert done.returncode == 0, done.stderr
    assert target.is_file() and not (home / "content.db").exists()


def test_a_store_that_cannot_be_opened_is_named(tmp_path: Path) -> None:
    home = tmp_path / "p%41q"
    home.mkdir()
    blocked = home / "not-a-folder"
    blocked.write_text("a file")
    done = kiosk(home, "search", "x", env={"KIOSK_CONTENT_DATABASE": str(blocked / "content.db")})
    assert done.returncode == 1 and str(blocked) in done.stderr and len(done.stderr.splitlines()) == 1


def _read_only_runner() -> list[str] | None:
    """A command prefix that runs the CLI with KIOSK_HOME mounted read-only; None where that cannot be done."""
    if os.geteuid() != 0:
        return []  # chmod is enough for anyone but root
    if shutil.which("unshare") is None:
        return None
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, check=False)
    return (
        [
            "unshare",
            "-m",
            "sh",
            "-c",
            'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && shift && exec "$@"',
        ]
        if probe.returncode == 0
        else None
    )


def _kiosk_read_only(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    runner = _read_only_runner()
    if runner is None:
        pytest.skip("cannot make a read-only folder for root here")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK_", "KIVY_"))} | {"KIOSK_HOME": str(home)}
    env.pop("DISPLAY", None)
    command = [sys.executable, "-m", "kiosk.cli", *args]
    if runner:
        command = [*runner, str(home), "_", *command]
    else:
        home.chmod(0o555)
    try:
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)
    finally:
        home.chmod(0o755)


@pytest.fixture(scope="module")
def read_only_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("read-only")
    assert kiosk(home, "demo-content", "--count", "3").returncode == 0
    assert kiosk(home, "jobs", "list").returncode == 0
    return home


def test_kiosk_config_works_in_a_read_only_home(read_only_home: Path) -> None:
    done = _kiosk_read_only(read_only_home, "config")
    assert done.returncode == 0, done.stderr
    assert f"# KIOSK_HOME: {read_only_home}" in done.stdout and done.stderr == ""


@pytest.mark.parametrize(
    "command",
    [
        ("search", "x"),
        ("jobs", "list"),
        ("sync", "--status"),
        ("demo-content",),
        ("backup",),
        ("restore",),
        ("print", SEED_INDEX_NO, "--to", "receipt"),
        ("run", "--exit-after-first-frame"),
    ],
)
def test_other_commands_say_in_one_line_that_kiosk_home_is_not_writable(
    read_only_home: Path, command: tuple[str, ...]
) -> None:
    done = _kiosk_read_only(read_only_home, *command)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert (
        done.stderr.strip() == f"kiosk: error: KIOSK_HOME {read_only_home} is not writable: the kiosk keeps its "
        "stores, logs and copies there (set KIOSK_HOME to a folder this user can write)"
    )


def test_a_kiosk_home_that_cannot_be_made_is_one_line(read_only_home: Path) -> None:
    runner = _read_only_runner()
    if runner is None:
        pytest.skip("cannot make a read-only folder for root here")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")} | {
        "KIOSK_HOME": str(read_only_home / "new")
    }
    command = [sys.executable, "-m", "kiosk.cli", "jobs", "list"]
    if runner:
        command = [*runner, str(read_only_home), "_", *command]
    else:
        read_only_home.chmod(0o555)
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    finally:
        read_only_home.chmod(0o755)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"KIOSK_HOME {read_only_home / 'new'} cannot be made" in done.stderr


def test_kiosk_doctor_finds_both_stores_in_a_home_of_any_name(tmp_path: Path) -> None:
    home = tmp_path / "中文 a?b%41#c"
    home.mkdir()
    assert kiosk(home, "demo-content", "--count", "3").returncode == 0
    assert kiosk(home, "jobs", "list").returncode == 0
    done = kiosk(home, "doctor")
    assert f"状态库：{home / 'state.db'} 完好" in done.stdout, done.stdout + done.stderr
    assert f"内容缓存：{home / 'content.db'} 完好" in done.stdout
