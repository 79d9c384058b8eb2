"""China's official working-day calendar, as the 国务院办公厅 holiday notices set it.

The 条例 counts its time limits in working days: an item is to be made public
"自该政府信息形成或者变更之日起20个工作日内", the day it was formed not counted.
A working day is Monday to Friday, less the official days off (法定节假日 and
the notice's other days off), plus the weekend days a notice makes working days
(调休上班). The days come from `data/holidays.json`, shipped with the package
and read once; outside the years it covers, Monday to Friday are counted.

`working_days_after` is O(1): working days through a date are the Monday-to-
Friday days through it (arithmetic on the ordinal) plus a running correction
that is precomputed for every day of the covered years.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files

LEGAL_LIMIT = 20  # working days from 形成 or 变更 to 公开 (条例 第二十六条)
HOLIDAYS = "holidays.json"


@dataclass(frozen=True, slots=True)
class _Calendar:
    """The shipped calendar: its days off and working weekend days, and the running correction."""

    years: tuple[int, ...]
    off: frozenset[date]
    work: frozenset[date]
    first: int  # the ordinal of the first day the correction covers
    correction: tuple[int, ...]  # working days less Monday-to-Friday days, from `first` through each day


def _dates(values: list[str]) -> frozenset[date]:
    return frozenset(date.fromisoformat(v) for v in values)


def _weekday(day: date) -> bool:
    return day.weekday() < 5


def _working(day: date, off: frozenset[date], work: frozenset[date]) -> bool:
    return day not in off and (day in work or _weekday(day))


def _running_correction(first: date, last: date, off: frozenset[date], work: frozenset[date]) -> tuple[int, ...]:
    """For each day from `first` through `last`: working days so far less Monday-to-Friday days so far."""
    out: list[int] = []
    total = 0
    for ordinal in range(first.toordinal(), last.toordinal() + 1):
        day = date.fromordinal(ordinal)
        total += _working(day, off, work) - _weekday(day)
        out.append(total)
    return tuple(out)


@cache
def _calendar() -> _Calendar:
    """The calendar of the shipped file, read at the first use."""
    text = files("content_cache").joinpath("data", HOLIDAYS).read_text(encoding="utf-8")
    years_data: dict[str, dict[str, list[str]]] = json.loads(text)["years"]
    years = tuple(sorted(int(y) for y in years_data))
    off = _dates([d for y in years_data.values() for d in y["off"]])
    work = _dates([d for y in years_data.values() for d in y["work"]])
    if not years:
        return _Calendar((), off, work, 1, ())
    first, last = date(years[0], 1, 1), date(years[-1], 12, 31)
    return _Calendar(years, off, work, first.toordinal(), _running_correction(first, last, off, work))


def covered_years() -> tuple[int, ...]:
    """The years the shipped calendar holds; outside them Monday to Friday are working days."""
    return _calendar().years


def is_working_day(day: date) -> bool:
    """True on Monday to Friday unless an official day off, and on a weekend day a notice made a working day."""
    calendar = _calendar()
    return _working(day, calendar.off, calendar.work)


def _weekdays_through(ordinal: int) -> int:
    """Monday-to-Friday days from 0001-01-01 (a Monday, ordinal 1) through `ordinal`."""
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


def _working_days_through(calendar: _Calendar, ordinal: int) -> int:
    """Working days from 0001-01-01 through `ordinal`: by the calendar in its years, Monday to Friday elsewhere."""
    index = min(ordinal - calendar.first, len(calendar.correction) - 1)
    return _weekdays_through(ordinal) + (calendar.correction[index] if index >= 0 else 0)


def working_days_after(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (the 条例's count from 形成); 0 when `end` <= `start`."""
    if end <= start:
        return 0
    calendar = _calendar()
    return _working_days_through(calendar, end.toordinal()) - _working_days_through(calendar, start.toordinal())
