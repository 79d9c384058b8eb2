from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest

from kiosk.errors import ConfigError
from kiosk.scheduler import SyncScheduler, next_due, parse_time, scheduled_at

CST = timezone(timedelta(hours=8))
AT = time(2, 30)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=CST)


def test_sync_time_is_hh_mm() -> None:
    assert parse_time("03:00") == time(3, 0)
    for bad in ("3 am", "25:00", "", "02:30:00"):
        with pytest.raises(ConfigError, match="sync.time"):
            parse_time(bad)


def test_the_jitter_is_within_bounds_fixed_per_day_and_differs_between_kiosks() -> None:
    first = scheduled_at(at(26, 12), AT, 30, "kiosk-1")
    assert at(26, 2, 30) <= first <= at(26, 3, 0)
    assert first == scheduled_at(at(26, 20), AT, 30, "kiosk-1")
    assert {scheduled_at(at(26, 12), AT, 30, f"kiosk-{n}") for n in range(5)} != {first}


def test_after_tonights_sync_the_next_is_tomorrow_night() -> None:
    due = next_due(at(26, 9), AT, 0, "k", last_success=at(26, 2, 31))
    assert due == at(27, 2, 30)


def test_before_tonights_hour_the_next_is_tonight() -> None:
    assert next_due(at(26, 1), AT, 0, "k", last_success=at(25, 2, 31)) == at(26, 2, 30)


def test_a_kiosk_that_was_off_at_the_hour_catches_up_at_once() -> None:
    now = at(26, 8)
    assert next_due(now, AT, 0, "k", last_success=at(25, 2, 31)) == now
    assert next_due(now, AT, 0, "k", last_success=None) == now


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_the_scheduler_runs_when_due_and_retries_a_failure_later() -> None:
    clock = Clock(at(26, 8))
    runs: list[datetime] = []
    succeeded: list[datetime] = []
    outcomes = iter([RuntimeError("server down"), None, None])

    def sync() -> None:
        runs.append(clock.now)
        if (error := next(outcomes)) is not None:
            raise error
        succeeded.append(clock.now)

    scheduler = SyncScheduler(
        sync,
        lambda: succeeded[-1] if succeeded else None,
        at=AT,
        jitter_minutes=0,
        seed="k",
        retry=timedelta(minutes=30),
        clock=clock,
    )
    assert scheduler.run_if_due()  # missed last night: catches up, fails
    assert not scheduler.run_if_due()  # not again before the retry delay
    clock.now += timedelta(minutes=31)
    assert scheduler.run_if_due() and succeeded == [clock.now]
    clock.now = at(27, 2, 0)
    assert not scheduler.run_if_due()
    clock.now = at(27, 2, 30)
    assert scheduler.run_if_due() and len(runs) == len(succeeded) + 1 == 3


def test_the_thread_stops_promptly() -> None:
    scheduler = SyncScheduler(
        lambda: None, lambda: at(26, 2, 31), at=AT, jitter_minutes=0, seed="k", clock=lambda: at(26, 9)
    )
    scheduler.start()
    scheduler.stop()
    assert not scheduler._thread.is_alive()


def test_a_run_log_that_cannot_be_read_does_not_end_the_thread() -> None:
    reads: list[int] = []

    def last_success() -> datetime:
        reads.append(1)
        if len(reads) == 1:
            raise RuntimeError("database is locked")
        return at(26, 2, 31)

    scheduler = SyncScheduler(lambda: None, last_success, at=AT, jitter_minutes=0, seed="k", clock=lambda: at(26, 9))
    scheduler.start()
    try:
        for _ in range(200):  # the first read fails; the thread waits its minute, still alive
            if reads:
                break
            scheduler._stop.wait(0.01)
        assert reads and scheduler._thread.is_alive()
    finally:
        scheduler.stop()
    assert not scheduler._thread.is_alive()
