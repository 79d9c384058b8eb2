"""A visit as a citizen makes it, counted: search, read, 结束使用, the rating; then the staff console's figures.

On the real services and stores: the events reach the state store through the
recorder's thread, and the console's figures page shows them, in both
orientations.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from kivy.core.window import Window

from kiosk import usage
from kiosk.services import Services
from kiosk.stats import usage_figures
from tests.ui.conftest import LANDSCAPE, PORTRAIT, frame, screenshot, tap, wait_until
from tests.ui.settle import assert_settled

SLOW = 90.0
STAFF_PIN = "20081230"


@pytest.fixture
def services(real_services: Services) -> Iterator[Services]:
    real_services.staff.set_pin(STAFF_PIN, "cli")
    yield real_services


def _today(services: Services) -> Any:
    usage.roll_up(services.state)
    today = date.today()
    rows = usage.totals(services.state, today, today)
    zero = usage.asked_often(usage.zero_queries(services.state, today, today))
    return usage_figures(rows, zero, today, today, lambda index_nos: {})


def _search_and_read(app: Any, query: str) -> None:
    home = app.current_screen
    tap(home.ids.search_bar)
    wait_until(lambda: app.current_screen.name == "search" and app.current_screen.ready, timeout=SLOW)
    search = app.current_screen
    search.search_for(query)
    wait_until(lambda: search.showing() == query, timeout=SLOW)
    search.open_item(app.services.search(query, 1).hits[0].index_no)  # as a tap on the first hit does
    wait_until(lambda: app.current_screen.name == "document" and app.current_screen.ready, timeout=SLOW)


def test_a_visit_that_read_is_asked_its_rating_and_counted_without_its_words(app: Any, services: Services) -> None:
    _search_and_read(app, "信息公开")
    tap(_button(app, "主页"))
    wait_until(lambda: app.current_screen.name == "home", timeout=SLOW)
    home = app.current_screen
    wait_until(lambda: home.can_finish, timeout=SLOW)
    tap(home.ids.finish)
    wait_until(lambda: app.current_screen.name == "rating", timeout=SLOW)
    tap(_button(app, "满意"))
    wait_until(lambda: app.current_screen.name == "home", timeout=SLOW)
    assert app.usage.flush()
    found = _today(services)
    assert (found.visits, found.searches, found.reads, found.rated) == (1, 1, 1, 1)
    assert found.ratings[0].count == 1
    assert not home.can_finish  # the next citizen starts afresh


def test_a_visit_that_only_looked_ends_without_the_rating(app: Any, services: Services) -> None:
    tap(app.current_screen.ids.search_bar)
    wait_until(lambda: app.current_screen.name == "search", timeout=SLOW)
    tap(_button(app, "主页"))
    wait_until(lambda: app.current_screen.name == "home", timeout=SLOW)
    assert not app.current_screen.can_finish
    assert app.usage.flush()
    assert _today(services).visits == 1


@pytest.mark.parametrize("size", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
def test_the_console_figures_page_draws_the_day(app: Any, services: Services, size: tuple[int, int]) -> None:
    Window.size = size
    try:
        _search_and_read(app, "信息公开")
        tap(_button(app, "主页"))
        wait_until(lambda: app.current_screen.name == "home", timeout=SLOW)
        app.navigator.show("staff")
        wait_until(lambda: app.current_screen.name == "staff" and app.current_screen.ready, timeout=SLOW)
        staff = app.current_screen
        for digit in STAFF_PIN:
            tap(next(key for key in staff.ids.pin_keys.children if key.text == digit))
        tap(staff.ids.enter)
        wait_until(lambda: staff.phase == "console", timeout=SLOW)
        app.usage.flush()
        staff.ids.side_scroll.scroll_to(staff.ids.open_figures, animate=False)  # landscape: the side column scrolls
        for _ in range(3):
            frame()
        tap(staff.ids.open_figures)
        pane = staff.ids.figures
        wait_until(lambda: pane.named != "" and not pane.loading, timeout=SLOW)
        lines = pane.shown_lines()
        assert "来访：1 人次" in lines
        assert any(line.startswith("检索：1 次") for line in lines)
        assert len(pane.charts()) >= 4
        assert_settled(staff)
        screenshot(f"console-figures-{'portrait' if size == PORTRAIT else 'landscape'}")
        tap(pane.ids.year)
        wait_until(lambda: pane.named.endswith("年") and not pane.loading, timeout=SLOW)
        assert "来访：1 人次" in pane.shown_lines()
        tap(pane.ids.back)
        wait_until(lambda: staff.phase == "console", timeout=SLOW)
    finally:
        Window.size = PORTRAIT
        frame()


def _button(app: Any, text: str) -> Any:
    return next(w for w in app.current_screen.walk() if getattr(w, "text", None) == text and w.opacity)


@pytest.mark.parametrize("answer", ["跳过", "满意"])
def test_the_next_citizen_after_a_rating_finds_the_searches_to_tap(app: Any, services: Services, answer: str) -> None:
    _search_and_read(app, "信息公开")
    tap(_button(app, "主页"))
    wait_until(lambda: app.current_screen.name == "home" and app.current_screen.can_finish, timeout=SLOW)
    tap(app.current_screen.ids.finish)
    wait_until(lambda: app.current_screen.name == "rating", timeout=SLOW)
    tap(_button(app, answer))
    wait_until(lambda: app.current_screen.name == "home", timeout=SLOW)
    tap(app.current_screen.ids.search_bar)
    wait_until(lambda: app.current_screen.name == "search", timeout=SLOW)
    search = app.current_screen
    wait_until(lambda: search.suggesting, timeout=SLOW)
    assert search.query == "" and search.suggestion_labels()


def test_after_a_printed_visit_and_its_rating_the_next_citizen_finds_the_searches_to_tap(
    app: Any, services: Services
) -> None:
    """Clearing the query as the visit ends must not leave Search believing it has no searches to offer."""
    _search_and_read(app, "信息公开")
    tap(_button(app, "打印"))
    wait_until(lambda: app.current_screen.name == "print", timeout=SLOW)
    printing = app.current_screen
    tap(next(w for w in printing.walk() if "小票" in str(getattr(w, "text", "")) and w.opacity))
    wait_until(lambda: printing.phase not in ("choose", "counting"), timeout=SLOW)
    tap(printing.ids.confirm)
    wait_until(lambda: printing.phase in ("done", "failed"), timeout=SLOW)
    tap(_button(app, "主页"))
    wait_until(lambda: app.current_screen.name == "home" and app.current_screen.can_finish, timeout=SLOW)
    tap(app.current_screen.ids.finish)
    wait_until(lambda: app.current_screen.name == "rating", timeout=SLOW)
    tap(_button(app, "满意"))
    wait_until(lambda: app.current_screen.name == "home", timeout=SLOW)
    tap(app.current_screen.ids.search_bar)
    wait_until(lambda: app.current_screen.name == "search", timeout=SLOW)
    search = app.current_screen
    wait_until(lambda: search.suggesting, timeout=SLOW)
    assert search.query == "" and search.suggestion_labels()


def test_staff_at_the_console_are_no_citizens_visit(app: Any, services: Services) -> None:
    from kivy.tests.common import UnitTestTouch

    for _ in range(5):  # the staff gesture: taps in the top-right corner, all five within its seconds
        touch = UnitTestTouch(Window.width - 4, Window.height - 4)
        touch.touch_down()
        touch.touch_up()
    wait_until(lambda: app.current_screen.name == "staff" and app.current_screen.ready, timeout=SLOW)
    staff = app.current_screen
    for digit in STAFF_PIN:
        tap(next(key for key in staff.ids.pin_keys.children if key.text == digit))
    tap(staff.ids.enter)
    wait_until(lambda: staff.phase == "console", timeout=SLOW)
    tap(staff.ids.open_figures)
    pane = staff.ids.figures
    wait_until(lambda: pane.named != "" and not pane.loading, timeout=SLOW)
    assert "来访：0 人次" in pane.shown_lines()
    assert pane.ids.today.chosen and not pane.ids.year.chosen
    assert app.usage.flush()
    assert _today(services).visits == 0


def test_a_name_searched_on_the_screen_is_held_by_no_table_of_the_state_store(app: Any, services: Services) -> None:
    """A citizen searches a person's name (it finds nothing), then a topic, reads and rates: the name is nowhere."""
    from tests.kiosk.test_usage import _everything_stored

    tap(app.current_screen.ids.search_bar)
    wait_until(lambda: app.current_screen.name == "search" and app.current_screen.ready, timeout=SLOW)
    search = app.current_screen
    for query in ("赵桂兰", "信息公开"):  # a name that finds nothing, then the search the citizen meant
        search.search_for(query)
        wait_until(lambda q=query: search.showing() == q, timeout=SLOW)
    search.open_item(services.search("信息公开", 1).hits[0].index_no)
    wait_until(lambda: app.current_screen.name == "document" and app.current_screen.ready, timeout=SLOW)
    tap(_button(app, "主页"))
    wait_until(lambda: app.current_screen.name == "home" and app.current_screen.can_finish, timeout=SLOW)
    tap(app.current_screen.ids.finish)
    wait_until(lambda: app.current_screen.name == "rating", timeout=SLOW)
    tap(_button(app, "基本满意"))
    wait_until(lambda: app.current_screen.name == "home", timeout=SLOW)
    assert app.usage.flush()
    usage.roll_up(services.state)
    found = _today(services)
    assert (found.searches, found.zero_searches) == (2, 1)
    assert "赵桂兰" not in _everything_stored(services.state)
