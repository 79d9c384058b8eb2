"""The staff console's figures page: today, this month or this year, in numbers, charts and short lists.

The pane draws a `FiguresView` as it is given (kiosk.console_figures words it);
the staff screen asks for it in the worker and hands it over.
"""

from __future__ import annotations

from typing import Any

from kivy.factory import Factory
from kivy.metrics import dp
from kivy.properties import BooleanProperty, OptionProperty, StringProperty
from kivy.uix.label import Label

from screens.base import Pane, load_kv
from screens.charts import BarChart
from screens.services import FiguresView

CHART_HEIGHT = dp(340)
PERIODS = {"today": "今日", "month": "本月", "year": "本年"}


class FigureLine(Label):
    """One line of the page: a figure, or a line of a list; wrapped at the pane's width."""


class FiguresPane(Pane):
    """Period buttons, then the figures; fires `on_chosen(period)` when staff choose one, `on_back` for 返回."""

    period = OptionProperty("today", options=tuple(PERIODS))
    named = StringProperty("")
    loading = BooleanProperty(False)
    failed = StringProperty("")
    __events__ = ("on_chosen", "on_back")

    def choose(self, period: str) -> None:
        self.period = period
        self.loading = True
        self.dispatch("on_chosen", period)

    def on_chosen(self, period: str) -> None:
        """Staff chose a period: the screen asks for its figures."""

    def on_back(self) -> None:
        """返回: back to the jobs and printers."""

    def show(self, view: FiguresView) -> None:
        """Draw the figures of a period."""
        self.loading, self.failed, self.named = False, "", view.period
        box = self.ids.figures
        box.clear_widgets()
        for label, value in view.headline:
            box.add_widget(FigureLine(text=f"{label}：{value}", bold=label == "来访"))
        for chart in view.charts:
            box.add_widget(
                BarChart(
                    title=chart.title,
                    unit=chart.unit,
                    bars=list(chart.bars),
                    horizontal=chart.horizontal,
                    size_hint_y=None,
                    height=CHART_HEIGHT,
                )
            )
        for title, lines in view.lists:  # a list is one cell: its heading and its lines stay together
            listed = Factory.FigureList()
            listed.add_widget(FigureLine(text=title, bold=True))
            for line in lines:
                listed.add_widget(FigureLine(text=line, shorten=True, max_lines=1))
            box.add_widget(listed)
        self.ids.scroll.scroll_y = 1  # a new period is read from its top

    def fail(self, said: str) -> None:
        self.loading, self.failed = False, said

    def shown_lines(self) -> list[str]:
        """The text lines on the page, lists included (tests read them)."""
        cells = reversed(self.ids.figures.children)
        return [w.text for cell in cells for w in reversed(list(cell.walk(restrict=True))) if isinstance(w, FigureLine)]

    def charts(self) -> list[Any]:
        return [child for child in reversed(self.ids.figures.children) if isinstance(child, BarChart)]


load_kv(__file__)
