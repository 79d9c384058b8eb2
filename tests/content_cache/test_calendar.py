"""The official working-day calendar: the shipped days, and the count of working days after a date."""

from __future__ import annotations

import json
from datetime import date, timedelta
from importlib.resources import files

import pytest
from hypothesis import given
from hypothesis import strategies as st

from content_cache.calendar import LEGAL_LIMIT, covered_years, is_working_day, working_days_after

# Wide enough to run into the years before and after the shipped calendar.
DAYS = st.dates(min_value=date(2005, 1, 1), max_value=date(2029, 12, 31))


def naive_count(start: date, end: date) -> int:
    """Working days after `start` through `end`, one day at a time."""
    return sum(is_working_day(start + timedelta(days=n)) for n in range(1, (end - start).days + 1))


def test_the_calendar_covers_2008_through_2026() -> None:
    assert covered_years() == tuple(range(2008, 2027))
    assert LEGAL_LIMIT == 20


def test_the_shipped_file_lists_only_weekend_working_days_and_no_day_twice() -> None:
    years = json.loads(files("content_cache").joinpath("data", "holidays.json").read_text("utf-8"))["years"]
    for year, days in years.items():
        work = [date.fromisoformat(d) for d in days["work"]]
        off = [date.fromisoformat(d) for d in days["off"]]
        assert off and all(d.weekday() >= 5 for d in work), year
        assert not set(work) & set(off) and {d.year for d in work + off} == {int(year)}


@pytest.mark.parametrize(
    "day, working",
    [
        (date(2008, 2, 6), False),  # 春节 (the eve)
        (date(2008, 2, 12), False),  # 春节, the last day off
        (date(2008, 2, 2), True),  # a Saturday worked for 春节
        (date(2008, 2, 3), True),  # and the Sunday
        (date(2026, 10, 1), False),  # 国庆节
        (date(2026, 10, 7), False),
        (date(2026, 10, 10), True),  # a Saturday worked for 国庆节
        (date(2026, 3, 10), True),  # an ordinary Tuesday
        (date(2026, 3, 8), False),  # an ordinary Sunday
        (date(2020, 2, 1), False),  # a Saturday to be worked, given back when 春节 2020 was extended
    ],
)
def test_known_days(day: date, working: bool) -> None:
    assert is_working_day(day) is working


def test_the_2008_spring_festival_is_skipped_and_its_weekend_worked() -> None:
    # After Friday 1 February: Sat 2, Sun 3 (worked), Mon 4, Tue 5, then 6–12 off, then Wed 13, Thu 14, Fri 15.
    assert working_days_after(date(2008, 2, 1), date(2008, 2, 15)) == 7
    assert working_days_after(date(2008, 2, 5), date(2008, 2, 12)) == 0


def test_a_count_across_new_year() -> None:
    # After Wednesday 31 December 2025: 1–3 January off, Sunday 4 worked, Monday 5.
    assert working_days_after(date(2025, 12, 31), date(2026, 1, 5)) == 2
    # After Tuesday 30 December 2008: Wednesday 31, then 1–3 January off, Sunday 4 worked, Monday 5.
    assert working_days_after(date(2008, 12, 30), date(2009, 1, 5)) == 3


@pytest.mark.parametrize("start, end", [(date(2026, 3, 10), date(2026, 3, 10)), (date(2026, 3, 10), date(2026, 3, 2))])
def test_no_working_days_when_the_end_is_not_after_the_start(start: date, end: date) -> None:
    assert working_days_after(start, end) == 0


def test_outside_the_covered_years_monday_to_friday_count() -> None:
    assert is_working_day(date(2030, 1, 1))  # a Tuesday, in a year the calendar lacks
    assert not is_working_day(date(2030, 1, 5))
    assert working_days_after(date(2030, 1, 1), date(2030, 1, 8)) == 5
    # Into and out of the covered years: 31 December 2007 counts, 1 January 2008 does not.
    assert working_days_after(date(2007, 12, 28), date(2008, 1, 2)) == 2
    # Thursday 31 December 2026, then Friday 1 January 2027 (no notice yet), Monday 4, Tuesday 5.
    assert working_days_after(date(2026, 12, 30), date(2027, 1, 5)) == 4


@given(DAYS, DAYS, DAYS)
def test_counts_add_up_over_a_middle_day(a: date, b: date, c: date) -> None:
    a, b, c = sorted((a, b, c))
    assert working_days_after(a, c) == working_days_after(a, b) + working_days_after(b, c)


@given(DAYS, st.integers(min_value=-5, max_value=800))
def test_the_count_agrees_with_counting_day_by_day(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    assert working_days_after(start, end) == (naive_count(start, end) if span > 0 else 0)


def test_every_covered_year_agrees_with_counting_day_by_day() -> None:
    for year in covered_years():
        start = date(year, 1, 1) - timedelta(days=1)
        assert working_days_after(start, date(year, 12, 31)) == naive_count(start, date(year, 12, 31)), year
