"""Rating (社会评议): at the end of a visit that read or printed, the citizen rates the service with one tap.

满意 and 基本满意 rate at once; 不满意 offers up to three reasons and 提交 (with
no reason, too); 跳过 rates nothing. A short thank-you follows a rating, then
the screen is finished. The screen stores nothing and calls no service: it
fires `on_rated(rating, reasons)` once and `on_finished()` once, and the App
records the rating and makes the kiosk ready for the next citizen.

Phases: choose → (reasons →) thanks → done; 跳过 goes straight to done.
"""

from __future__ import annotations

from typing import Any, Literal

from kivy.clock import Clock
from kivy.properties import ListProperty, OptionProperty, StringProperty

from screens.base import KioskScreen, load_kv
from screens.debounce import Scheduled, Scheduler
from screens.navigator import Params

Rating = Literal["good", "fair", "poor"]
Reason = Literal["not_found", "hard_to_read", "printing", "other"]
Phase = Literal["choose", "reasons", "thanks", "done"]

# The words the citizen sees, in the order shown; the keys are what the App records.
RATINGS: dict[Rating, str] = {"good": "满意", "fair": "基本满意", "poor": "不满意"}
REASONS: dict[Reason, str] = {"not_found": "找不到", "hard_to_read": "看不清", "printing": "打印问题", "other": "其他"}
MAX_REASONS = 3
TOO_MANY = "最多选三项"
THANKS_SECONDS = 2.0


class RatingScreen(KioskScreen):
    """Three big answers, the reasons after 不满意, and 跳过; reports through `on_rated` and `on_finished`."""

    phase = OptionProperty("choose", options=("choose", "reasons", "thanks", "done"))
    rating = StringProperty("")  # the answer tapped: a key of RATINGS, or ""
    reasons = ListProperty([])  # the reasons turned on, in the order tapped
    notice = StringProperty("")  # TOO_MANY after a refused fourth reason
    __events__ = ("on_rated", "on_finished")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clock: Scheduler = Clock  # a test's clock moves only when told
        self._thanks: Scheduled | None = None

    def enter(self, params: Params) -> None:
        """A new rating: nothing chosen."""
        self.reset()
        self.ready = True

    def reset(self) -> None:
        """Forget the answer and the reasons; a pending thank-you ends without finishing."""
        if self._thanks is not None:
            self._thanks.cancel()
            self._thanks = None
        self.phase = "choose"
        self.rating = self.notice = ""
        self.reasons = []

    def rate(self, rating: Rating) -> None:
        """满意 / 基本满意 rate at once; 不满意 asks for the reasons first."""
        if self.phase not in ("choose", "reasons"):
            return  # rated already: a second tap counts nothing
        if rating == "poor":
            self.rating, self.phase = rating, "reasons"
            return
        self.reasons, self.notice = [], ""  # reasons belong to 不满意 alone
        self._rated(rating)

    def toggle_reason(self, reason: Reason) -> None:
        """A reason chip: on or off; a fourth is refused and the screen says so."""
        if self.phase != "reasons":
            return
        if reason in self.reasons:
            self.reasons = [chosen for chosen in self.reasons if chosen != reason]
            self.notice = ""
        elif len(self.reasons) >= MAX_REASONS:
            self.notice = TOO_MANY
        else:
            self.reasons = [*self.reasons, reason]
            self.notice = ""

    def submit(self) -> None:
        """提交 after 不满意, with the reasons chosen (none is fine)."""
        if self.phase == "reasons":
            self._rated("poor")

    def skip(self) -> None:
        """跳过: nothing is rated, and the screen is finished at once."""
        if self.phase in ("choose", "reasons"):
            self._finish()

    def _rated(self, rating: Rating) -> None:
        self.rating, self.phase = rating, "thanks"
        self.dispatch("on_rated", rating, tuple(self.reasons))
        self._thanks = self.clock.schedule_once(lambda _dt: self._finish(), THANKS_SECONDS)

    def _finish(self) -> None:
        if self._thanks is not None:
            self._thanks.cancel()
            self._thanks = None
        self.phase = "done"
        self.dispatch("on_finished")

    def on_rated(self, rating: Rating, reasons: tuple[Reason, ...]) -> None:
        """Fired once when the citizen rates: the answer and the reasons given with 不满意, in the order tapped."""

    def on_finished(self) -> None:
        """Fired once after the thank-you, or at once on 跳过: the App returns the kiosk to Home."""


load_kv(__file__)
