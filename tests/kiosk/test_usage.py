"""Usage events: recorded off the UI thread, rolled up into daily totals exactly once, purged, anonymous."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from kiosk import usage
from kiosk.recorder import UsageRecorder, query_class
from kiosk.state import StateStore
from kiosk.stats import usage_figures
from kiosk.usage import DailyTotal, Event, UsageEvent, ZeroQuery, ZeroText


def local(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A local wall-clock time as the stored (aware) moment."""
    return datetime(year, month, day, hour, minute).astimezone()


def add(state: StateStore, *events: Event) -> None:
    with state.begin() as session:
        usage.add_events(session, list(events))


def figures(state: StateStore, start: date, end: date):  # noqa: ANN201
    usage.roll_up(state)
    rows = usage.totals(state, start, end)
    zero = usage.asked_often(usage.zero_queries(state, start, end, today=end))
    return usage_figures(rows, zero, start, end, lambda index_nos: {})


def test_roll_up_counts_every_event_once_however_often_it_runs(state: StateStore) -> None:
    add(state, Event("visit", "v1", at=local(2026, 3, 2, 9)), Event("read", "v1", index_no="A/1", amount=30))
    assert usage.roll_up(state) == 2
    assert usage.roll_up(state) == 0
    add(state, Event("read", "v1", index_no="A/1", amount=12))
    usage.roll_up(state)
    with state.session() as session:
        read = session.get_one(DailyTotal, (date.today().isoformat(), -1, "read", "", "A/1"))
    assert (read.count, read.amount) == (2, 42)


def test_a_clock_that_jumped_back_is_still_counted_once(state: StateStore) -> None:
    add(state, Event("visit", "v1", at=local(2026, 5, 10, 15)))
    usage.roll_up(state)
    add(state, Event("visit", "v2", at=local(2026, 5, 9, 23)))  # written later, dated earlier
    result = figures(state, date(2026, 5, 1), date(2026, 5, 31))
    assert result.visits == 2
    assert result.visits_by_hour[23] == 1 and result.visits_by_hour[15] == 1


def test_a_visit_over_midnight_and_the_new_year_counts_where_each_event_happened(state: StateStore) -> None:
    add(
        state,
        Event("visit", "v1", at=local(2025, 12, 31, 23, 58)),
        Event("search", "v1", "text", at=local(2026, 1, 1, 0, 1)),
        Event("read", "v1", index_no="A/1", amount=100, at=local(2026, 1, 1, 0, 3)),
    )
    old, new = (
        figures(state, date(2025, 1, 1), date(2025, 12, 31)),
        figures(state, date(2026, 1, 1), date(2026, 12, 31)),
    )
    assert (old.visits, old.searches, old.reads) == (1, 0, 0)
    assert (new.visits, new.searches, new.reads) == (0, 1, 1)
    assert figures(state, date(2025, 12, 1), date(2026, 1, 31)).visits == 1


def test_a_year_with_no_events_is_all_zeros(state: StateStore) -> None:
    result = figures(state, date(2024, 1, 1), date(2024, 12, 31))
    assert result.visits == result.searches == result.reads == result.rated == result.pages == 0
    assert len(result.visits_by_month) == 12 and all(count == 0 for _month, count in result.visits_by_month)
    assert all(share.share == 0 for share in result.ratings)


def test_purged_events_leave_figures_that_answer_as_before(state: StateStore) -> None:
    for day in range(1, 29):
        add(
            state,
            Event("visit", f"v{day}", at=local(2023, 2, day)),
            Event("rating", f"v{day}", "good", at=local(2023, 2, day)),
        )
    before = figures(state, date(2023, 1, 1), date(2023, 12, 31))
    deleted, _ = usage.purge(state, keep_days=30, today=date(2026, 12, 1))
    assert deleted == 56
    with state.session() as session:
        assert session.scalar(select(UsageEvent.id)) is None
    assert figures(state, date(2023, 1, 1), date(2023, 12, 31)) == before
    assert before.visits == 28 and before.ratings[0].share == 1.0


def test_events_not_yet_in_the_totals_are_never_purged(state: StateStore) -> None:
    add(state, Event("visit", "v1", at=local(2020, 1, 1)))
    assert usage.purge(state, keep_days=1, today=date(2026, 1, 1)) == (0, 0)  # not rolled up yet
    usage.roll_up(state)
    assert usage.purge(state, keep_days=1, today=date(2026, 1, 1))[0] == 1


def test_zero_hit_queries_show_from_three_visits_and_go_after_90_days(state: StateStore) -> None:
    today = date(2026, 6, 30)
    with state.begin() as session:
        for visit_day in (1, 2):
            usage.count_zero_query(session, "  公租房 ", local(2026, 6, visit_day))
        usage.count_zero_query(session, "ＧＯＮＧＺＵＦＡＮＧ", local(2026, 6, 3))
        usage.count_zero_query(session, "gongzufang", local(2026, 6, 4))
        usage.count_zero_query(session, "gongzufang", local(2026, 6, 5))
    rows = usage.zero_queries(state, date(2026, 1, 1), today, today=today)
    assert usage.asked_often(rows) == [("gongzufang", 3)]  # full-width letters fold; 公租房 was asked twice only
    with state.session() as session:  # the text of 公租房, asked by two visits, was never written
        assert session.scalars(select(ZeroText.text)).all() == ["gongzufang"]
    usage.purge(state, keep_days=3650, today=date(2026, 10, 1))
    assert usage.zero_queries(state, date(2026, 1, 1), date(2026, 12, 31), today=date(2026, 10, 1)) == []
    with state.session() as session:  # the texts went with their counts
        assert session.scalars(select(ZeroText.text)).all() == []


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("财政预算", "text"),
        ("czys", "letters"),
        ("caizheng yusuan", "letters"),
        ("宿政办发〔2026〕3号", "doc_no"),
        ("003232741/2008-00001", "index_no"),
        ("2026年pm2.5", "mixed"),
        ("", "text"),
    ],
)
def test_a_query_is_kept_as_its_class_only(query: str, kind: str) -> None:
    assert query_class(query) == kind


class TestRecorder:
    def test_a_visit_counts_its_screens_once_and_the_search_it_settled_on(self, state: StateStore) -> None:
        recorder = UsageRecorder(state)
        recorder.touched()
        recorder.touched()
        for screen in ("home", "search", "search", "document", "home"):
            recorder.saw(screen)
        for typed, hits in (("财", 900), ("财政", 400), ("财政预", 30), ("财政预算", 20), ("张三丰", 0), ("张三", 0)):
            recorder.searched(typed, hits)
        recorder.read("A/1", 42.4)
        recorder.end_visit("idle")
        recorder.saw("search")  # after the visit: nothing
        assert recorder.flush()
        result = figures(state, date.today(), date.today())
        assert result.visits == 1
        assert {share.label: share.count for share in result.screens} == {"首页": 1, "检索": 1, "阅读文件": 1}
        assert (result.searches, result.zero_searches, result.reads, result.read_seconds) == (2, 1, 1, 42)
        with state.session() as session:  # counted under a keyed hash; the text of one visit is not kept
            assert [len(key) for key in session.scalars(select(ZeroQuery.key))] == [64]
            assert session.scalars(select(ZeroText.text)).all() == []
        recorder.close()

    def test_a_visit_that_read_is_offered_the_rating_and_one_that_only_looked_is_not(self, state: StateStore) -> None:
        recorder = UsageRecorder(state)
        recorder.touched()
        recorder.saw("browse")
        assert not recorder.acted
        recorder.read("A/1", 3)
        assert recorder.acted
        recorder.rated("poor", ("not_found", "printing"))
        recorder.end_visit("end")
        recorder.touched()
        assert not recorder.acted
        recorder.close()
        result = figures(state, date.today(), date.today())
        assert [(share.label, share.count) for share in result.ratings] == [("满意", 0), ("基本满意", 0), ("不满意", 1)]
        reasons = {share.label: share.share for share in result.rating_reasons}
        assert reasons["找不到"] == 1.0 and reasons["看不清"] == 0.0

    def test_a_store_that_refuses_drops_the_events_with_one_log_line(
        self, state: StateStore, caplog: pytest.LogCaptureFixture
    ) -> None:
        with state.begin() as session:
            session.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON usage_events "
                    "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
                )
            )
        recorder = UsageRecorder(state)
        with caplog.at_level(logging.WARNING, logger="kiosk.recorder"):
            for _ in range(5):
                recorder.touched()
                recorder.end_visit("idle")
                assert recorder.flush()
        assert len([r for r in caplog.records if "dropped" in r.getMessage()]) == 1
        recorder.close()

    def test_a_store_still_opening_is_waited_for_in_the_writer(self, tmp_path: Path) -> None:
        opened: list[StateStore] = []

        def later() -> StateStore:
            if not opened:
                opened.append(StateStore(f"sqlite:///{tmp_path / 'state.db'}"))
            return opened[0]

        recorder = UsageRecorder(later)
        recorder.touched()
        recorder.close()
        assert figures(opened[0], date.today(), date.today()).visits == 1
        opened[0].close()


def test_no_table_holds_a_name_a_citizen_searched(state: StateStore) -> None:
    recorder = UsageRecorder(state)
    recorder.touched()
    recorder.searched("王建国低保", 3)  # found something: its text is never kept
    recorder.saw("document")
    recorder.searched("李秀英", 0)  # found nothing: counted under a keyed hash, its text not kept
    recorder.saw("document")
    recorder.read("A/1", 5)
    recorder.rated("good")
    recorder.end_visit("end")
    recorder.close()
    usage.roll_up(state)
    stored = _everything_stored(state)
    assert "王建国" not in stored and "李秀英" not in stored
    assert usage.event_counts(state)["search"] == 2


def _everything_stored(state: StateStore) -> str:
    """Every value of every table of the state store, and the raw bytes of its files, as one text."""
    found: list[str] = []
    with state.engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                found += [str(value) for value in row]
    path = Path(str(state.engine.url.database))
    for file in path.parent.glob(path.name + "*"):
        found.append(file.read_bytes().decode("utf-8", "replace"))
    return "\n".join(found)


def test_old_events_are_carried_over_by_the_migration(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    from content_cache.db import make_engine

    url = f"sqlite:///{tmp_path / 'state.db'}"
    engine = make_engine(url)
    config = Config()
    config.set_main_option("script_location", "kiosk:state_migrations")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "s0003")
        insert = text("INSERT INTO usage_events (at, kind, index_no, detail) VALUES (:at, :kind, 'A/1', :detail)")
        connection.execute(insert, {"at": datetime(2025, 3, 1, 2, 0), "kind": "view", "detail": ""})
        connection.execute(insert, {"at": datetime(2025, 3, 1, 2, 5), "kind": "print", "detail": "a4 3"})
    engine.dispose()
    state = StateStore(url)
    try:
        stored = datetime(2025, 3, 1, 2, 0, tzinfo=UTC).astimezone().date()
        result = figures(state, stored - timedelta(days=1), stored + timedelta(days=1))
        assert (result.reads, result.prints[0].copies, result.prints[0].pages) == (1, 1, 3)
    finally:
        state.close()


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2026, 1, 1), date(2026, 12, 31)),
        (date(2026, 3, 15), date(2026, 10, 10)),
        (date(2026, 5, 2), date(2026, 5, 20)),
    ],
    ids=["whole months", "parts of months", "within a month"],
)
def test_the_figures_from_label_totals_and_ranked_documents_equal_those_from_every_daily_total(
    state: StateStore, start: date, end: date
) -> None:
    """What the console and `kiosk stats` read (totals without 索引号, documents ranked in SQL) is what the
    daily totals by 索引号 say, as a merge reads them."""
    events = []
    for n in range(60):
        moment = local(2026, 1 + n % 12, 1 + n % 27, 8 + n % 10)
        visit = f"v{n}"
        events += [Event("visit", visit, at=moment), Event("screen", visit, "search", at=moment)]
        events += [Event("search", visit, "text", amount=n % 4 == 0, at=moment)]
        events += [Event("read", visit, index_no=f"A/{n % 7}", amount=n, at=moment)]
        events += [Event("print", visit, "a4" if n % 3 else "receipt", f"A/{n % 5}", amount=1 + n % 4, at=moment)]
        events += [Event("rating", visit, ("good", "fair", "poor")[n % 3], at=moment)]
    add(state, *events)
    usage.roll_up(state)
    by_index = usage_figures(usage.totals(state, start, end), [], start, end, lambda index_nos: {})
    ranked = {kind: usage.top_documents(state, kind, start, end, 10) for kind in ("read", "print")}
    fast = usage_figures(usage.label_totals(state, start, end), [], start, end, lambda index_nos: {}, ranked)
    assert fast == by_index
    if start == date(2026, 1, 1):
        assert fast.visits == 60 and fast.top_read[0].count == 9 and fast.pages == sum(1 + n % 4 for n in range(60))


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2026, 1, 1), date(2026, 12, 31), ("2026-01", "2026-12")),
        (date(2026, 1, 2), date(2026, 12, 30), ("2026-02", "2026-11")),
        (date(2026, 2, 1), date(2026, 2, 28), ("2026-02", "2026-02")),
        (date(2026, 2, 1), date(2026, 2, 27), ("9", "0")),
        (date(2025, 12, 31), date(2026, 2, 1), ("2026-01", "2026-01")),
        (date(2024, 2, 1), date(2024, 2, 29), ("2024-02", "2024-02")),
    ],
)
def test_the_whole_months_of_a_period(start: date, end: date, months: tuple[str, str]) -> None:
    assert usage.whole_months(start, end) == months
