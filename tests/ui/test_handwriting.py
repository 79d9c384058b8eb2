"""The handwriting pad on the real services and the real recogniser, in both orientations: a citizen writes 财政
stroke by stroke with a finger, picks each character and finds the budget documents."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.services import Services
from tests.handwriting.strokes import HANDS, recorded, written
from tests.ui.conftest import LANDSCAPE, PORTRAIT, frame, screenshot, tap, wait_for_workers, wait_until
from tests.ui.settle import assert_no_overlap, assert_settled

ORIENTATIONS = pytest.mark.parametrize("size", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])


@pytest.fixture
def services(real_services: Services) -> Services:
    """The real services (overrides the fake of tests/ui)."""
    return real_services


def _open_pad(app: Any, window: Any, size: tuple[int, int]) -> Any:
    window.size = size
    frame()
    tap(app.current_screen.ids.search_bar)
    wait_until(lambda: app.current_screen.name == "search")
    search = app.current_screen
    wait_until(lambda: search.handwriting_ready)
    tap(search.ids.tab_handwriting)
    wait_until(lambda: search.pad.parent is not None and search.keys.parent is None)
    return search


def write(search: Any, char: str, hand: int = 0) -> None:
    """Write `char` on the pad as a finger does: down, a move for every point, up; stroke after stroke."""
    from kivy.tests.common import UnitTestTouch

    area = search.pad.ids.area
    side = min(area.width, area.height)
    for stroke in written(recorded()[char], HANDS[hand], side):
        points = [area.to_window(area.x + x, area.top - y) for x, y in stroke]
        touch = UnitTestTouch(*points[0])
        touch.touch_down()
        for number, point in enumerate(points[1:]):
            touch.touch_move(*point)
            if number % 8 == 0:
                frame()
        touch.touch_up()
        frame()
    wait_for_workers()  # the candidates of the last stroke, not of an earlier one, are on the buttons


def _check(app: Any, search: Any, size: tuple[int, int]) -> None:
    wait_for_workers()
    assert_settled(app.root)
    assert_no_overlap(search, size)


@ORIENTATIONS
def test_a_citizen_writes_cai_zheng_picks_each_character_and_finds_the_budget_documents(
    app: Any, window: Any, size: tuple[int, int]
) -> None:
    name = "portrait" if size == PORTRAIT else "landscape"
    search = _open_pad(app, window, size)
    _check(app, search, size)
    screenshot(f"47-handwriting-{name}-empty")

    write(search, "财")
    wait_until(lambda: "财" in search.candidate_words()[:5])
    _check(app, search, size)
    screenshot(f"47-handwriting-{name}-cai-written")
    tap(search.candidate("财"))
    assert search.ids.field.text == "财"
    assert search.pad.strokes == []  # the pad is clean for the next character
    wait_until(lambda: "财政" in search.candidate_words())  # the words that follow 财

    write(search, "政")
    wait_until(lambda: "政" in search.candidate_words()[:5])
    tap(search.candidate("政"))
    assert search.ids.field.text == "财政"
    tap(search.pad.ids.key_search)
    wait_until(lambda: search.summary.startswith("找到"))
    titles = [row["title"] for row in search.ids.results.data]
    assert any("预算" in t or "决算" in t for t in titles[:5]), titles[:5]
    _check(app, search, size)
    screenshot(f"47-handwriting-{name}-found")


def test_a_next_word_finishes_the_word_in_one_tap(app: Any, window: Any) -> None:
    search = _open_pad(app, window, PORTRAIT)
    write(search, "财")
    wait_until(lambda: "财" in search.candidate_words()[:5])
    tap(search.candidate("财"))
    wait_until(lambda: "财政" in search.candidate_words())
    tap(search.candidate("财政"))
    assert search.ids.field.text == "财政"


def test_rewrite_clears_the_character_and_backspace_the_query_s_last(app: Any, window: Any) -> None:
    search = _open_pad(app, window, PORTRAIT)
    search.ids.field.text = "预算"
    write(search, "财")
    assert len(search.pad.strokes) == len(recorded()["财"])
    tap(search.pad.ids.key_rewrite)
    assert search.pad.strokes == [] and search.ids.field.text == "预算"
    write(search, "公")
    tap(search.pad.ids.key_backspace)
    assert search.ids.field.text == "预" and search.pad.strokes == []
    write(search, "公")
    tap(search.pad.ids.key_clear)
    assert search.ids.field.text == "" and search.pad.strokes == [] and search.candidate_words() == []


def test_the_mode_is_kept_for_the_visit_and_a_half_written_pad_cleared_at_idle(app: Any, window: Any) -> None:
    search = _open_pad(app, window, PORTRAIT)
    write(search, "财")
    search.go_home()
    wait_until(lambda: app.current_screen.name == "home")
    tap(app.current_screen.ids.search_bar)
    wait_until(lambda: app.current_screen.name == "search")
    assert search.input_mode == "handwriting"  # still the pad for this visitor
    write(search, "政")  # half a word, and the visitor walks away
    app.navigator.reset_session()  # what the idle reset does
    wait_until(lambda: app.current_screen.name == "home")
    assert search.input_mode == "pinyin" and search.pad.strokes == [] and search.keys.parent is not None


def test_a_scribble_asks_to_write_again_or_offers_something(app: Any, window: Any) -> None:
    from kivy.tests.common import UnitTestTouch

    search = _open_pad(app, window, PORTRAIT)
    area = search.pad.ids.area
    for i in range(60):  # many strokes back and forth over one character
        touch = UnitTestTouch(*area.to_window(area.x + (i * 37) % area.width, area.y + (i * 53) % area.height))
        touch.touch_down()
        touch.touch_move(*area.to_window(area.right - (i * 11) % area.width, area.top - (i * 29) % area.height))
        touch.touch_up()
    frame()
    wait_for_workers()
    assert search.pad.status == "请再写一次" or search.candidate_words()
    assert area.x - search.pad.x > 40
    touch = UnitTestTouch(*area.to_window(area.x - 20, area.center_y))  # beside the square: writes nothing
    before = len(search.pad.strokes)
    touch.touch_down()
    touch.touch_up()
    assert len(search.pad.strokes) == before


@ORIENTATIONS
def test_without_the_recogniser_the_tab_is_hidden_and_the_keys_stay(
    app: Any, window: Any, services: Services, size: tuple[int, int], tmp_path: Any
) -> None:
    services.handwriting_model = tmp_path / "absent.model"  # as when tegaki-zinnia-simplified-chinese is missing
    window.size = size
    frame()
    tap(app.current_screen.ids.search_bar)
    wait_until(lambda: app.current_screen.name == "search")
    search = app.current_screen
    wait_for_workers()
    assert not search.handwriting_ready
    assert search.ids.tabs.height == 0 and search.ids.tabs.opacity == 0 and search.ids.tabs.disabled
    search.set_input_mode("handwriting")  # refused: the keys stay
    assert search.input_mode == "pinyin" and search.keys.parent is not None and search.pad.parent is None
    _check(app, search, size)
    tap(search.keys.key("c"))
    assert search.ids.field.text == "c"
