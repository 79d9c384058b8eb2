"""The rating (社会评议) in the App on the real services, by touch, with a clock that moves only when told.

Each answer is reported once (`on_rated`), then the screen is finished once
(`on_finished`) after its thank-you, or at once on 跳过; the App, bound to
both, takes the kiosk back to Home. The layout holds in both orientations at
every text size, in each phase; pictures in test-artifacts/rating-*.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from kivy.metrics import dp
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.label import Label

from kiosk.services import Services
from screens import theme
from screens.rating import MAX_REASONS, RATINGS, REASONS, THANKS_SECONDS, TOO_MANY
from tests.ui.conftest import LANDSCAPE, PORTRAIT, frame, screenshot, tap, wait_until
from tests.ui.settle import assert_no_overlap, assert_settled, targets
from tests.ui.test_debounce import StepClock

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def services(real_services: Services) -> Iterator[Services]:
    """The real services (overrides the fake of tests/ui); the next test starts at the standard size."""
    yield real_services
    theme.text.reset()


@dataclass
class Heard:
    """What the screen reported, besides what the App does with it."""

    rated: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    finished: int = 0


@dataclass
class Rating:
    app: Any
    screen: Any
    clock: StepClock
    heard: Heard

    def button(self, key: str) -> Any:
        return self.screen.ids[key]


@pytest.fixture
def rating(app: Any) -> Iterator[Rating]:
    """The rating screen on display, as 结束使用 shows it, its thank-you timed by a StepClock."""
    app.navigator.show("rating")
    screen = app.current_screen
    assert screen.name == "rating"
    heard = Heard()

    def on_rated(_screen: Any, rating: str, reasons: tuple[str, ...]) -> None:
        heard.rated.append((rating, reasons))

    def on_finished(_screen: Any) -> None:
        heard.finished += 1

    screen.bind(on_rated=on_rated, on_finished=on_finished)
    clock = StepClock()
    screen.clock = clock
    frame()
    yield Rating(app, screen, clock, heard)
    screen.unbind(on_rated=on_rated, on_finished=on_finished)


def _touch_at(x: float, y: float) -> None:
    from kivy.tests.common import UnitTestTouch

    touch = UnitTestTouch(x, y)
    touch.touch_down()
    frame()
    touch.touch_up()
    frame()


def _double_tap(widget: Any) -> None:
    """Two quick taps at the same point of the window, as an unsure finger does."""
    frame()
    x, y = widget.to_window(*widget.center)
    _touch_at(x, y)
    _touch_at(x, y)


# answering


@pytest.mark.parametrize("key", ["good", "fair"])
def test_an_answer_is_reported_once_then_thanks_then_home(rating: Rating, key: str) -> None:
    screen, heard = rating.screen, rating.heard
    tap(rating.button(key))
    assert heard.rated == [(key, ())] and heard.finished == 0
    assert screen.phase == "thanks" and screen.ids.thanks.text == "感谢您的评价！"
    rating.clock.advance(THANKS_SECONDS - 0.1)
    assert heard.finished == 0 and rating.app.current_screen is screen
    rating.clock.advance(0.1)
    assert heard.finished == 1 and heard.rated == [(key, ())]
    wait_until(lambda: rating.app.current_screen.name == "home")
    assert screen.phase == "choose"  # the App made every screen ready for the next citizen


def test_dissatisfied_offers_three_reasons_at_most_reported_in_tap_order(rating: Rating) -> None:
    screen, heard = rating.screen, rating.heard
    assert screen.ids.reasons.opacity == 0
    tap(rating.button("poor"))
    assert heard.rated == [] and screen.phase == "reasons"
    assert screen.ids.reasons.opacity == 1 and screen.ids.submit.opacity == 1 and not screen.ids.submit.disabled
    for key in REASONS:  # off, the chips are light with dark words (enabled after 不满意, they must not turn dark)
        chip = rating.button(key)
        assert tuple(chip.background_color) == tuple(theme.SECONDARY) and tuple(chip.color) == tuple(theme.PRIMARY_DARK)
    for key in ("printing", "not_found", "other"):
        tap(rating.button(key))
    assert screen.ids.notice.text == ""
    tap(rating.button("hard_to_read"))  # a fourth: refused, and said
    assert screen.reasons == ["printing", "not_found", "other"]
    assert not rating.button("hard_to_read").chosen and rating.button("other").chosen
    assert screen.ids.notice.text == TOO_MANY
    tap(rating.button("not_found"))  # off again: room for another
    assert screen.reasons == ["printing", "other"] and screen.ids.notice.text == ""
    tap(rating.button("hard_to_read"))
    assert rating.button("hard_to_read").text == "✓ " + REASONS["hard_to_read"]
    tap(screen.ids.submit)
    assert heard.rated == [("poor", ("printing", "other", "hard_to_read"))] and heard.finished == 0
    rating.clock.advance(THANKS_SECONDS)
    assert heard.finished == 1
    wait_until(lambda: rating.app.current_screen.name == "home")


def test_dissatisfied_may_submit_without_a_reason(rating: Rating) -> None:
    tap(rating.button("poor"))
    tap(rating.screen.ids.submit)
    assert rating.heard.rated == [("poor", ())]


def test_a_change_of_mind_after_dissatisfied_reports_the_new_answer_alone(rating: Rating) -> None:
    tap(rating.button("poor"))
    tap(rating.button("printing"))
    tap(rating.button("fair"))  # still there, quieter
    assert rating.heard.rated == [("fair", ())]


@pytest.mark.parametrize("after_poor", [False, True], ids=["at-once", "after-dissatisfied"])
def test_skip_finishes_at_once_and_rates_nothing(rating: Rating, after_poor: bool) -> None:
    if after_poor:
        tap(rating.button("poor"))
        tap(rating.button("not_found"))
    skip = rating.screen.ids.skip
    assert skip.opacity == 1 and skip.text == "跳过"
    tap(skip)
    assert rating.heard.rated == [] and rating.heard.finished == 1
    wait_until(lambda: rating.app.current_screen.name == "home")
    rating.clock.advance(10)
    assert rating.heard.finished == 1


# taps that come twice


@pytest.mark.parametrize("key", ["good", "fair"])
def test_a_double_tap_on_an_answer_counts_once(rating: Rating, key: str) -> None:
    _double_tap(rating.button(key))
    rating.screen.rate(key)  # as a second release in the same frame would
    assert rating.heard.rated == [(key, ())]
    rating.clock.advance(THANKS_SECONDS)
    assert rating.heard.finished == 1


def test_double_taps_on_dissatisfied_and_on_submit_count_once(rating: Rating) -> None:
    _double_tap(rating.button("poor"))
    assert rating.screen.phase == "reasons" and rating.heard.rated == []
    _double_tap(rating.button("other"))  # on and off again: a chip is a toggle
    assert rating.screen.reasons == []
    tap(rating.button("other"))
    _double_tap(rating.screen.ids.submit)
    rating.screen.submit()
    assert rating.heard.rated == [("poor", ("other",))]
    rating.clock.advance(THANKS_SECONDS)
    assert rating.heard.finished == 1


def test_nothing_answers_during_the_thank_you(rating: Rating) -> None:
    screen = rating.screen
    tap(rating.button("good"))
    for widget in (rating.button("poor"), screen.ids.skip):
        assert not any(widget is target for target in targets(screen))
    screen.skip()
    screen.submit()
    screen.toggle_reason("other")
    assert rating.heard.rated == [("good", ())] and rating.heard.finished == 0


# starting afresh


def test_reset_and_enter_clear_the_answer_and_the_reasons(rating: Rating) -> None:
    screen = rating.screen
    tap(rating.button("poor"))
    tap(rating.button("printing"))
    tap(rating.button("other"))
    screen.reset()  # the kiosk fell idle
    frame()
    assert screen.phase == "choose" and screen.reasons == [] and screen.rating == "" and screen.notice == ""
    assert not any(rating.button(key).chosen for key in REASONS) and screen.ids.reasons.opacity == 0
    tap(rating.button("poor"))
    tap(rating.button("printing"))
    screen.enter({})
    assert screen.phase == "choose" and screen.reasons == []
    assert rating.heard.rated == [] and rating.heard.finished == 0


def test_an_idle_reset_during_the_thank_you_finishes_nothing_more(rating: Rating) -> None:
    tap(rating.button("good"))
    rating.screen.reset()
    rating.clock.advance(THANKS_SECONDS * 2)
    assert rating.heard.rated == [("good", ())] and rating.heard.finished == 0


def test_the_buttons_are_the_answers_and_reasons_in_order(rating: Rating) -> None:
    answers = list(reversed(rating.screen.ids.answers.children))
    chips = list(reversed(rating.screen.ids.chips.children))
    assert [(b.key, b.text) for b in answers] == list(RATINGS.items())
    assert [(c.key, c.text) for c in chips] == list(REASONS.items())
    assert MAX_REASONS == 3


# layout


def _box(widget: Any) -> tuple[float, float, float, float]:
    x, y = widget.to_window(widget.x, widget.y)
    return x, y, x + widget.width, y + widget.height


def _shown(widget: Any, screen: Any) -> bool:
    node = widget
    while node is not None and node is not screen.parent:
        if node.opacity == 0 or node.width <= 0 or node.height <= 0:
            return False
        node = node.parent
    return True


def _apart(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[2] <= b[0] + 0.5 or b[2] <= a[0] + 0.5 or a[3] <= b[1] + 0.5 or b[3] <= a[1] + 0.5


def _assert_laid_out(screen: Any, size: tuple[int, int]) -> None:
    """Settled; buttons inside the window, apart, their text whole; the words likewise, over no button."""
    assert_settled(screen)
    assert_no_overlap(screen, size)
    for key in RATINGS:
        button = screen.ids[key]
        assert not _shown(button, screen) or button.height >= dp(120), (key, button.height)
    words = [
        w
        for w in screen.walk(restrict=True)
        if isinstance(w, Label) and not isinstance(w, ButtonBehavior) and w.text and _shown(w, screen)
    ]
    boxes = [_box(w) for w in words] + [_box(t) for t in targets(screen)]
    for index, (label, box) in enumerate(zip(words, boxes, strict=False)):
        assert box[0] >= -0.5 and box[1] >= -0.5 and box[2] <= size[0] + 0.5 and box[3] <= size[1] + 0.5, label.text
        assert label.texture_size[0] <= label.width + 0.5 and label.texture_size[1] <= label.height + 0.5, (
            label.text,
            label.texture_size,
            label.size,
        )
        assert all(_apart(box, other) for other in boxes[index + 1 :]), label.text


def _keep(picture: Path, target: Path) -> None:
    """Move a picture into test-artifacts, on the page colour: a landscape picture, drawn into an Fbo, has none."""
    from PIL import Image

    with Image.open(picture) as drawn:
        page = Image.new("RGBA", drawn.size, tuple(round(part * 255) for part in theme.PAPER))
        Image.alpha_composite(page, drawn.convert("RGBA")).convert("RGB").save(target)
    picture.unlink()


def _at_every_text_size(screen: Any, size: tuple[int, int], picture: str) -> None:
    for step in range(len(theme.TEXT_STEPS)):
        theme.text.step = step
        frame()
        _assert_laid_out(screen, size)
        if step in (0, len(theme.TEXT_STEPS) - 1):
            name = f"rating-{picture}-{'standard' if step == 0 else 'largest'}"
            _keep(screenshot(name), ARTIFACTS / f"{name}.png")
    theme.text.reset()


@pytest.mark.parametrize("size", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
def test_every_phase_holds_at_every_text_size(rating: Rating, window: Any, size: tuple[int, int]) -> None:
    orientation = "portrait" if size == PORTRAIT else "landscape"
    window.size = size
    try:
        screen = rating.screen
        frame()
        _at_every_text_size(screen, size, f"{orientation}-choose")
        tap(rating.button("poor"))
        for key in ("not_found", "hard_to_read", "printing", "other"):  # the fullest: three on, 最多选三项 said
            tap(rating.button(key))
        assert screen.notice == TOO_MANY
        _at_every_text_size(screen, size, f"{orientation}-reasons")
        tap(screen.ids.submit)
        _at_every_text_size(screen, size, f"{orientation}-thanks")
        assert rating.heard.finished == 0  # the clock stood still throughout
    finally:
        window.size = PORTRAIT
        frame()
