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
    (left, bottom), (side, _) = area.square_pos, area.square_size
    for stroke in written(recorded()[char], HANDS[hand], side):  # in the 田字格 square
        points = [area.to_window(left + x, bottom + side - y) for x, y in stroke]
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


def test_rewrite_clears_the_character_and_backspace_a_stroke_then_the_query_s_last(app: Any, window: Any) -> None:
    search = _open_pad(app, window, PORTRAIT)
    search.ids.field.text = "预算"
    write(search, "财")
    assert len(search.pad.strokes) == len(recorded()["财"])
    tap(search.pad.ids.key_rewrite)
    assert search.pad.strokes == [] and search.ids.field.text == "预算"
    write(search, "公")
    tap(search.pad.ids.key_backspace)  # ink on the pad: its last stroke goes, the query stays
    assert len(search.pad.strokes) == len(recorded()["公"]) - 1 and search.ids.field.text == "预算"
    wait_for_workers()
    assert search.candidate_words()  # the strokes left are recognised again
    for _ in range(len(recorded()["公"]) - 1):
        tap(search.pad.ids.key_backspace)
    assert search.pad.strokes == [] and search.ids.field.text == "预算"
    tap(search.pad.ids.key_backspace)  # no ink: the query's last character goes
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
    tap(search.pad.ids.key_rewrite)
    square_x = area.square_pos[0]
    assert square_x - area.x > 40
    touch = UnitTestTouch(*area.to_window(square_x - 20, area.center_y))  # beside the square: a stroke still
    touch.touch_down()
    touch.touch_move(*area.to_window(square_x + 60, area.center_y))
    touch.touch_up()
    assert len(search.pad.strokes) == 1
    summary = search.ids.summary
    touch = UnitTestTouch(*summary.to_window(*summary.center))  # outside the pad: writes nothing
    touch.touch_down()
    touch.touch_up()
    assert len(search.pad.strokes) == 1


def test_a_tap_on_the_pad_is_a_dot_and_is_drawn(app: Any, window: Any) -> None:
    from kivy.tests.common import UnitTestTouch

    search = _open_pad(app, window, PORTRAIT)
    area = search.pad.ids.area
    touch = UnitTestTouch(*area.to_window(*area.center))
    touch.touch_down()
    touch.touch_up()
    assert len(search.pad.strokes) == 1 and len(search.pad.strokes[0]) == 1
    assert area._lines[0].points == [*area.to_window(*area.center)] * 2  # a round dot of the ink's width
    wait_for_workers()
    assert search.candidate_words() or search.pad.status == "请再写一次"


def test_leaving_search_rubs_the_ink_out_and_keeps_the_query(app: Any, window: Any) -> None:
    search = _open_pad(app, window, PORTRAIT)
    search.ids.field.text = "财"
    write(search, "政")
    search.go_home()
    wait_until(lambda: app.current_screen.name == "home" and search.pad.strokes == [])
    assert search.ids.field.text == "财"


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
    assert search.ids.tabs.width == 0 and search.ids.tabs.opacity == 0 and search.ids.tabs.disabled
    search.set_input_mode("handwriting")  # refused: the keys stay
    assert search.input_mode == "pinyin" and search.keys.parent is not None and search.pad.parent is None
    _check(app, search, size)
    tap(search.keys.key("c"))
    assert search.ids.field.text == "c"
