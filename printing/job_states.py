"""The print job's state machine, declared once: its states, the moves between them, the staff actions each state
allows, the order the staff console lists them in and their Chinese names.

The queue (kiosk.jobs), the CLI, the services and the staff console derive what they need from here; a move the
table does not hold is refused by the queue (`check_move`).

States and who moves a job between them::

    queued ──────────────► printing ──► done
      ▲  (printer offline:    │  └────► failed / cancelled   (CUPS says so)
      │   retry with backoff) └───────► check_printer        (outcome unknown: staff look)
    awaiting_release ──► queued            (staff release; more pages than the threshold)
      └────────────────► expired           (not released in time)
    queued / awaiting_release / check_printer ──► cancelled   (staff)
    check_printer ──► done (staff saw it collected) / failed (staff reprinted it)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

JobState = Literal["queued", "awaiting_release", "printing", "done", "failed", "cancelled", "expired", "check_printer"]
StaffAction = Literal["release", "cancel", "reprint", "collected"]


@dataclass(frozen=True, slots=True)
class StateRule:
    """What a state means to the queue and to staff."""

    name: str  # as staff read it
    order: int = 9  # the console lists jobs by this, those that need staff first
    ended: bool = False  # nothing more happens to the job by itself
    counted: bool = False  # its pages count against the visitor's and the day's quota
    alert: bool = False  # the console marks it: staff should look
    with_staff: bool = False  # nothing happens until staff act (release it, or say whether it printed)
    fault: bool = False  # the printer failed it, or may have: the day's failures
    waiting: bool = False  # not yet at its printer: the day's waiting jobs
    last_error: bool = False  # may hold the printer's last error (a failure, or a retry after one)


STATES: dict[JobState, StateRule] = {
    "check_printer": StateRule(
        "请检查打印机", order=0, counted=True, alert=True, with_staff=True, fault=True, waiting=True, last_error=True
    ),
    "awaiting_release": StateRule("待放行", order=1, counted=True, alert=True, with_staff=True, waiting=True),
    "failed": StateRule("失败", order=2, ended=True, alert=True, fault=True, last_error=True),
    "queued": StateRule("排队中", order=3, counted=True, waiting=True, last_error=True),
    "printing": StateRule("打印中", order=4, counted=True),
    "done": StateRule("已完成", ended=True, counted=True),
    "cancelled": StateRule("已取消", ended=True),
    "expired": StateRule("已过期", ended=True),
}

# Every move the queue makes, and why.
MOVES: dict[tuple[JobState, JobState], str] = {
    ("awaiting_release", "queued"): "staff released it",
    ("awaiting_release", "expired"): "not released in time",
    ("awaiting_release", "cancelled"): "staff cancelled it",
    ("queued", "printing"): "sent to its printer",
    ("queued", "cancelled"): "staff cancelled it",
    ("printing", "done"): "printed",
    ("printing", "failed"): "the printer failed it",
    ("printing", "cancelled"): "cancelled at the printer",
    ("printing", "queued"): "the printer was unavailable: tried again later",
    ("printing", "check_printer"): "the outcome is unknown: staff look",
    ("check_printer", "done"): "staff saw it printed",
    ("check_printer", "failed"): "staff reprinted it",
    ("check_printer", "cancelled"): "staff cancelled it",
}

# A new job starts held for staff or queued.
FIRST_STATES: tuple[JobState, ...] = ("awaiting_release", "queued")

# Each staff action, in the console's order: its button label, the verb for what it did (已放行任务 0007), and the
# move it makes from each state that allows it (None: the job keeps its state; a reprint makes a new job).
ACTIONS: tuple[StaffAction, ...] = ("release", "collected", "reprint", "cancel")
ACTION_LABELS: dict[StaffAction, str] = {"release": "放行", "cancel": "取消", "reprint": "重印", "collected": "已取件"}
ACTION_VERBS: dict[StaffAction, str] = {"release": "放行", "cancel": "取消", "reprint": "重印", "collected": "登记取件"}
ACTION_MOVES: dict[StaffAction, dict[JobState, JobState | None]] = {
    "release": {"awaiting_release": "queued"},
    "cancel": {
        "awaiting_release": "cancelled",
        "queued": "cancelled",
        "printing": "cancelled",
        "check_printer": "cancelled",
    },
    "reprint": {"check_printer": "failed", "done": None, "failed": None, "cancelled": None, "expired": None},
    "collected": {"check_printer": "done", "done": None},
}

ALL_STATES: tuple[JobState, ...] = get_args(JobState)
ENDED_STATES: tuple[JobState, ...] = tuple(state for state in ALL_STATES if STATES[state].ended)
ACTIVE_STATES: tuple[JobState, ...] = tuple(state for state in ALL_STATES if not STATES[state].ended)
COUNTED_STATES: tuple[JobState, ...] = tuple(state for state in ALL_STATES if STATES[state].counted)
ALERT_STATES: tuple[JobState, ...] = tuple(state for state in ALL_STATES if STATES[state].alert)
# Needs nothing more from the process that made it: ended, or waiting on staff (a citizen's wait can stop).
SETTLED_STATES: tuple[JobState, ...] = tuple(s for s in ALL_STATES if STATES[s].ended or STATES[s].with_staff)
FAULT_STATES: tuple[JobState, ...] = tuple(state for state in ALL_STATES if STATES[state].fault)
WAITING_STATES: tuple[JobState, ...] = tuple(state for state in ALL_STATES if STATES[state].waiting)
LAST_ERROR_STATES: tuple[JobState, ...] = tuple(state for state in ALL_STATES if STATES[state].last_error)


class MoveRefused(ValueError):
    """A move the state machine does not hold (a bug in the caller, never a citizen's or staff's doing)."""


def check_move(source: str, target: JobState) -> None:
    """Raise MoveRefused unless the table holds the move from `source` to `target`."""
    if (source, target) not in MOVES:
        raise MoveRefused(f"a print job cannot go from {source} to {target}")


def staff_action(name: str) -> StaffAction | None:
    """The staff action called `name`, or None when there is none of that name."""
    return next((action for action in ACTIONS if action == name), None)


def allows(state: str, action: StaffAction) -> bool:
    """Whether a job in `state` allows the staff `action`."""
    return state in ACTION_MOVES[action]


def actions_of(state: str) -> tuple[StaffAction, ...]:
    """The staff actions a job in `state` allows, in the console's order."""
    return tuple(action for action in ACTIONS if allows(state, action))


_NAMES: dict[str, str] = {state: rule.name for state, rule in STATES.items()}
_ORDER: dict[str, int] = {state: rule.order for state, rule in STATES.items()}


def state_name(state: str) -> str:
    """The state as staff read it; an unknown state as it is spelt."""
    return _NAMES.get(state, state)


def console_order(state: str) -> int:
    """Where the console lists a job in `state`: those that need staff first."""
    return _ORDER.get(state, 9)
