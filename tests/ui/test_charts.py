"""BarChart in the real offscreen window: bars in proportion, 无数据, redraws, thinned labels that never overlap."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from kivy.graphics import Color, InstructionGroup, Rectangle

from screens import theme
from screens.charts import GAP, NO_DATA, THICKEST, BarChart
from tests.ui.conftest import FONT_PATH, SCREENSHOTS, frame, screenshot
from tests.ui.settle import assert_settled

Pairs = Sequence[tuple[str, float]]
HOURS: list[tuple[str, float]] = [
    (str(hour), count)
    for hour, count in enumerate([0, 0, 0, 0, 0, 0, 0, 2, 9, 31, 58, 64, 40, 37, 55, 61, 49, 33, 12, 6, 3, 0, 0, 0])
]
WEEKDAYS: list[tuple[str, float]] = list(
    zip(("周一", "周二", "周三", "周四", "周五", "周六", "周日"), [88, 95, 77, 102, 120, 34, 0], strict=True)
)
MONTHS: list[tuple[str, float]] = [(f"{m}月", 300 + 37 * m % 180) for m in range(1, 13)]
RATINGS: list[tuple[str, float]] = [("满意", 41), ("基本满意", 9), ("不满意", 3)]
COLUMNS: list[tuple[str, float]] = [
    ("政府信息公开年度报告", 12),
    ("规范性文件", 230),
    ("财政预决算", 88),
    ("重大建设项目批准和实施领域信息公开", 41),
    ("人事信息", 5),
]
ARTIFACT = SCREENSHOTS.parent / "charts.png"


@pytest.fixture(autouse=True)
def font() -> None:
    """The CJK font the rules name, registered as the App registers it (these tests build no App)."""
    from kiosk.app import register_font

    register_font(FONT_PATH)


@pytest.fixture
def place(window: Any) -> Iterator[Callable[..., BarChart]]:
    """Put a chart of fixed size in the window, wait until it has settled; removed afterwards."""
    shown: list[Any] = []

    def make(bars: Pairs, size: tuple[float, float] = (1000, 420), **kwargs: Any) -> BarChart:
        chart = BarChart(bars=list(bars), size_hint=(None, None), size=size, pos=(40, 60), **kwargs)
        window.add_widget(chart)
        shown.append(chart)
        assert_settled(chart)
        return chart

    yield make
    for chart in shown:
        window.remove_widget(chart)


def _plot(chart: BarChart) -> tuple[float, float, float, float]:
    plot = chart.ids.plot
    return plot.x, plot.y, plot.right, plot.top


def _drawn(chart: BarChart) -> list[tuple[tuple[float, ...], tuple[float, ...]]]:
    """The rectangles in the plot's canvas, each with the colour it is drawn in: what the screen shows."""
    groups = [g for g in chart.ids.plot.canvas.before.children if isinstance(g, InstructionGroup)]
    assert len(groups) == 1
    colour: tuple[float, ...] = ()
    found = []
    for instruction in groups[0].children:
        if isinstance(instruction, Color):
            colour = tuple(instruction.rgba)
        elif isinstance(instruction, Rectangle):
            found.append((colour, (*instruction.pos, *instruction.size)))
    return found


def _along(label: Any, horizontal: bool) -> tuple[float, float]:
    return (label.y, label.top) if horizontal else (label.x, label.right)


def _assert_apart(labels: Sequence[Any], horizontal: bool) -> None:
    """No two labels share any stretch of the axis the bars follow."""
    spans = sorted(_along(label, horizontal) for label in labels)
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        assert end <= start + 0.01, spans


def _assert_tidy(chart: BarChart) -> None:
    """Labels apart, inside the chart, each showing its whole box; names outside the bars' room."""
    _assert_apart(chart.category_labels, chart.horizontal)
    _assert_apart(chart.value_labels, chart.horizontal)
    x0, y0, x1, y1 = _plot(chart)
    for label in chart.category_labels + chart.value_labels:
        assert x0 - 0.01 <= label.x and label.right <= x1 + 0.01 and y0 - 0.01 <= label.y and label.top <= y1 + 0.01
        label.texture_update()
        assert label.texture_size[0] <= label.width + 0.5 and label.texture_size[1] <= label.height + 0.5
    bars_from = min((r[0] if chart.horizontal else r[1]) for r in chart.bar_rects) if chart.bar_rects else 0
    for label in chart.category_labels:
        assert (label.right if chart.horizontal else label.top) <= bars_from + 0.01


def _assert_in_proportion(chart: BarChart, values: Sequence[float]) -> None:
    lengths = [r[2] if chart.horizontal else r[3] for r in chart.bar_rects]
    longest = max(lengths)
    assert longest > 0
    for length, value in zip(lengths, values, strict=True):
        assert length == pytest.approx(value / max(values) * longest, abs=1e-6)


def test_hourly_visits_draw_one_bar_an_hour_in_proportion(place: Callable[..., BarChart]) -> None:
    chart = place(HOURS, unit="人次", title="各时段访问")
    rects = chart.bar_rects
    assert len(rects) == 24
    assert (
        len({round(r[2], 6) for r in rects}) == 1 and len({round(r[1], 6) for r in rects}) == 1
    )  # one width, one base
    assert all(a[0] + a[2] < b[0] for a, b in zip(rects, rects[1:], strict=False))  # left to right, apart
    _assert_in_proportion(chart, [v for _, v in HOURS])
    assert [box for _, box in _drawn(chart)] == [pytest.approx(r) for r in rects]
    x0, y0, x1, y1 = _plot(chart)
    assert all(x0 <= r[0] and r[0] + r[2] <= x1 and y0 < r[1] and r[1] + r[3] <= y1 for r in rects)
    assert not chart.empty and chart.ids.note.opacity == 0
    _assert_tidy(chart)


def test_all_zeros_draw_flat_bars_and_say_no_data(place: Callable[..., BarChart]) -> None:
    chart = place([(name, 0) for name, _ in WEEKDAYS], title="按星期")
    assert len(chart.bar_rects) == 7 and all(r[3] == 0 for r in chart.bar_rects)
    assert chart.empty and chart.ids.note.text == NO_DATA == "无数据" and chart.ids.note.opacity == 1
    assert chart.value_labels == [] and [label.text for label in chart.category_labels] == [n for n, _ in WEEKDAYS]
    chart.bars = WEEKDAYS
    assert_settled(chart)
    assert not chart.empty and chart.ids.note.opacity == 0
    _assert_in_proportion(chart, [v for _, v in WEEKDAYS])


def test_nothing_countable_is_drawn_as_zero(place: Callable[..., BarChart]) -> None:
    chart = place([("甲", -3), ("乙", float("nan")), ("丙", float("inf")), ("丁", 0)])
    assert [r[3] for r in chart.bar_rects] == [0, 0, 0, 0] and chart.empty and chart.ids.note.opacity == 1


def test_a_single_bar_stays_a_bar(place: Callable[..., BarChart]) -> None:
    chart = place([("全年", 1234)], unit="人次")
    (x, _, width, height), (x0, _, x1, _) = chart.bar_rects[0], _plot(chart)
    assert width <= THICKEST and x - x0 == pytest.approx(x1 - (x + width))  # centred, not a block
    assert height > 0 and [label.text for label in chart.value_labels] == ["1,234"]
    _assert_tidy(chart)


def test_no_bars_at_all_say_no_data(place: Callable[..., BarChart]) -> None:
    chart = place([], title="按月份")
    assert chart.bar_rects == [] and chart.category_labels == [] and chart.value_labels == []
    assert chart.empty and chart.ids.note.opacity == 1


def test_resizing_redraws_once_to_the_new_size(place: Callable[..., BarChart]) -> None:
    chart = place(HOURS, unit="人次")
    before, draws = list(chart.bar_rects), chart.draws
    chart.size = (600, 300)
    assert_settled(chart)
    assert chart.draws == draws + 1
    assert chart.bar_rects != before and chart.bar_rects[-1][0] + chart.bar_rects[-1][2] <= _plot(chart)[2]
    _assert_in_proportion(chart, [v for _, v in HOURS])
    _assert_tidy(chart)


def test_several_changes_in_one_frame_redraw_once(place: Callable[..., BarChart]) -> None:
    chart = place(HOURS)
    draws = chart.draws
    chart.size, chart.pos, chart.bars, chart.highlight = (700, 360), (10, 20), MONTHS, 3
    assert_settled(chart)
    assert chart.draws == draws + 1 and len(chart.bar_rects) == 12
    frame()
    assert chart.draws == draws + 1  # and nothing more once it has settled


def test_horizontal_bars_name_ratings_in_chinese_on_the_left(place: Callable[..., BarChart]) -> None:
    from kivy.core.text import LabelBase

    chart = place(RATINGS, size=(900, 300), horizontal=True, title="满意度评价", unit="次")
    rects = chart.bar_rects
    assert len({round(r[0], 6) for r in rects}) == 1 and len({round(r[3], 6) for r in rects}) == 1
    assert rects[0][1] > rects[1][1] > rects[2][1]  # the first on top
    _assert_in_proportion(chart, [v for _, v in RATINGS])
    assert [label.text for label in chart.category_labels] == ["满意", "基本满意", "不满意"]
    assert [label.text for label in chart.value_labels] == ["41", "9", "3"]
    for label in chart.category_labels:
        assert label.font_name == theme.FONT_NAME and label.halign == "right"
    assert LabelBase._fonts[theme.FONT_NAME][0] == FONT_PATH  # WenQuanYi Micro Hei: the glyphs are there
    _assert_tidy(chart)


def test_long_names_beside_horizontal_bars_are_cut_short_not_overlapped(place: Callable[..., BarChart]) -> None:
    chart = place(COLUMNS, size=(700, 360), horizontal=True, unit="条")
    column = max(label.width for label in chart.category_labels)
    assert column <= 700 * 0.4 + 0.01
    _assert_in_proportion(chart, [v for _, v in COLUMNS])
    _assert_tidy(chart)


@pytest.mark.parametrize("horizontal", [False, True])
def test_a_huge_value_beside_tiny_ones(place: Callable[..., BarChart], horizontal: bool) -> None:
    bars = [("甲", 1e9), ("乙", 1), ("丙", 2), ("丁", 0), ("戊", 0.5)]
    chart = place(bars, size=(500, 400), horizontal=horizontal)
    lengths = [r[2] if horizontal else r[3] for r in chart.bar_rects]
    assert lengths[0] > 200 and lengths[3] == 0
    assert all(1 <= length <= 1.01 for length in (lengths[1], lengths[2], lengths[4]))  # above zero: seen
    assert "1,000,000,000" in [label.text for label in chart.value_labels]
    _assert_tidy(chart)


@pytest.mark.parametrize("horizontal", [False, True])
def test_five_hundred_bars_settle_with_thinned_names(place: Callable[..., BarChart], horizontal: bool) -> None:
    bars = [(str(i), (i * 37) % 101) for i in range(500)]
    chart = place(bars, size=(1000, 600), horizontal=horizontal)
    assert len(chart.bar_rects) == 500 and chart.label_step > 1
    assert [label.text for label in chart.category_labels] == [str(i) for i in range(0, 500, chart.label_step)]
    assert len(chart.value_labels) <= 2  # the largest (and a highlighted one): the rest would not fit
    x0, y0, x1, y1 = _plot(chart)
    assert all(
        x0 <= r[0] and r[0] + r[2] <= x1 + 0.01 and y0 <= r[1] and r[1] + r[3] <= y1 + 0.01 for r in chart.bar_rects
    )
    _assert_tidy(chart)


@pytest.mark.parametrize("count", [7, 12, 24, 60])
@pytest.mark.parametrize("width", [320, 600, 1000])
@pytest.mark.parametrize("horizontal", [False, True])
def test_names_and_values_never_overlap(
    place: Callable[..., BarChart], count: int, width: int, horizontal: bool
) -> None:
    bars = [(f"{i}月" if count == 12 else str(i), 10 + (i * 7919) % 500) for i in range(count)]
    chart = place(bars, size=(width, 320), horizontal=horizontal, highlight=count // 2)
    shown = list(range(0, count, chart.label_step))
    assert [label.text for label in chart.category_labels] == [bars[i][0] for i in shown]
    _assert_tidy(chart)
    if chart.label_step > 1:  # thinned no more than needed: one step less would crowd the names
        pitch = abs(chart.bar_rects[1][1 if horizontal else 0] - chart.bar_rects[0][1 if horizontal else 0])
        widest = max(label.height if horizontal else label.width for label in chart.category_labels)
        assert (chart.label_step - 1) * pitch < widest + GAP


def test_a_narrow_hourly_chart_names_every_few_hours(place: Callable[..., BarChart]) -> None:
    chart = place(HOURS, size=(360, 280), highlight=11)
    assert chart.label_step in (2, 3, 4)
    assert [label.text for label in chart.category_labels] == [str(h) for h in range(0, 24, chart.label_step)]
    assert sorted(label.text for label in chart.value_labels) == ["64"]  # the highlighted hour is the busiest
    _assert_tidy(chart)


def test_the_highlighted_bar_stands_out(place: Callable[..., BarChart]) -> None:
    chart = place(WEEKDAYS, highlight=4)
    drawn = _drawn(chart)
    assert len(drawn) == 7
    for colour, box in drawn:
        expected = theme.PRIMARY if box == pytest.approx(chart.bar_rects[4]) else theme.SECONDARY_DARK
        assert colour == pytest.approx(expected)
    assert [box for _, box in drawn].count(pytest.approx(chart.bar_rects[4])) == 1
    chart.highlight = None
    assert_settled(chart)
    assert all(colour == pytest.approx(theme.PRIMARY) for colour, _ in _drawn(chart))


def test_a_rule_lays_out_charts(window: Any) -> None:
    from kivy.lang import Builder

    root = Builder.load_string(
        """
BoxLayout:
    orientation: 'vertical'
    size_hint: None, None
    size: 800, 700
    BarChart:
        id: ratings
        title: '满意度'
        unit: '次'
        horizontal: True
        bars: [('满意', 41), ('基本满意', 9), ('不满意', 3)]
    BarChart:
        id: hours
        title: '各时段访问'
        bars: [(str(h), h % 7) for h in range(24)]
        highlight: 6
"""
    )
    window.add_widget(root)
    try:
        assert_settled(root)
        assert len(root.ids.ratings.bar_rects) == 3 and root.ids.ratings.horizontal
        assert len(root.ids.hours.bar_rects) == 24 and root.ids.hours.ids.title.text == "各时段访问"
    finally:
        window.remove_widget(root)


def test_a_page_of_charts_looks_right(window: Any) -> None:
    """The figures page's charts in the window, saved as test-artifacts/charts.png to look at."""
    from kivy.uix.boxlayout import BoxLayout
    from kivy.uix.gridlayout import GridLayout

    page = BoxLayout(orientation="vertical", padding=24, spacing=16)
    page.add_widget(BarChart(title="各时段访问", unit="人次", bars=HOURS, highlight=11))
    row = GridLayout(cols=2, spacing=16)
    row.add_widget(BarChart(title="各时段访问（窄）", unit="人次", bars=HOURS))
    row.add_widget(BarChart(title="按星期", unit="人次", bars=WEEKDAYS, highlight=4))
    page.add_widget(row)
    page.add_widget(BarChart(title="按月份", unit="人次", bars=MONTHS))
    row = GridLayout(cols=2, spacing=16)
    row.add_widget(BarChart(title="满意度评价", unit="次", bars=RATINGS, horizontal=True))
    row.add_widget(BarChart(title="本月无评价", unit="次", bars=[(n, 0) for n, _ in RATINGS], horizontal=True))
    page.add_widget(row)
    page.add_widget(BarChart(title="按栏目阅读", unit="次", bars=COLUMNS, horizontal=True))
    window.add_widget(page)
    try:
        assert_settled(page)
        for chart in page.walk(restrict=True):
            if isinstance(chart, BarChart):
                _assert_tidy(chart)
        shot = screenshot("charts")
        os.replace(shot, ARTIFACT)
        assert Path(ARTIFACT).stat().st_size > 10_000
    finally:
        window.remove_widget(page)
