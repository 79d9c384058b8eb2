"""The pad's words to the citizen, on the fake services: 请再写一次 over candidates kept, and no tab without a
recogniser."""

from __future__ import annotations

from typing import Any

from content_cache.handwriting import Recognised
from tests.ui.conftest import tap, wait_for_workers, wait_until


def _open_search(app: Any) -> Any:
    tap(app.current_screen.ids.search_bar)
    wait_until(lambda: app.current_screen.name == "search")
    wait_for_workers()
    return app.current_screen


def _stroke(search: Any) -> None:
    from kivy.tests.common import UnitTestTouch

    area = search.pad.ids.area
    touch = UnitTestTouch(*area.to_window(area.center_x - 80, area.center_y))
    touch.touch_down()
    touch.touch_move(*area.to_window(area.center_x + 80, area.center_y))
    touch.touch_up()
    wait_for_workers()


def test_an_unsure_reading_asks_to_write_again_and_keeps_its_candidates(app: Any, services: Any) -> None:
    services.handwriting = True
    services.recognise = lambda *_args: Recognised(("口", "囗"), True)
    search = _open_search(app)
    tap(search.ids.tab_handwriting)
    _stroke(search)
    wait_until(lambda: search.pad.status == "请再写一次")
    assert search.candidate_words() == ["口", "囗"]
    services.recognise = lambda *_args: Recognised(("一",), False)
    _stroke(search)
    wait_until(lambda: search.pad.status == "" and search.candidate_words() == ["一"])


def test_a_failing_recogniser_asks_to_write_again_and_shows_no_error(app: Any, services: Any) -> None:
    services.handwriting = True

    def broken(*_args: Any) -> Recognised:
        raise OSError("libzinnia.so.0: cannot open shared object file")

    services.recognise = broken
    search = _open_search(app)
    tap(search.ids.tab_handwriting)
    _stroke(search)
    wait_until(lambda: search.pad.status == "请再写一次")
    assert search.candidate_words() == [] and "zinnia" not in search.summary


def test_without_a_recogniser_no_tab_is_shown(app: Any, services: Any) -> None:
    search = _open_search(app)
    assert not search.handwriting_ready and search.ids.tabs.width == 0 and search.ids.tabs.opacity == 0
    tap(search.ids.tab_handwriting)  # where it would be: nothing happens
    assert search.input_mode == "pinyin" and search.keys.parent is not None
