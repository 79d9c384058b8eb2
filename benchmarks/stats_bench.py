"""Figures of a busy reading room: a year of usage events rolled up, then `kiosk stats --year` and the console's.

The room has 200 visits a day for 365 days, about 41 events a visit (a visit,
the screens it saw, some 16 searches of varied classes with ~15 % zero hits,
some 14 reads of documents of a 20,000-item catalogue with a Zipf-like
popularity, about 1.4 prints, attachments, a rating for ~30 % of visits with
reasons after 不满意, the visit's end): about 3 million events. They are written
with core INSERT executemany in chunks, the day and hour worked out as
`usage.add_events` does, into a fresh state store; the content cache is the
demo catalogue of the same 20,000 items, so top documents get their titles.
"""

from __future__ import annotations

import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from content_cache import ContentCache
from content_cache.db import sqlite_url, writer
from content_cache.models import Item
from kiosk import report as reports
from kiosk import usage
from kiosk.console_figures import figures_view
from kiosk.figures import REASONS
from kiosk.report import make_report
from kiosk.state import StateStore
from kiosk.usage import DailyTotal, UsageEvent

Row = tuple[str, str, str]
EventRow = dict[str, Any]  # the columns of one usage_events row
Step = tuple[int, str, str, str, int]  # seconds into the visit, kind, label, index_no, amount

YEAR = 2025  # a whole past year: nothing of it is due for purging under the default retention (1,095 days)
CATALOGUE = 20_000
CHUNK = 50_000  # rows of one executemany
EXTRA_DAYS = 3  # days added one at a time after the year: the incremental roll-up, median taken
REPORT_TARGET_MS = 1000  # `kiosk stats --year`: make_report
FIGURES_TARGET_MS = 300  # the console's figures page for a year
HOURS = {8: 5, 9: 11, 10: 15, 11: 13, 12: 6, 13: 7, 14: 10, 15: 10, 16: 8, 17: 5}  # opening hours, busy mid-morning
QUERY_CLASSES = {"text": 55, "letters": 18, "doc_no": 10, "index_no": 5, "mixed": 12}
RATINGS = {"good": 65, "fair": 25, "poor": 10}


@dataclass(frozen=True, slots=True)
class Room:
    """The random draws of one simulated room: a seeded generator and the catalogue's popularity."""

    rng: random.Random
    index_nos: list[str]
    popularity: list[float]  # cumulative Zipf weights, most read first

    def documents(self, count: int) -> list[str]:
        return self.rng.choices(self.index_nos, cum_weights=self.popularity, k=count)

    def pick(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]


def make_room(index_nos: list[str], seed: int = 1) -> Room:
    """A room reading `index_nos` with a Zipf-like popularity (s = 1) in a shuffled order."""
    rng = random.Random(seed)
    ranked = sorted(index_nos)
    rng.shuffle(ranked)
    return Room(rng, ranked, list(accumulate(1 / rank for rank in range(1, len(ranked) + 1))))


# -- one visit -------------------------------------------------------------------------------------------

Action = tuple[str, str, str, int, int]  # kind, label, index_no, amount, seconds it takes
SCREEN_OF = {"search": "search", "read": "document", "print": "print", "attachment": "attachment"}


def visit_steps(room: Room) -> list[Step]:
    """What one visit did, second by second from its start, ending with its visit_end."""
    rng = room.rng
    actions = _searches(room) + _reads(room) + _prints(room) + _attachments(room)
    rng.shuffle(actions)
    screens = {"home", "browse"} if rng.random() < 0.6 else {"home"}
    screens |= {SCREEN_OF[kind] for kind, *_rest in actions}
    steps: list[Step] = [(0, "visit", "", "", 0)] + [(1, "screen", name, "", 0) for name in sorted(screens)]
    second = 2
    for kind, label, index_no, amount, takes in actions:
        steps.append((second, kind, label, index_no, amount))
        second += takes
    steps += _rating(room, second)
    return steps + [(second + 5, "visit_end", "idle" if rng.random() < 0.6 else "end", "", second + 5)]


def _searches(room: Room) -> list[Action]:
    rng = room.rng
    return [
        ("search", room.pick(QUERY_CLASSES), "", int(rng.random() < 0.15), rng.randint(5, 40))
        for _ in range(rng.randint(8, 24))
    ]


def _reads(room: Room) -> list[Action]:
    """Reads of 10 … 600 seconds, most of them short."""
    seconds = [min(600, 10 + int(room.rng.expovariate(1 / 50))) for _ in range(room.rng.randint(7, 22))]
    return [("read", "", doc, s, s) for doc, s in zip(room.documents(len(seconds)), seconds, strict=True)]


def _prints(room: Room) -> list[Action]:
    rng = room.rng
    count = rng.choices(range(5), weights=(25, 35, 22, 12, 6))[0]
    found: list[Action] = []
    for doc in room.documents(count):
        a4 = rng.random() < 0.6
        pages = min(60, 1 + int(rng.expovariate(1 / 4))) if a4 else 1
        found.append(("print", "a4" if a4 else "receipt", doc, pages, 20))
    return found


def _attachments(room: Room) -> list[Action]:
    count = room.rng.choices(range(4), weights=(30, 30, 25, 15))[0]
    return [("attachment", "", doc, 0, 30) for doc in room.documents(count)]


def _rating(room: Room, second: int) -> list[Step]:
    """A rating for ~30 % of visits (its screen with it); 1 or 2 reasons with 不满意."""
    if room.rng.random() >= 0.3:
        return []
    rating = room.pick(RATINGS)
    reasons = room.rng.sample(list(REASONS), room.rng.randint(1, 2)) if rating == "poor" else []
    return [(second, "screen", "rating", "", 0), (second + 2, "rating", rating, "", 0)] + [
        (second + 2, "reason", reason, "", 0) for reason in reasons
    ]


def event_rows(steps: list[Step], token: str, start: datetime) -> Iterator[EventRow]:
    """The usage_events rows of a visit that began at `start` (UTC), each with its local day and hour."""
    for second, kind, label, index_no, amount in steps:
        moment = start + timedelta(seconds=second)
        local = moment.astimezone()  # as usage.add_events: the local date and hour of the stored moment
        yield {
            "at": moment,
            "day": local.date().isoformat(),
            "hour": local.hour,
            "visit": token,
            "kind": kind,
            "label": label,
            "index_no": index_no,
            "count": 1,
            "amount": max(0, amount),
        }


# -- a day, a year ---------------------------------------------------------------------------------------


def day_rows(room: Room, day: date, visits: int) -> Iterator[EventRow]:
    """The events of `visits` visits on `day`, in the order their visits began."""
    rng = room.rng
    hours = rng.choices(list(HOURS), weights=list(HOURS.values()), k=visits)
    starts = sorted(datetime(day.year, day.month, day.day, h, rng.randrange(60), rng.randrange(60)) for h in hours)
    for start in starts:
        token = f"{rng.getrandbits(64):016x}"
        yield from event_rows(visit_steps(room), token, start.astimezone().astimezone(UTC))


def chunks(rows: Iterator[EventRow], size: int = CHUNK) -> Iterator[list[EventRow]]:
    chunk: list[EventRow] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def insert_days(state: StateStore, room: Room, days: list[date], visits: int) -> tuple[int, float, float]:
    """Write the events of `days`; (events, seconds making them, seconds inserting them)."""
    rows = (row for day in days for row in day_rows(room, day, visits))
    events, making, inserting = 0, 0.0, 0.0
    made = time.perf_counter()
    for chunk in chunks(rows):
        start = time.perf_counter()
        making += start - made
        with writer(state.engine).begin() as connection:
            connection.execute(insert(UsageEvent), chunk)
        made = time.perf_counter()
        inserting += made - start
        events += len(chunk)
    return events, making, inserting


# -- the rows of the table -------------------------------------------------------------------------------


def _ms(seconds: float) -> float:
    return seconds * 1000


def _verdict(ms: float, target: int) -> str:
    return f"target < {target:,} ms: {'met' if ms < target else 'MISSED'}"


def timed_ms(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(_ms(time.perf_counter() - start))
    return out


def bench_insert(state: StateStore, room: Room, visits: int) -> list[Row]:
    days = [date(YEAR, 1, 1) + timedelta(days=n) for n in range(365)]
    events, making, inserting = insert_days(state, room, days, visits)
    rate = events / inserting if inserting else 0.0
    return [
        (
            "stats: insert a year's usage events",
            f"{visits} visits/day × 365 days, {events:,} events, chunks of {CHUNK:,}",
            f"{inserting:.1f} s ({rate:,.0f} events/s; generating them {making:.1f} s) (info only)",
        )
    ]


def bench_roll_up_year(state: StateStore) -> list[Row]:
    start = time.perf_counter()
    folded = usage.roll_up(state)
    seconds = time.perf_counter() - start
    return [("stats: roll_up of the whole year", f"{folded:,} events at once", f"{seconds:.1f} s (one-off; info only)")]


def bench_roll_up_day(state: StateStore, room: Room, visits: int) -> list[Row]:
    """Each of EXTRA_DAYS more days inserted, then rolled up on top of the year."""
    times, folded = [], []
    for n in range(EXTRA_DAYS):
        insert_days(state, room, [date(YEAR + 1, 1, 1) + timedelta(days=n)], visits)
        start = time.perf_counter()
        folded.append(usage.roll_up(state))
        times.append(_ms(time.perf_counter() - start))
    return [
        (
            "stats: roll_up of one more day",
            f"~{statistics.mean(folded):,.0f} events on top of the year, {EXTRA_DAYS} days",
            f"median {statistics.median(times):.0f} ms, max {max(times):.0f} ms (incremental; info only)",
        )
    ]


def bench_report(state: StateStore, content: ContentCache) -> list[Row]:
    """`kiosk stats --year` as a table, and as a JSON export, on the rolled-up store (settle finds nothing to do)."""
    start, end = date(YEAR, 1, 1), date(YEAR, 12, 31)

    def table() -> object:
        made, _ = make_report(state, content, start, end, room="阅览室", kiosk="终端1", keep_days=1095, exported=False)
        return reports.table(made)

    def exported() -> object:
        made, data = make_report(state, content, start, end, room="阅览室", kiosk="终端1", keep_days=1095)
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    ms, export_ms = timed_ms(table, 3), timed_ms(exported, 3)
    median = statistics.median(ms)
    return [
        (
            f"stats: kiosk stats --year {YEAR}",
            f"rolled-up year, {CATALOGUE:,}-item catalogue, table, 3 runs",
            f"median {median:.0f} ms, max {max(ms):.0f} ms ({_verdict(median, REPORT_TARGET_MS)})",
        ),
        (
            f"stats: kiosk stats --year {YEAR} --format json",
            "the same, with every daily total for --merge (info only)",
            f"median {statistics.median(export_ms):.0f} ms",
        ),
    ]


def bench_figures(state: StateStore, content: ContentCache) -> list[Row]:
    """The console's figures page for the year, as Services.staff_figures makes it."""
    start, end = date(YEAR, 1, 1), date(YEAR, 12, 31)

    def page() -> object:
        made, _ = make_report(state, content, start, end, room="阅览室", kiosk="终端1", keep_days=1095, exported=False)
        return figures_view(made, f"{YEAR}年")

    ms = timed_ms(page, 5)
    median = statistics.median(ms)
    return [
        (
            "stats: console figures page, 本年",
            f"label totals and the top documents of {YEAR}, 5 runs",
            f"median {median:.0f} ms, max {max(ms):.0f} ms ({_verdict(median, FIGURES_TARGET_MS)})",
        )
    ]


def bench_total_rows(state: StateStore) -> list[Row]:
    first, last = date(YEAR, 1, 1).isoformat(), date(YEAR, 12, 31).isoformat()
    with state.session() as session:
        count = session.scalar(
            select(func.count()).select_from(DailyTotal).where(DailyTotal.day >= first, DailyTotal.day <= last)
        )
    return [("stats: daily-total rows of the year", f"{YEAR}", f"{count or 0:,} rows (~{(count or 0) // 365:,} a day)")]


def catalogue(content: ContentCache) -> list[str]:
    with content.session() as session:
        return list(session.scalars(select(Item.index_no)))


def bench_stats(visits: int = 200) -> list[Row]:
    """A year of `visits` visits a day: insert, roll up (all at once, then a day more), report, console figures."""
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        content = ContentCache.open(Path(tmp) / "content.db")
        content.load_demo(CATALOGUE - 1, seed=1)  # and the seed report: CATALOGUE items
        state = StateStore(sqlite_url(Path(tmp) / "state.db"))
        try:
            room = make_room(catalogue(content))
            rows = bench_insert(state, room, visits)
            rows += bench_roll_up_year(state)
            rows += bench_roll_up_day(state, room, visits)
            rows += bench_report(state, content)
            rows += bench_figures(state, content)
            return rows + bench_total_rows(state)
        finally:
            state.close()
            content.close()
