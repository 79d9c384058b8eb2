"""The state store is precious: never made again silently, refused when damaged, backed up, restored; job
numbers never repeat and a spooled copy is never overwritten.

Real SQLite files in a temporary KIOSK_HOME, and the CLI as a separate process.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk import usage
from kiosk.backup import (
    DailyBackup,
    backups,
    highest_job_number,
    job_number_floor,
    make_backup,
    prune,
    restore_state,
)
from kiosk.bootstrap import build_services, open_state
from kiosk.config import load_config
from kiosk.errors import ConfigError
from kiosk.state import (
    StateStoreBusy,
    StateStoreDamaged,
    StateStoreMissing,
    forget_made,
    record_made,
)
from tests.kiosk.test_cli import kiosk
from tests.kiosk.test_stores_content import DAMAGES

SEED_INDEX_NO = "003232741/2008-00001"


def _print_slip(home: Path) -> str:
    done = kiosk(home, "print", SEED_INDEX_NO, "--to", "receipt")
    assert done.returncode == 0, done.stderr
    return done.stdout


def _spooled(home: Path) -> list[str]:
    return sorted(p.name for p in (home / "spool").iterdir())


@pytest.fixture(scope="module")
def made_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A KIOSK_HOME with demo content and two slips printed (jobs 0001 and 0002 in the spool folder)."""
    home = tmp_path_factory.mktemp("made")
    assert kiosk(home, "demo-content", "--count", "5").returncode == 0
    _print_slip(home)
    _print_slip(home)
    assert _spooled(home) == ["0001.escpos", "0002.escpos"]
    return home


@pytest.fixture
def home(made_home: Path, tmp_path: Path) -> Path:
    """A copy of `made_home` of this test's own, its marker naming its own state store."""
    copy = tmp_path / "home"
    shutil.copytree(made_home, copy)
    forget_made(copy)
    record_made(copy, copy / "state.db")
    return copy


def _remove_state(home: Path) -> None:
    for name in ("state.db", "state.db-wal", "state.db-shm"):
        (home / name).unlink(missing_ok=True)


# -- a lost store -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command", [("jobs", "list"), ("sync", "--status"), ("print", SEED_INDEX_NO, "--to", "receipt"), ("backup",)]
)
def test_a_deleted_state_store_is_refused_naming_it_and_kiosk_restore(home: Path, command: tuple[str, ...]) -> None:
    _remove_state(home)
    done = kiosk(home, *command)
    assert done.returncode == 1
    line = done.stderr.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line
    assert str(home / "state.db") in line and "`kiosk restore`" in line and "missing" in line
    assert not (home / "state.db").exists()  # nothing was made over it


def test_an_emptied_state_store_file_counts_as_lost(home: Path) -> None:
    (home / "state.db").write_bytes(b"")
    for name in ("state.db-wal", "state.db-shm"):
        (home / name).unlink(missing_ok=True)
    done = kiosk(home, "jobs", "list")
    assert done.returncode == 1 and "missing" in done.stderr and "kiosk restore" in done.stderr


def test_kiosk_run_refuses_a_lost_state_store_in_one_line(home: Path) -> None:
    import subprocess
    import sys

    _remove_state(home)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK_", "KIVY_"))}
    env.pop("DISPLAY", None)
    env |= {"KIOSK_HOME": str(home)}
    done = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "run", "--exit-after-first-frame"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "state.db" in done.stderr and "kiosk restore" in done.stderr


def test_a_store_lost_is_refused_in_process_too(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_HOME", str(home))
    _remove_state(home)
    with pytest.raises(StateStoreMissing):
        open_state(load_config())


def test_a_new_kiosk_makes_its_store_and_records_that_it_did(tmp_path: Path) -> None:
    assert kiosk(tmp_path, "jobs", "list").returncode == 0
    assert (tmp_path / "state.db").is_file() and str(tmp_path / "state.db") in (tmp_path / "state.made").read_text()


def test_restore_fresh_starts_an_empty_store_and_numbers_continue(home: Path) -> None:
    _remove_state(home)
    done = kiosk(home, "restore", "--fresh")
    assert done.returncode == 0, done.stderr
    assert "job numbers continue above 2" in done.stdout
    _print_slip(home)
    assert _spooled(home) == ["0001.escpos", "0002.escpos", "0003.escpos"]
    assert kiosk(home, "jobs", "list").stdout.startswith("0003")


# -- a damaged store ------------------------------------------------------------------------------


@pytest.mark.parametrize("how", list(DAMAGES))
def test_a_damaged_state_store_is_refused_naming_it_and_kiosk_restore(home: Path, how: str) -> None:
    path = home / "state.db"
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    DAMAGES[how](path)
    done = kiosk(home, "jobs", "list")
    assert done.returncode == 1, done.stdout
    line = done.stderr.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line
    assert f"state store {path} is damaged" in line and "`kiosk restore`" in line


def test_a_damaged_store_is_refused_in_process_and_left_where_it_is(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_HOME", str(home))
    (home / "state.db").write_bytes(os.urandom(10000))
    with pytest.raises(StateStoreDamaged):
        open_state(load_config())
    assert (home / "state.db").stat().st_size == 10000


def test_a_damaged_store_is_restored_from_its_backup_and_kept_aside(home: Path) -> None:
    assert kiosk(home, "backup").returncode == 0
    (home / "state.db").write_bytes(os.urandom(10000))
    done = kiosk(home, "restore")
    assert done.returncode == 0, done.stderr
    assert "2 print jobs, the newest numbered 0002" in done.stdout
    aside = [
        p
        for p in home.iterdir()
        if p.name.startswith("state.db.replaced-") and "-wal" not in p.name and "-shm" not in p.name
    ]
    assert len(aside) == 1 and aside[0].read_bytes()[:4] != b"SQLi"  # the damaged bytes, kept
    assert kiosk(home, "jobs", "list").returncode == 0


# -- job numbers -----------------------------------------------------------------------------------


def test_numbers_continue_above_the_spool_folder_after_a_restore_of_an_older_backup(home: Path) -> None:
    assert kiosk(home, "backup").returncode == 0  # holds jobs 1 and 2
    _print_slip(home)  # job 3, not in the backup
    spooled = (home / "spool" / "0003.escpos").read_bytes()
    _remove_state(home)
    assert kiosk(home, "restore").returncode == 0
    _print_slip(home)
    assert _spooled(home) == ["0001.escpos", "0002.escpos", "0003.escpos", "0004.escpos"]
    assert (home / "spool" / "0003.escpos").read_bytes() == spooled  # never overwritten


def test_numbers_continue_above_the_backups_when_the_spool_folder_was_emptied(home: Path) -> None:
    _print_slip(home)
    assert kiosk(home, "backup").returncode == 0  # holds jobs 1 to 3
    shutil.rmtree(home / "spool")  # the print server took the files
    _remove_state(home)
    assert kiosk(home, "restore", "--fresh").returncode == 0
    _print_slip(home)
    assert _spooled(home) == ["0004.escpos"]


def test_numbers_never_repeat_when_nothing_but_an_older_backup_is_left(home: Path) -> None:
    # as with a CUPS printer: no spooled file keeps a number; the backup holds jobs 1 and 2 only
    assert kiosk(home, "backup").returncode == 0
    _print_slip(home)  # job 3, not in the backup
    shutil.rmtree(home / "spool")
    _remove_state(home)
    assert kiosk(home, "restore").returncode == 0
    _print_slip(home)
    assert _spooled(home) == ["0004.escpos"]
    _remove_state(home)
    shutil.rmtree(home / "spool")
    assert kiosk(home, "restore", "--fresh").returncode == 0
    _print_slip(home)
    assert _spooled(home) == ["0005.escpos"]


def test_numbers_continue_above_a_store_set_aside(home: Path) -> None:
    shutil.rmtree(home / "spool")
    assert kiosk(home, "restore", "--fresh").returncode == 0  # the old store (jobs 1, 2) is kept aside
    _print_slip(home)
    assert _spooled(home) == ["0003.escpos"]


def test_the_floor_reads_spool_names_only_and_backups_of_any_age(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_HOME", str(tmp_path))
    spool = tmp_path / "spool"
    spool.mkdir()
    for name in ("0007.pdf", "0012.escpos", "99999.txt", ".0050.pdf.x.part", "notes.pdf", "0100.pdf.bak"):
        (spool / name).write_bytes(b"")
    config = load_config()
    assert job_number_floor(config, [spool]) == 12
    assert job_number_floor(config, [tmp_path / "no-such-folder"]) == 0
    assert highest_job_number(spool / "0007.pdf") == 0  # not a store: read as none


def test_two_processes_numbering_at_once_never_share_a_number(home: Path) -> None:
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")} | {"KIOSK_HOME": str(home)}
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "kiosk.cli", "print", SEED_INDEX_NO, "--to", "receipt"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    for run in runs:
        _out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
    assert _spooled(home) == [f"{n:04d}.escpos" for n in range(1, 7)]


# -- backups ---------------------------------------------------------------------------------------


def test_backup_is_a_complete_store_and_restore_puts_it_back(home: Path) -> None:
    done = kiosk(home, "backup")
    assert done.returncode == 0, done.stderr
    [copy] = backups(home / "backups")
    assert str(copy) in done.stdout
    with sqlite3.connect(copy) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file, no -wal needed
        assert connection.execute("SELECT count(*) FROM print_jobs").fetchone()[0] == 2
    assert highest_job_number(copy) == 2


def test_backup_while_the_kiosk_writes_is_consistent(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_HOME", str(home))
    config = load_config()
    services = build_services(config)
    stop = threading.Event()

    def write() -> None:
        while not stop.is_set():
            with services.state.begin() as session:
                usage.add_events(session, [usage.Event("read", "x" * 32, index_no=SEED_INDEX_NO, amount=200)])

    writer = threading.Thread(target=write)
    writer.start()
    try:
        copies = [make_backup(config, datetime(2026, 11, 1, 8, 0, n, tzinfo=UTC)) for n in range(3)]
    finally:
        stop.set()
        writer.join()
        services.close()
    counts = []
    for copy in copies:
        with sqlite3.connect(copy) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            counts.append(connection.execute("SELECT count(*) FROM usage_events").fetchone()[0])
    assert counts == sorted(counts)


def test_restore_is_refused_while_the_state_store_is_open(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert kiosk(home, "backup").returncode == 0
    monkeypatch.setenv("KIOSK_HOME", str(home))
    state = open_state(load_config())  # as the running kiosk holds it
    try:
        done = kiosk(home, "restore")
    finally:
        state.close()
    assert done.returncode == 1 and "in use" in done.stderr and "close the kiosk first" in done.stderr
    assert not [p for p in home.iterdir() if ".replaced-" in p.name]  # nothing was touched
    assert kiosk(home, "restore").returncode == 0  # once it is closed


def test_the_store_is_not_opened_while_a_restore_runs(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kiosk.backup import hold_exclusive

    monkeypatch.setenv("KIOSK_HOME", str(home))
    with hold_exclusive(home):
        done = kiosk(home, "jobs", "list")
        with pytest.raises(StateStoreBusy):
            open_state(load_config())
    assert done.returncode == 1 and "being restored" in done.stderr


def test_restore_of_a_given_file_and_refusals(home: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    other = tmp_path_factory.mktemp("other")
    assert kiosk(home, "backup").returncode == 0
    [copy] = backups(home / "backups")
    moved = other / "state copy #1?.db"
    shutil.copyfile(copy, moved)
    assert kiosk(home, "restore", str(moved)).returncode == 0
    garbage = other / "garbage.db"
    garbage.write_bytes(os.urandom(5000))
    notes = other / "notes.db"
    with sqlite3.connect(notes) as connection:
        connection.execute("CREATE TABLE notes (text)")
    for given, says in (
        (garbage, "is damaged"),
        (notes, "is not a backup of the state store"),
        (other / "absent.db", "is not a file"),
        (home / "state.db", "the state store itself"),
    ):
        done = kiosk(home, "restore", str(given))
        assert done.returncode == 1 and says in done.stderr and len(done.stderr.splitlines()) == 1, done.stderr
    assert kiosk(home, "restore", "--fresh", str(moved)).returncode == 1


def test_restore_without_any_backup_says_what_to_do(home: Path) -> None:
    done = kiosk(home, "restore")
    assert done.returncode == 1 and "no backup" in done.stderr and "--fresh" in done.stderr


def test_old_backups_are_pruned_but_never_the_newest(tmp_path: Path) -> None:
    now = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    for days in (1, 13, 15, 40):
        (tmp_path / f"state-{(now - timedelta(days=days)):%Y%m%dT%H%M%SZ}.db").write_bytes(b"")
    (tmp_path / "state-notes.db").write_bytes(b"")
    removed = prune(tmp_path, 14, now)
    assert len(removed) == 2 and len(backups(tmp_path)) == 2 and (tmp_path / "state-notes.db").exists()
    only_old = tmp_path / "old"
    only_old.mkdir()
    (only_old / f"state-{(now - timedelta(days=100)):%Y%m%dT%H%M%SZ}.db").write_bytes(b"")
    assert prune(only_old, 14, now) == [] and len(backups(only_old)) == 1


def test_the_daily_backup_makes_one_when_none_is_a_day_old(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setenv("KIOSK_HOME", str(home))
    config = load_config()
    daily = DailyBackup(config)
    assert daily.due_in() <= 0
    daily.start()
    try:
        deadline = time.monotonic() + 30
        while not backups(home / "backups") and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        daily.stop()
    assert len(backups(home / "backups")) == 1
    assert 23 * 3600 < DailyBackup(config).due_in() <= 24 * 3600


def test_backup_days_is_a_declared_setting(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kiosk.backup import backup_days

    assert backup_days(load_config()) == 14
    monkeypatch.setenv("KIOSK_STATE_BACKUP_DAYS", "3")
    assert backup_days(load_config()) == 3
    monkeypatch.setenv("KIOSK_STATE_BACKUP_DAYS", "0")
    with pytest.raises(ConfigError, match="state.backup_days"):
        load_config()


def test_restore_in_process_reports_what_it_did(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_HOME", str(home))
    config = load_config()
    copy = make_backup(config)
    done = restore_state(config)
    assert (done.source, done.jobs, done.highest) == (copy, 2, 2)
    assert done.replaced is not None and done.replaced.name.startswith("state.db.replaced-")
