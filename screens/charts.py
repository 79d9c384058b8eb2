"""BarChart: counts as bars, for the staff console's figures page.

Visits by hour or by month stand as vertical bars with their labels beneath;
ratings, kinds of printout or columns, whose names are long, lie as horizontal
bars with their names on the left. The longest bar fills the plot; a value
above zero is never drawn as nothing, and a chart with nothing above zero says
无数据. Labels that would run into each other are thinned to every k-th; the
values stand on the bars when they all fit, else only the largest and the
highlighted one.

Where everything goes is worked out by `lay_out`, a pure function of the
values, the labels, the plot's box and a text measure; the widget draws what it
returns, at most once a frame (one Clock trigger for every property that moves
something). It keeps what it drew in `bar_rects`, `category_labels` and
`value_labels`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, InstructionGroup, Line, Rectangle
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ColorProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

from screens import theme
from screens.base import load_kv

__all__ = ["NO_DATA", "BarChart", "Box", "ChartLayout", "Placed", "format_value", "lay_out"]

Box = tuple[float, float, float, float]  # x, y, width, height
Measure = Callable[[str], tuple[float, float]]  # text → (width, height) as Kivy draws it

NO_DATA = "无数据"
GAP: float = dp(6)  # between neighbouring labels, and between a bar and its value
BAR_FILL = 0.7  # a bar's share of its slot; the rest is the gap between bars
THIN_PITCH: float = dp(4)  # slots narrower than this are filled whole: a gap would leave no bar
THICKEST: float = dp(72)  # a bar of a chart with few bars stays a bar, not a block
MIN_BAR = 1.0  # pixels: a value above zero is never drawn as nothing
LABEL_COLUMN = 0.4  # horizontal: the names take at most this share of the width (longer ones end in …)
SLACK = 2.0  # pixels added to a measured width, so that rounding never shortens a label that fits
_REDRAW_ON = (
    "bars",
    "horizontal",
    "highlight",
    "label_font_size",
    "bar_color",
    "muted_color",
    "axis_color",
    "label_color",
)


@dataclass(frozen=True, slots=True)
class Placed:
    """A label of bar `index`: its text and its box."""

    index: int
    text: str
    box: Box


@dataclass(frozen=True, slots=True)
class ChartLayout:
    """Where everything of a chart goes, in the coordinates of the box it was laid out in."""

    bars: tuple[Box, ...]
    categories: tuple[Placed, ...]  # the labels naming the bars, every `step`-th
    values: tuple[Placed, ...]  # the values shown on or beside their bars
    baseline: tuple[float, float, float, float]  # x1, y1, x2, y2: where the bars stand
    step: int
    empty: bool  # no value above zero


def format_value(value: float) -> str:
    """A value as its label shows it: a whole number as such, with thousands marked, else one decimal."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


@dataclass(frozen=True, slots=True)
class _Axes:
    """The plot seen as two directions: slots follow one another *along*, bars grow *across*.

    Vertical bars: along is x from the left, across is y. Horizontal bars: along
    runs down from the top (the first bar on top), across is x.
    """

    horizontal: bool
    box: Box

    @property
    def length(self) -> float:
        return self.box[3] if self.horizontal else self.box[2]

    def place(self, along: float, along_size: float, across: float, across_size: float) -> Box:
        """The box `along_size` long from `along` (an offset from the start) and from `across` (a coordinate)."""
        x, y, _width, height = self.box
        if self.horizontal:
            return (across, y + height - along - along_size, across_size, along_size)
        return (x + along, across, along_size, across_size)


@dataclass(frozen=True, slots=True)
class _Slots:
    """`count` equal slots along the plot, kept `inset` from both ends."""

    count: int
    inset: float
    pitch: float

    def centre(self, index: int) -> float:
        return self.inset + (index + 0.5) * self.pitch

    def bar(self, index: int) -> tuple[float, float]:
        """Where bar `index` starts along the plot, and its thickness (centred in its slot)."""
        thickness = min(self.pitch * (BAR_FILL if self.pitch >= THIN_PITCH else 1.0), THICKEST)
        return self.inset + index * self.pitch + (self.pitch - thickness) / 2, thickness


@dataclass(frozen=True, slots=True)
class _Texts:
    """The labels' sizes: a line's height, each name's width (capped), each value's text and width."""

    line: float
    names: list[float]
    values: list[str]  # none when nothing is above zero
    widths: list[float]

    def along(self, horizontal: bool, widths: list[float]) -> list[float]:
        """How much of the axis the bars follow each label takes: its line beside horizontal bars, else its width."""
        return [self.line] * len(widths) if horizontal else widths


def lay_out(
    bars: Sequence[tuple[str, float]], box: Box, horizontal: bool, measure: Measure, highlight: int | None = None
) -> ChartLayout:
    """Bars for (label, value) pairs, laid out in `box`; `measure` gives a text's size as a Label draws it."""
    values = [_clean(value) for _, value in bars]
    texts = _texts(values, [label for label, _ in bars], box, horizontal, measure)
    axes = _Axes(horizontal, box)
    start, end = _value_range(axes, texts)
    slots = _slots(axes.length, len(values), max(texts.along(horizontal, texts.names), default=0.0))
    lengths = [_length(value, max(values), end - start) for value in values]
    rects = tuple(axes.place(*slots.bar(i), start, length) for i, length in enumerate(lengths))
    categories, step = _categories(axes, slots, [label for label, _ in bars], texts)
    chosen = _pick(values, texts, slots, axes, highlight)
    placed = _values(axes, slots, texts, [start + length for length in lengths], chosen)
    ends = axes.place(slots.inset, axes.length - 2 * slots.inset, start, 0)
    baseline = (ends[0], ends[1], ends[0] + ends[2], ends[1] + ends[3])
    return ChartLayout(rects, categories, placed, baseline, step, not texts.values)


def _texts(values: list[float], labels: list[str], box: Box, horizontal: bool, measure: Measure) -> _Texts:
    """Every label measured once; a name is never wider than its room, and nothing above zero shows no value."""
    cap = box[2] * LABEL_COLUMN if horizontal else box[2]  # beside horizontal bars, a share of the width
    shown = [format_value(value) for value in values] if max(values, default=0.0) > 0 else []
    return _Texts(
        line=measure("国")[1],
        names=[min(measure(text)[0] + SLACK, cap) for text in labels],
        values=shown,
        widths=[measure(text)[0] + SLACK for text in shown],
    )


def _clean(value: float) -> float:
    """Counts are never below zero; what is not a number counts as nothing."""
    number = float(value)
    return number if math.isfinite(number) and number > 0 else 0.0


def _value_range(axes: _Axes, texts: _Texts) -> tuple[float, float]:
    """Where the bars start and where the longest one ends, across the plot: room is kept for the names (below
    or to the left) and for the values (above or to the right)."""
    x, y, width, height = axes.box
    values = max(texts.widths, default=0.0)
    room = GAP + (values if axes.horizontal else texts.line) if values else 0.0
    start = x + max(texts.names, default=0.0) + GAP if axes.horizontal else y + texts.line + GAP
    return start, max(start, (x + width if axes.horizontal else y + height) - room)


def _slots(length: float, count: int, widest: float) -> _Slots:
    """Equal slots along the plot, kept far enough from its ends that a label centred on the first or the last
    slot stays inside."""
    if count <= 0:
        return _Slots(0, 0.0, 0.0)
    inset = 0.0
    if count > 1 and widest > length / count:
        inset = (widest - length / count) / (2 - 2 / count)
    return _Slots(count, inset, max(0.0, (length - 2 * inset) / count))


def _length(value: float, peak: float, span: float) -> float:
    """A bar's length: in proportion to the largest, and at least a pixel for a value above zero."""
    if value <= 0 or peak <= 0 or span <= 0:
        return 0.0
    return min(span, max(MIN_BAR, value / peak * span))


def _step(need: float, pitch: float, count: int) -> int:
    """Name every step-th slot, so that the names shown are `need` apart at least."""
    if pitch <= 0:
        return max(count, 1)
    return max(1, math.ceil(need / pitch - 1e-9))


def _categories(axes: _Axes, slots: _Slots, labels: list[str], texts: _Texts) -> tuple[tuple[Placed, ...], int]:
    """The names of every step-th bar: centred under it, or right-aligned in the column on its left."""
    along = texts.along(axes.horizontal, texts.names)
    step = _step(max(along, default=0.0) + GAP, slots.pitch, len(labels))
    x, y, _width, _height = axes.box
    across, size = (x, max(texts.names, default=0.0)) if axes.horizontal else (y, texts.line)
    return tuple(
        Placed(i, labels[i], axes.place(slots.centre(i) - along[i] / 2, along[i], across, size))
        for i in range(0, len(labels), step)
    ), step


def _pick(values: list[float], texts: _Texts, slots: _Slots, axes: _Axes, highlight: int | None) -> list[int]:
    """The bars whose value is shown: all when every value fits its slot; else the highlighted and the largest,
    when they do not run into each other."""
    along = texts.along(axes.horizontal, texts.widths)
    if not along or max(along) + GAP <= slots.pitch:
        return list(range(len(along)))
    chosen: list[int] = []
    for index in (highlight, values.index(max(values))):
        if index is None or index in chosen:
            continue
        span = _value_span(slots, index, along[index], axes.length)
        if all(_apart(span, _value_span(slots, other, along[other], axes.length)) for other in chosen):
            chosen.append(index)
    return sorted(chosen)


def _value_span(slots: _Slots, index: int, along: float, length: float) -> tuple[float, float]:
    """Where a value's label lies along the plot: centred on its bar, moved inside the plot if need be."""
    start = min(max(slots.centre(index) - along / 2, 0.0), max(length - along, 0.0))
    return start, start + along


def _apart(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[1] + GAP <= b[0] or b[1] + GAP <= a[0]


def _values(axes: _Axes, slots: _Slots, texts: _Texts, ends: list[float], chosen: list[int]) -> tuple[Placed, ...]:
    """The values of the chosen bars: above their tops, or beyond their ends."""
    placed = []
    for i in chosen:
        size = texts.line if axes.horizontal else texts.widths[i]
        start, _ = _value_span(slots, i, size, axes.length)
        if axes.horizontal:
            placed.append(Placed(i, texts.values[i], axes.place(start, size, ends[i] + GAP, texts.widths[i])))
        else:
            placed.append(Placed(i, texts.values[i], axes.place(start, size, ends[i] + GAP / 2, texts.line)))
    return tuple(placed)


@functools.lru_cache(maxsize=16)
def _measure(font_size: float) -> Measure:
    """A text's size in the theme's font at `font_size`, as a Label draws it."""
    core = CoreLabel(font_name=theme.FONT_NAME, font_size=font_size)

    def size(text: str) -> tuple[float, float]:
        width, height = core.get_extents(text)
        return float(width), float(height)

    return size


def _new_label() -> Label:
    """A label of the chart's, placed and sized by the chart; a name longer than its box ends in …."""
    return Label(size_hint=(None, None), font_name=theme.FONT_NAME, valign="middle", shorten=True, shorten_from="right")


class BarChart(BoxLayout):
    """A titled bar chart of (label, value) pairs; its rule (charts.kv) lays out the title and the plot.

    From a rule: `BarChart:` with `title`, `unit`, `bars: [('满意', 41), ('基本满意', 9)]`, `horizontal: True`,
    `highlight: 2` (the bar drawn in `bar_color`, the others in `muted_color`); give it a height.
    """

    title = StringProperty("")
    unit = StringProperty("")  # 人次, 页: shown beside the title
    bars = ListProperty([])  # (label, value) pairs, in the order they are drawn
    horizontal = BooleanProperty(False)  # bars grow to the right, their names on the left
    highlight = NumericProperty(None, allownone=True)  # the index of the bar to stand out, if any
    label_font_size = NumericProperty(dp(24))
    bar_color = ColorProperty(theme.PRIMARY)
    muted_color = ColorProperty(theme.SECONDARY_DARK)  # the other bars, when one is highlighted
    axis_color = ColorProperty(theme.MUTED)
    label_color = ColorProperty(theme.INK)
    empty = BooleanProperty(True)  # read only: nothing above zero (the rule shows 无数据)

    def __init__(self, **kwargs: Any) -> None:
        self.bar_rects: list[Box] = []  # what was drawn last: each bar's x, y, width, height
        self.category_labels: list[Label] = []
        self.value_labels: list[Label] = []
        self.label_step = 1  # every label_step-th bar is named
        self.draws = 0  # how many times the chart was drawn (tests count redraws)
        self._shapes = InstructionGroup()
        self._redraw = Clock.create_trigger(self._draw, -1)  # before the next frame, after the layouts
        super().__init__(**kwargs)
        for name in _REDRAW_ON:
            self.fbind(name, self._redraw)

    def on_kv_post(self, base_widget: Any) -> None:
        plot = self.ids.plot
        plot.canvas.before.add(self._shapes)
        plot.fbind("pos", self._redraw)  # the plot follows the chart's pos and size, less the title
        plot.fbind("size", self._redraw)
        self._redraw()

    def _draw(self, *_args: Any) -> None:
        plot = self.ids.plot
        pairs = [(str(label), float(value)) for label, value in self.bars]
        layout = lay_out(
            pairs,
            (plot.x, plot.y, plot.width, plot.height),
            self.horizontal,
            _measure(float(self.label_font_size)),
            self._highlighted(len(pairs)),
        )
        self._paint(layout)
        self.category_labels = self._place(
            self.category_labels, layout.categories, "right" if self.horizontal else "center"
        )
        self.value_labels = self._place(self.value_labels, layout.values, "left" if self.horizontal else "center")
        self.bar_rects, self.label_step, self.empty = list(layout.bars), layout.step, layout.empty
        self.draws += 1

    def _highlighted(self, count: int) -> int | None:
        index = self.highlight
        return int(index) if index is not None and 0 <= index < count else None

    def _paint(self, layout: ChartLayout) -> None:
        """The bars and the baseline, in the plot's canvas under the labels."""
        shapes, chosen = self._shapes, self._highlighted(len(layout.bars))
        shapes.clear()
        shapes.add(Color(rgba=self.bar_color if chosen is None else self.muted_color))
        for index, (x, y, width, height) in enumerate(layout.bars):
            if index != chosen:
                shapes.add(Rectangle(pos=(x, y), size=(width, height)))
        if chosen is not None:
            x, y, width, height = layout.bars[chosen]
            shapes.add(Color(rgba=self.bar_color))
            shapes.add(Rectangle(pos=(x, y), size=(width, height)))
        shapes.add(Color(rgba=self.axis_color))
        shapes.add(Line(points=list(layout.baseline), width=1))

    def _place(self, labels: list[Label], placed: Sequence[Placed], halign: str) -> list[Label]:
        """Show `placed` with the labels already there, adding or taking away the difference."""
        plot, chosen = self.ids.plot, self._highlighted(len(self.bars))
        kept = labels[: len(placed)]
        for label in labels[len(placed) :]:
            plot.remove_widget(label)
        for _ in range(len(placed) - len(kept)):
            kept.append(_new_label())
            plot.add_widget(kept[-1])
        for label, spot in zip(kept, placed, strict=True):
            x, y, width, height = spot.box
            label.text, label.halign, label.font_size = spot.text, halign, self.label_font_size
            label.pos, label.size, label.text_size = (x, y), (width, height), (width, height)
            label.color = self.bar_color if spot.index == chosen else self.label_color
        return kept


load_kv(__file__)
