"""The print job's state machine (printing.job_states) as the real queue walks it: every move the table holds is
made and recorded, no other move is, and each staff action is taken exactly where the table allows it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.jobs import JobError, JobQueue
from kiosk.state import PrintJob, StateStore, now
from printing.job_states import (
    ACTION_MOVES,
    ACTIONS,
    ALL_STATES,
    FAULT_STATES,
    FIRST_STATES,
    LAST_ERROR_STATES,
    MOVES,
    SETTLED_STATES,
    STATES,
    WAITING_STATES,
    MoveRefused,
    StaffAction,
    actions_of,
    check_move,
    state_name,
)
from tests.kiosk.test_jobs import ScriptedPrinter, make_queue, submit

HELD_ABOVE = 10  # pages: a longer copy waits for staff to release it


def _queue(store: StateStore, tmp_path: Path, printer: ScriptedPrinter) -> JobQueue:
    return make_queue(store, tmp_path, printer, release_above=HELD_ABOVE, hold_hours=4)


def _held(queue: JobQueue) -> PrintJob:
    return submit(queue, pages=HELD_ABOVE + 1)


def _at_the_printer(queue: JobQueue, printer: ScriptedPrinter) -> PrintJob:
    printer.held = True
    job = submit(queue)
    queue.work()
    return queue.get(job.job_no)


def _to_check(queue: JobQueue, printer: ScriptedPrinter) -> PrintJob:
    printer.drop = True
    job = submit(queue)
    queue.work()
    printer.drop = False
    return queue.get(job.job_no)


def _walk(store: StateStore, tmp_path: Path) -> JobQueue:
    """Every move of the table, each made once through the queue's own API."""
    printer = ScriptedPrinter()
    queue = _queue(store, tmp_path, printer)
    queue.release(_held(queue).job_no, "console")  # awaiting_release → queued
    queue.work()  # queued → printing → done
    expiring = _held(queue)
    with store.begin() as session:
        session.get_one(PrintJob, expiring.id).expires_at = now() - timedelta(seconds=1)
    queue.work()  # awaiting_release → expired
    queue.cancel(_held(queue).job_no, "console")  # awaiting_release → cancelled
    queue.cancel(submit(queue).job_no, "console")  # queued → cancelled
    failing = _at_the_printer(queue, printer)
    printer.states[failing.handle] = "failed"
    queue.work()  # printing → failed
    queue.cancel(_at_the_printer(queue, printer).job_no, "console")  # printing → cancelled (at the printer)
    printer.held, printer.unavailable = False, 1
    retried = submit(queue)
    queue.work()  # printing → queued (the printer was off)
    assert queue.get(retried.job_no).state == "queued"
    queue.collected(_to_check(queue, printer).job_no, "console")  # printing → check_printer → done
    queue.reprint(_to_check(queue, printer).job_no, "console")  # check_printer → failed
    queue.cancel(_to_check(queue, printer).job_no, "console")  # check_printer → cancelled
    return queue


def test_the_queue_makes_every_move_of_the_table_and_no_other(state: StateStore, tmp_path: Path) -> None:
    queue = _walk(state, tmp_path)
    made = {
        (event.from_state, event.to_state)
        for job in queue.jobs(limit=100)
        for event in queue.events(job.job_no)
        if event.from_state != event.to_state  # a job handed over stays printing: recorded, not a move
    }
    assert {move for move in made if move[0]} == set(MOVES)
    assert {target for source, target in made if not source} == set(FIRST_STATES)


@pytest.mark.parametrize("source", ALL_STATES)
def test_a_move_outside_the_table_is_refused(source: str) -> None:
    for target in ALL_STATES:
        if (source, target) in MOVES:
            check_move(source, target)
        else:
            with pytest.raises(MoveRefused):
                check_move(source, target)


def _job_in(state_wanted: str, queue: JobQueue, printer: ScriptedPrinter, store: StateStore) -> PrintJob:
    makers: dict[str, Callable[[], PrintJob]] = {
        "queued": lambda: submit(queue),
        "awaiting_release": lambda: _held(queue),
        "printing": lambda: _at_the_printer(queue, printer),
        "check_printer": lambda: _to_check(queue, printer),
    }
    if state_wanted in makers:
        return makers[state_wanted]()
    job = submit(queue)  # an ended state: printed, then set as the table's own word for it
    queue.work()
    with store.begin() as session:
        session.get_one(PrintJob, job.id).state = state_wanted
    return queue.get(job.job_no)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("job_state", ALL_STATES)
def test_a_staff_action_is_taken_exactly_where_the_table_allows_it(
    state: StateStore,
    tmp_path: Path,
    job_state: str,
    action: StaffAction,
) -> None:
    printer = ScriptedPrinter()
    queue = _queue(state, tmp_path, printer)
    job = _job_in(job_state, queue, printer, state)
    assert job.state == job_state
    take = {"release": queue.release, "cancel": queue.cancel, "reprint": queue.reprint, "collected": queue.collected}
    if job_state in ACTION_MOVES[action]:
        done = take[action](job.job_no, "console")
        expected = ACTION_MOVES[action][job_state]
        assert queue.get(job.job_no).state == (expected or job_state)
        assert action != "reprint" or done.reprint_of == job.id
    else:
        with pytest.raises(JobError):
            take[action](job.job_no, "console")
        assert queue.get(job.job_no).state == job_state


def test_every_state_has_a_name_an_order_and_its_actions() -> None:
    assert set(STATES) == set(ALL_STATES)
    assert len({rule.name for rule in STATES.values()}) == len(STATES)
    assert state_name("check_printer") == "请检查打印机" and state_name("no such state") == "no such state"
    assert actions_of("check_printer") == ("collected", "reprint", "cancel")
    assert actions_of("queued") == ("cancel",) and actions_of("expired") == ("reprint",)


def test_the_groups_the_queue_and_console_count_by_come_from_the_table() -> None:
    assert set(SETTLED_STATES) == {"done", "failed", "cancelled", "expired", "awaiting_release", "check_printer"}
    assert set(FAULT_STATES) == {"failed", "check_printer"}
    assert set(WAITING_STATES) == {"queued", "awaiting_release", "check_printer"}
    assert set(LAST_ERROR_STATES) == {"failed", "check_printer", "queued"}
    # every state a job can wait in for a printer is unsettled: a citizen's wait follows it
    assert not set(SETTLED_STATES) & {"queued", "printing"}
