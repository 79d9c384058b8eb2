"""`kiosk keygen / export / publish / sync` as operators run them, against a feed server on 127.0.0.1."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kiosk.bootstrap import build_services
from kiosk.cli import _nightly_sync
from kiosk.config import load_config
from tests.content_cache.sync.feed_server import serve
from tests.kiosk.test_cli import kiosk

pytestmark = pytest.mark.slow  # separate processes: `make test-fast` leaves these out


def test_sync_over_http_then_status(publisher: tuple[Path, Path], tmp_path: Path) -> None:
    keys, feed = publisher
    trust = str(keys / "publisher.pub")
    with serve(feed) as server:
        first = kiosk(tmp_path, "sync", "--source", server.url, "--trust", trust)
        again = kiosk(tmp_path, "sync", "--source", server.url, "--trust", trust)
    assert first.returncode == again.returncode == 0, first.stderr + again.stderr
    assert "snapshot applied: sequence None → 1, 41 added" in first.stdout
    assert again.stdout.startswith("already up to date at sequence 1")
    status = kiosk(tmp_path, "sync", "--status").stdout.splitlines()
    assert "unchanged" in status[0] and "ok" in status[1] and "+41" in status[1]
    search = kiosk(tmp_path, "search", "003232741/2008-00001", "--json")
    assert '"total": 1' in search.stdout


def test_a_feed_signed_by_another_key_fails_in_one_line_and_is_logged(
    publisher: tuple[Path, Path], tmp_path: Path
) -> None:
    _keys, feed = publisher
    assert kiosk(tmp_path, "keygen", str(tmp_path / "other")).returncode == 0
    done = kiosk(tmp_path, "sync", "--source", str(feed), "--trust", str(tmp_path / "other" / "publisher.pub"))
    assert done.returncode == 1 and len(done.stderr.splitlines()) == 1
    assert "does not trust" in done.stderr
    assert "failed" in kiosk(tmp_path, "sync", "--status").stdout


def test_sync_without_a_source_says_which_setting(tmp_path: Path) -> None:
    done = kiosk(tmp_path, "sync")
    assert done.returncode == 1 and "sync.source" in done.stderr


def test_keygen_refuses_to_overwrite_a_key(tmp_path: Path) -> None:
    assert kiosk(tmp_path, "keygen", str(tmp_path / "k")).returncode == 0
    again = kiosk(tmp_path, "keygen", str(tmp_path / "k"))
    assert again.returncode == 1 and "kiosk: error:" in again.stderr


def test_the_in_app_scheduler_catches_up_a_missed_night(
    publisher: tuple[Path, Path], kiosk_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys, feed = publisher
    monkeypatch.setenv("KIOSK_SYNC_SOURCE", str(feed))
    monkeypatch.setenv("KIOSK_SYNC_TRUSTED_KEYS", str(keys / "publisher.pub"))
    config = load_config()
    services = build_services(config)
    synced: list[bool] = []
    scheduler = _nightly_sync(config, services, lambda: synced.append(True))
    assert scheduler is not None
    try:
        deadline = time.monotonic() + 30
        while not synced and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        scheduler.stop()
        services.close()
    assert synced == [True]
    run = services.state.sync_runs(1)[0]
    assert (run.trigger, run.outcome, run.added) == ("schedule", "ok", 41)
    assert services.sync_status.snapshot()[0] is False


def test_a_run_left_running_by_a_killed_sync_is_marked_interrupted(
    publisher: tuple[Path, Path], kiosk_home: Path
) -> None:
    from kiosk.state import StateStore

    keys, feed = publisher
    state = StateStore(f"sqlite:///{kiosk_home / 'state.db'}")
    state.start_sync(str(feed), "manual", None)  # as a process killed mid-sync leaves it
    state.close()
    assert kiosk(kiosk_home, "sync", "--source", str(feed), "--trust", str(keys / "publisher.pub")).returncode == 0
    status = kiosk(kiosk_home, "sync", "--status").stdout.splitlines()
    assert "ok" in status[0] and "interrupted" in status[1]


@pytest.mark.parametrize("where", ["as the feed is closed", "as the run is recorded"])
def test_a_stop_once_the_content_is_applied_is_recorded_truly(
    publisher: tuple[Path, Path], kiosk_home: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """SIGTERM after the sync's commit: before its run is recorded, the run is interrupted and says the content
    had been applied; as it is recorded, the stop waits, and the sync stands as finished. Never left "running"."""
    import os
    import signal

    from content_cache.sync.transport import FolderTransport
    from kiosk.state import StateStore
    from kiosk.sync import SyncInterrupted, SyncRequest, sync_now

    keys, feed = publisher
    owner, name = (FolderTransport, "close") if where == "as the feed is closed" else (StateStore, "finish_sync")
    original = getattr(owner, name)
    sent: list[bool] = []

    def stopped_there(self: object, *args: object, **kwargs: object) -> object:
        if not sent:
            sent.append(True)
            os.kill(os.getpid(), signal.SIGTERM)  # handled in this (the main) thread as soon as it may be
        return original(self, *args, **kwargs)

    monkeypatch.setattr(owner, name, stopped_there)
    config = load_config()
    services = build_services(config)
    request = SyncRequest(str(feed), (keys / "publisher.pub",))
    try:
        if where == "as the feed is closed":
            with pytest.raises(SyncInterrupted, match="already been applied"):
                sync_now(config, services.content, services.state, request)
            expected = "interrupted"
        else:
            assert sync_now(config, services.content, services.state, request).added == 41
            expected = "ok"
        assert sent and services.state.sync_runs(1)[0].outcome == expected
        assert services.content.item_count() == 41
    finally:
        services.close()


@pytest.mark.parametrize("failures", [1, 2])
def test_a_run_record_the_full_disk_refuses_never_reports_the_applied_sync_as_failed(
    publisher: tuple[Path, Path],
    kiosk_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    failures: int,
) -> None:
    """The content is applied; writing its run's record fails (SQLite: the disk is full). Tried again once the
    cache lets its write-ahead log go: then recorded. Failing again: the sync still returns its report, staff see
    why, and the run is neither "failed" nor left "running" after the next sync."""
    from sqlalchemy.exc import OperationalError

    from kiosk.state import StateStore
    from kiosk.sync import SyncRequest, SyncStatus, sync_now

    keys, feed = publisher
    original = StateStore.finish_sync
    refused: list[str] = []

    def full_disk(self: StateStore, run_id: int, outcome: str, **fields: object) -> object:
        if outcome == "ok" and len(refused) < failures:
            refused.append(outcome)
            raise OperationalError("UPDATE sync_runs", {}, Exception("database or disk is full"))
        return original(self, run_id, outcome, **fields)

    monkeypatch.setattr(StateStore, "finish_sync", full_disk)
    config = load_config()
    services = build_services(config)
    status = SyncStatus()
    request = SyncRequest(str(feed), (keys / "publisher.pub",))
    try:
        report = sync_now(config, services.content, services.state, request, status=status)
        assert report.added == 41 and services.content.item_count() == 41
        run = services.state.sync_runs(1)[0]
        if failures == 1:
            assert run.outcome == "ok" and status.last_error == ""
        else:
            assert run.outcome == "running"
            assert "applied (sequence 1)" in status.last_error and "disk is full" in status.last_error
            assert "could not be written" in caplog.text
            again = sync_now(config, services.content, services.state, request, status=status)
            assert again.mode == "unchanged" and status.last_error == ""
            assert [r.outcome for r in services.state.sync_runs(2)] == ["unchanged", "interrupted"]
    finally:
        services.close()
