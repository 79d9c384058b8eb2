"""Usage events, anonymous by design, and their daily totals: what the room's figures are made of.

An event is one thing a visit did: began (`visit`), saw a screen (`screen`,
once a visit), searched (`search`: the query's class and whether it found
nothing, never its text), read a document (`read`: 索引号 and seconds on
screen), printed (`print`: the kind, 索引号 and pages), opened an attachment
(`attachment`), rated the service (`rating`, and `reason` for each reason
given with 不满意), ended (`visit_end`: idle or 结束, and its seconds). Events
carry a random visit token that names no one.

Figures are read from the daily totals, never from the events: `roll_up()`
folds every event not yet counted into the totals (by event id, so an event
whose clock ran backwards is still counted exactly once), and `purge()` then
deletes events older than the retention, leaving their totals. A period long
purged answers exactly as it did before.

Queries that found nothing are the one exception to "no text": counted per
normalised text and day (`ZeroQuery`), once per visit, with no link to the
visit, under a keyed hash of the text; the text itself is written
(`ZeroText`) only when the third visit within 90 days asks it, and only then
do staff see it. Rows older than 90 days are deleted, and texts with them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from sqlalchemy import DateTime, Integer, String, delete, func, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from kiosk.state import StateBase, StateStore, as_local, now

EventKind = Literal["visit", "visit_end", "screen", "search", "read", "print", "attachment", "rating", "reason"]
HOURLY: frozenset[str] = frozenset({"visit"})  # the totals keep the hour of these kinds only; -1 for the rest
ZERO_QUERY_DAYS = 90  # queries that found nothing are deleted after this many days
ZERO_QUERY_VISITS = 3  # … and shown to staff only once this many different visits asked the same
ZERO_QUERY_CHARS = 40


class UsageEvent(StateBase):
    """One thing a visit did; see the module's docstring for the kinds."""

    __tablename__ = "usage_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    day: Mapped[str] = mapped_column(String(10))  # the local date, YYYY-MM-DD
    hour: Mapped[int] = mapped_column(Integer)  # the local hour, 0 … 23
    visit: Mapped[str] = mapped_column(String(32), default="")  # a random token of the visit
    kind: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(32), default="")  # screen, query class, print kind, rating …
    index_no: Mapped[str] = mapped_column(String(64), default="")
    count: Mapped[int] = mapped_column(Integer, default=1)
    amount: Mapped[int] = mapped_column(Integer, default=0)  # seconds, pages, or 1 for a search that found nothing


class DailyTotal(StateBase):
    """The events of one day summed by what they were; kept when the events are purged."""

    __tablename__ = "daily_totals"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    hour: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    label: Mapped[str] = mapped_column(String(32), primary_key=True)
    index_no: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    amount: Mapped[int] = mapped_column(Integer, default=0)


class LabelTotal(StateBase):
    """The events of one day summed by kind and label alone (no 索引号): the figures of a period read these."""

    __tablename__ = "label_totals"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    hour: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    label: Mapped[str] = mapped_column(String(32), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    amount: Mapped[int] = mapped_column(Integer, default=0)


class DocumentMonth(StateBase):
    """How often a document was read, printed or opened as an attachment in a month: ranks a long period fast."""

    __tablename__ = "document_months"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    index_no: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    amount: Mapped[int] = mapped_column(Integer, default=0)


class ZeroQuery(StateBase):
    """How many visits asked a normalised query that found nothing, on one day, under the query's keyed hash."""

    __tablename__ = "zero_queries"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # HMAC-SHA256 of the text (RollupMark.secret)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    visits: Mapped[int] = mapped_column(Integer, default=0)


class ZeroText(StateBase):
    """The text of a zero-hit query, written only once 3 visits within 90 days asked it."""

    __tablename__ = "zero_texts"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    text: Mapped[str] = mapped_column(String(ZERO_QUERY_CHARS))


class RollupMark(StateBase):
    """The id of the newest event already in the daily totals, and the key of the zero-hit queries' hashes."""

    __tablename__ = "usage_rollup"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_event_id: Mapped[int] = mapped_column(Integer, default=0)
    secret: Mapped[str] = mapped_column(String(64), default="")


@dataclass(frozen=True, slots=True)
class Event:
    """An event as the recorder hands it over, before it is stored."""

    kind: EventKind
    visit: str = ""
    label: str = ""
    index_no: str = ""
    count: int = 1
    amount: int = 0
    at: datetime | None = None  # None: when it is stored


def normalised_query(query: str) -> str:
    """The form zero-hit queries are counted in: NFKC, lower case, spaces collapsed, cut to 40 characters."""
    folded = unicodedata.normalize("NFKC", query).lower()
    shown = "".join(char for char in folded if char.isprintable())
    return " ".join(shown.split())[:ZERO_QUERY_CHARS]


def add_events(session: Session, events: Sequence[Event]) -> None:
    """Store events in the caller's transaction, each with its local day and hour."""
    for event in events:
        moment = event.at or now()
        local = as_local(moment)
        session.add(
            UsageEvent(
                at=moment,
                day=local.date().isoformat(),
                hour=local.hour,
                visit=event.visit[:32],
                kind=event.kind,
                label=event.label[:32],
                index_no=event.index_no[:64],
                count=event.count,
                amount=max(0, event.amount),
            )
        )


def count_zero_query(session: Session, query: str, at: datetime | None = None) -> None:
    """One more visit asked `query` and found nothing (the caller counts a visit once per text).

    The count is kept under the text's keyed hash; the text itself is written only when the third visit within
    90 days asks it, so a name one citizen typed is never stored.
    """
    normal = normalised_query(query)
    if not normal:
        return
    moment = as_local(at or now()).date()
    key = hmac.new(_secret(session).encode(), normal.encode(), hashlib.sha256).hexdigest()
    row = session.get(ZeroQuery, (key, moment.isoformat()))
    if row is None:
        session.add(ZeroQuery(key=key, day=moment.isoformat(), visits=1))
    else:
        row.visits += 1
    session.flush()
    if session.get(ZeroText, key) is None and _asked(session, key, moment) >= ZERO_QUERY_VISITS:
        session.add(ZeroText(key=key, text=normal))


def _asked(session: Session, key: str, day: date) -> int:
    kept_from = (day - timedelta(days=ZERO_QUERY_DAYS)).isoformat()
    found = session.scalar(select(func.sum(ZeroQuery.visits)).where(ZeroQuery.key == key, ZeroQuery.day >= kept_from))
    return int(found or 0)


def _secret(session: Session) -> str:
    """The random key of this store's zero-hit query hashes, made once."""
    mark = session.get(RollupMark, 1)
    if mark is None:
        mark = RollupMark(id=1, last_event_id=0, secret=secrets.token_hex(32))
        session.add(mark)
    elif not mark.secret:
        mark.secret = secrets.token_hex(32)
    return mark.secret


_ROLL_UP = text(
    """
    INSERT INTO daily_totals (day, hour, kind, label, index_no, count, amount)
    SELECT day, CASE WHEN kind IN ('visit') THEN hour ELSE -1 END, kind, label, index_no, sum(count), sum(amount)
    FROM usage_events WHERE id > :mark AND id <= :top
    GROUP BY day, CASE WHEN kind IN ('visit') THEN hour ELSE -1 END, kind, label, index_no
    ON CONFLICT (day, hour, kind, label, index_no)
    DO UPDATE SET count = daily_totals.count + excluded.count, amount = daily_totals.amount + excluded.amount
    """
)


_ROLL_UP_LABELS = text(
    """
    INSERT INTO label_totals (day, hour, kind, label, count, amount)
    SELECT day, CASE WHEN kind IN ('visit') THEN hour ELSE -1 END, kind, label, sum(count), sum(amount)
    FROM usage_events WHERE id > :mark AND id <= :top
    GROUP BY day, CASE WHEN kind IN ('visit') THEN hour ELSE -1 END, kind, label
    ON CONFLICT (day, hour, kind, label)
    DO UPDATE SET count = label_totals.count + excluded.count, amount = label_totals.amount + excluded.amount
    """
)


_ROLL_UP_MONTHS = text(
    """
    INSERT INTO document_months (month, kind, index_no, count, amount)
    SELECT substr(day, 1, 7), kind, index_no, sum(count), sum(amount)
    FROM usage_events WHERE id > :mark AND id <= :top AND index_no <> ''
    GROUP BY substr(day, 1, 7), kind, index_no
    ON CONFLICT (month, kind, index_no)
    DO UPDATE SET count = document_months.count + excluded.count, amount = document_months.amount + excluded.amount
    """
)


def roll_up(store: StateStore) -> int:
    """Fold the events not yet counted into the daily totals; returns how many were folded."""
    with store.begin() as session:
        _secret(session)
        mark = session.get_one(RollupMark, 1)
        top = session.scalar(select(func.max(UsageEvent.id))) or 0
        if top <= mark.last_event_id:
            return 0
        session.execute(_ROLL_UP, {"mark": mark.last_event_id, "top": top})
        session.execute(_ROLL_UP_LABELS, {"mark": mark.last_event_id, "top": top})
        session.execute(_ROLL_UP_MONTHS, {"mark": mark.last_event_id, "top": top})
        folded = top - mark.last_event_id
        mark.last_event_id = top
        return folded


def purge(store: StateStore, keep_days: int, today: date | None = None) -> tuple[int, int]:
    """Delete events older than `keep_days` that are in the totals, and zero-hit queries older than 90 days.

    Returns (events deleted, zero-hit query rows deleted).
    """
    day = today or as_local(now()).date()
    with store.begin() as session:
        mark = session.get(RollupMark, 1)
        counted = mark.last_event_id if mark is not None else 0
        events = session.execute(
            delete(UsageEvent).where(
                UsageEvent.id <= counted, UsageEvent.day < (day - timedelta(days=keep_days)).isoformat()
            )
        )
        queries = session.execute(
            delete(ZeroQuery).where(ZeroQuery.day < (day - timedelta(days=ZERO_QUERY_DAYS)).isoformat())
        )
        session.execute(delete(ZeroText).where(ZeroText.key.not_in(select(ZeroQuery.key))))
        return _rows(events), _rows(queries)


def _rows(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def settle(store: StateStore, keep_days: int) -> None:
    """Bring the totals up to date and apply the retention: what every reader of figures does first."""
    roll_up(store)
    purge(store, keep_days)


TotalRow = tuple[str, int, str, str, str, int, int]  # day, hour, kind, label, index_no, count, amount


def totals(store: StateStore, start: date, end: date) -> list[TotalRow]:
    """The daily totals of the days from `start` to `end` (inclusive), by 索引号 too: what an export holds."""
    first, last = start.isoformat(), end.isoformat()
    with store.session() as session:
        rows = session.execute(_BY_DAY, {"first": first, "last": last})
        return [(str(d), int(h), str(k), str(lb), str(i), int(c), int(a)) for d, h, k, lb, i, c, a in rows]


def label_totals(store: StateStore, start: date, end: date) -> list[TotalRow]:
    """The totals of the period by kind and label, without 索引号: the figures' (visits keep their day and hour,
    the other kinds are summed over the period and dated its first day with them)."""
    first, last = start.isoformat(), end.isoformat()
    with store.session() as session:
        rows = session.execute(_LABELS, {"first": first, "last": last})
        return [(str(d), int(h), str(k), str(lb), "", int(c), int(a)) for d, h, k, lb, c, a in rows]


def top_documents(store: StateStore, kind: str, start: date, end: date, limit: int) -> list[tuple[str, int]]:
    """The documents of `kind` events (read, print, attachment) most often in the period, most first.

    The months wholly inside the period are read from their monthly totals, the days before and after from the
    daily totals.
    """
    first_month, last_month = whole_months(start, end)
    if first_month > last_month:  # no whole month: every day from the daily totals
        head, tail = (start.isoformat(), end.isoformat()), ("9", "0")
    else:
        head = (start.isoformat(), _day_before(f"{first_month}-01"))
        tail = (_month_after(last_month), end.isoformat())
    params = {
        "kind": kind,
        "first_month": first_month,
        "last_month": last_month,
        "head_first": head[0],
        "head_last": head[1],
        "tail_first": tail[0],
        "tail_last": tail[1],
        "limit": limit,
    }
    with store.session() as session:
        return [(str(index_no), int(count)) for index_no, count in session.execute(_TOP, params)]


_BY_DAY = text(
    "SELECT day, hour, kind, label, index_no, count, amount FROM daily_totals WHERE day >= :first AND day <= :last"
)
_LABELS = text(
    """
    SELECT day, hour, kind, label, count, amount FROM label_totals
    WHERE kind = 'visit' AND day >= :first AND day <= :last
    UNION ALL
    SELECT min(day), -1, kind, label, sum(count), sum(amount) FROM label_totals
    WHERE kind <> 'visit' AND day >= :first AND day <= :last
    GROUP BY kind, label
    """
)
_TOP = text(
    """
    SELECT index_no, sum(count) AS times FROM (
        SELECT index_no, count FROM document_months
        WHERE kind = :kind AND month >= :first_month AND month <= :last_month
        UNION ALL
        SELECT index_no, count FROM daily_totals
        WHERE kind = :kind AND day >= :head_first AND day <= :head_last AND index_no <> ''
        UNION ALL
        SELECT index_no, count FROM daily_totals
        WHERE kind = :kind AND day >= :tail_first AND day <= :tail_last AND index_no <> ''
    )
    GROUP BY index_no ORDER BY times DESC, index_no LIMIT :limit
    """
)


def _day_before(day: str) -> str:
    return (date.fromisoformat(day) - timedelta(days=1)).isoformat()


def _month_after(month: str) -> str:
    """The first day of the month after `month` (YYYY-MM)."""
    first = date.fromisoformat(f"{month}-01")
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1).isoformat()


def whole_months(start: date, end: date) -> tuple[str, str]:
    """The first and last month (YYYY-MM) lying wholly inside `start` … `end`; an empty range ("9", "0") if none."""
    first = start if start.day == 1 else (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    after = end + timedelta(days=1)
    last = end if after.day == 1 else end.replace(day=1) - timedelta(days=1)
    if first > last:
        return "9", "0"
    return first.isoformat()[:7], last.isoformat()[:7]


def zero_queries(store: StateStore, start: date, end: date, today: date | None = None) -> list[tuple[str, str, int]]:
    """(text, day, visits) of the zero-hit queries of the period still kept (the last 90 days) whose text is
    known (asked by 3 visits)."""
    kept_from = (today or as_local(now()).date()) - timedelta(days=ZERO_QUERY_DAYS)
    first = max(start, kept_from).isoformat()
    with store.session() as session:
        rows = session.execute(
            select(ZeroText.text, ZeroQuery.day, ZeroQuery.visits)
            .join(ZeroText, ZeroText.key == ZeroQuery.key)
            .where(ZeroQuery.day >= first, ZeroQuery.day <= end.isoformat())
        )
        return [(text_, day, visits) for text_, day, visits in rows]


def asked_often(rows: Iterable[tuple[str, str, int]]) -> list[tuple[str, int]]:
    """The texts asked by at least 3 visits, most asked first."""
    asked: dict[str, int] = {}
    for text_, _day, visits in rows:
        asked[text_] = asked.get(text_, 0) + visits
    often = [(text_, visits) for text_, visits in asked.items() if visits >= ZERO_QUERY_VISITS]
    return sorted(often, key=lambda pair: (-pair[1], pair[0]))


def event_counts(store: StateStore) -> dict[str, int]:
    """How many events of each kind are kept (not yet purged)."""
    with store.session() as session:
        rows = session.execute(select(UsageEvent.kind, func.count()).group_by(UsageEvent.kind))
        return {kind: count for kind, count in rows}
