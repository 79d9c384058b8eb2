"""BreakLabel: a wrapping Label whose lines follow the rules of Chinese line breaking.

Kivy's own wrap breaks a Chinese line after any character: a line may start
with "。" and a year or an 索引号 may be cut in two. BreakLabel chooses the
lines itself (`content_cache.linebreak.fill_lines`, measuring with Kivy's core
text) and hands Kivy the text with those line breaks in it, with `text_size`
(width, None) so Kivy draws the lines as they are and never wraps them again.

It is a drop-in for a wrapping Label (`text`, `font_size`, `font_name`,
`halign`, `color`, `line_height`, `padding`): its `text` stays what was set;
only what is drawn has the line breaks. With `max_lines` the last line kept
ends in "…". Content text only: markup stays off. `text_size` is the label's
own (its width, None): a rule leaves it alone and uses `padding` for margins.

No feedback loop: the lines follow the width; the height may follow
`texture_size[1]` (the rule says so: `size_hint_y: None`,
`height: self.texture_size[1]`); the width never follows the texture.
Re-wrapping happens at most once a frame (a Clock trigger), when the width,
the text, the font or its size change.
"""

from __future__ import annotations

import functools
from typing import Any

from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.properties import BooleanProperty
from kivy.uix.label import Label
from kivy.uix.screenmanager import Screen

from content_cache.linebreak import CharWidths, clip_lines, fill_lines, is_ideograph

__all__ = ["BreakLabel", "ShownLater", "break_lines", "lay_out_pending", "not_shown", "text_widths"]

_REWRAP_ON = ("width", "text", "font_size", "font_name", "bold", "max_lines", "padding", "balanced")


@functools.lru_cache(maxsize=64)
def text_widths(font_name: str, font_size: float, bold: bool = False) -> CharWidths:
    """Widths of text in `font_name` at `font_size` as Kivy draws it, each character measured once."""
    core = CoreLabel(font_name=font_name, font_size=font_size, bold=bold)
    return CharWidths(lambda text: float(core.get_extents(text)[0]))


class _Heights:
    """The height Kivy's core text gives a line of text: the tallest of its characters', each measured once."""

    def __init__(self, core: CoreLabel) -> None:
        self._core = core
        self._ideograph = int(core.get_extents("中")[1])
        self._heights: dict[str, int] = {"": int(core.get_extents("")[1])}

    def __call__(self, text: str) -> int:
        heights = self._heights
        tallest = heights[""]
        for ch in set(text):
            height = heights.get(ch)
            if height is None:
                height = heights[ch] = self._ideograph if is_ideograph(ch) else int(self._core.get_extents(ch)[1])
            tallest = max(tallest, height)
        return tallest


@functools.lru_cache(maxsize=64)
def _line_heights(font_name: str, font_size: float, bold: bool = False) -> _Heights:
    return _Heights(CoreLabel(font_name=font_name, font_size=font_size, bold=bold))


class _MeasuredCoreLabel(CoreLabel):
    """Kivy's core label, measuring a line from its characters' widths and heights, each measured once.

    Kivy measures every line again as it lays a label out, and that asks the
    font for each glyph at the label's size: after a text-size step, a page of
    text meant a few hundred font calls that the line breaking had already made.
    """

    def get_extents(self, text: str) -> tuple[int, int]:
        options = self.options
        key = (options["font_name"], options["font_size"], options["bold"])
        return int(text_widths(*key)(text)), _line_heights(*key)(text)


def break_lines(text: str, width: float, measure: CharWidths, max_lines: int = 0, balanced: bool = False) -> str:
    """`text` with a line break wherever a line of `width` ends (and "…" past `max_lines` lines).

    `balanced` (for a short heading) gives its lines even lengths: the narrowest width that needs no more
    lines, so 政府各部门信息 at a large size is 政府各部 / 门信息, not 政府各部门信 / 息.
    """
    if width <= 0:
        return text
    lines = clip_lines(text, width, measure, max_lines) if max_lines > 0 else fill_lines(text, width, measure)
    if balanced and len(lines) > 1 and "\n" not in text and not lines[-1].endswith("…"):
        # from an even share of the text's width, a little wider each time, until the lines are as few
        share = measure(text) / len(lines)
        for step in range(8):
            even = fill_lines(text, min(width, share * (1 + 0.04 * step)), measure)
            if len(even) <= len(lines):
                lines = even
                break
    return "\n".join(line.rstrip(" ") for line in lines)


class BreakLabel(Label):
    """A Label that wraps at its width by the rules of Chinese typesetting; `balanced` evens out its lines."""

    balanced = BooleanProperty(False)
    text_size: Any  # Kivy's Label's own, as its core label
    _label: Any

    def __init__(self, **kwargs: Any) -> None:
        self._broken = ""  # what is drawn: the text with its line breaks
        self.break_pending = False  # a change came while its screen was not shown
        self._break_due = True  # the lines drawn are not those of the text, width and size now
        self._trigger_break = Clock.create_trigger(self._break, -1)
        super().__init__(**kwargs)
        for name in _REWRAP_ON:
            self.fbind(name, self._rewrap)
        self._rewrap()

    @property
    def lines(self) -> list[str]:
        """The lines as drawn (after the last re-wrap)."""
        return self._broken.split("\n") if self._broken else []

    def _rewrap(self, *_args: Any) -> None:
        self._break_due = True
        self._trigger_break()

    def _break(self, *_args: Any) -> None:
        if not_shown(self):  # a text-size step need not break the text of every screen and overlay at once
            self.break_pending = True
            return
        self.break_pending = self._break_due = False
        padding = self.padding[0] + self.padding[2]
        measure = text_widths(self.font_name, self.font_size, self.bold)
        self._broken = break_lines(self.text, self.width - padding, measure, int(self.max_lines), self.balanced)
        if self.text_size[0] != self.width or self.text_size[1] is not None:
            self.text_size = (self.width, None)
        if self._label.text != self._broken:
            self._label.text = self._broken
            self._trigger_texture()

    def break_if_pending(self) -> None:
        """Break the lines now if a change came while the label's screen was not shown (its screen calls this)."""
        if self.break_pending:
            self._trigger_break.cancel()
            self.break_pending = False
            self._break()

    def lay_out_now(self) -> None:
        """Break the lines and render them now, not at the next frame: for a caller that paces the work itself."""
        self._trigger_break.cancel()
        self._break()
        self._trigger_texture.cancel()
        self.texture_update()

    def texture_update(self, *args: Any) -> None:
        """Lay out the lines; after a change of text, width or size they are broken again first.

        Kivy may come to the texture before the break in the same frame: the old
        lines at a new, larger size would not fit, and Kivy would wrap them
        itself, one character at a time, only for the new lines to be laid out
        once more.
        """
        if self._break_due:
            self._trigger_break.cancel()
            self._break()
            self._trigger_texture.cancel()
        super().texture_update(*args)

    # Kivy's Label hands its `text` straight to the core label; here the broken text goes instead.

    def _trigger_texture_update(self, name: str | None = None, source: Any = None, value: Any = None) -> None:
        if name == "text" and source:
            self._rewrap()
            return
        super()._trigger_texture_update(name, source, value)

    def _create_label(self) -> None:
        if self.markup:  # content text only: markup stays off, but Kivy's own core label would do
            super()._create_label()
        elif not isinstance(self._label, _MeasuredCoreLabel):
            options = {name: getattr(self, name) for name in self._font_properties}
            if self.disabled:
                options["color"], options["outline_color"] = self.disabled_color, self.disabled_outline_color
            self._label = _MeasuredCoreLabel(usersize=self.text_size, **options)
        self._label.text = self._broken


class ShownLater:
    """Mixed into a widget that is added to the window now and then (an overlay, a dialog kept for reuse).

    While it is out of the window its labels are not laid out (a text-size step
    would otherwise lay out a warning nobody sees); they are as it is added.
    """

    def on_parent(self, _widget: Any, parent: Any) -> None:
        if parent is not None:
            lay_out_pending(self)


def not_shown(widget: Any) -> bool:
    """True when `widget` lies on a Screen that its ScreenManager does not show now, or in a ShownLater
    widget that is out of the window."""
    below, node = widget, widget.parent
    while node is not None and node is not node.parent:  # the Window is its own parent
        if isinstance(node, Screen):
            manager = node.manager
            return manager is not None and manager.current_screen is not node
        below, node = node, node.parent
    return node is None and isinstance(below, ShownLater)


def lay_out_pending(root: Any) -> None:
    """Lay out the labels under `root` whose line breaking or layout waited while they were not shown."""
    for widget in root.walk(restrict=True):
        if isinstance(widget, BreakLabel):
            widget.break_if_pending()
        if getattr(widget, "layout_pending", False):
            widget.texture_update()


_laid_out_later: list[Any] = []


def lay_out_labels_when_shown() -> None:
    """From now on, a Label on a screen not shown is laid out when its screen is entered, not at once.

    A text-size step changes the font size of every label of every screen; Kivy
    lays each one out again at the next frame, which made the step wait for
    screens nobody sees (the keyboard's keys, the console, the lists) and for the
    idle warning out of the window. Such a label only notes that it is due
    (`layout_pending`); `KioskScreen` lays out its due labels as it is entered, a
    `ShownLater` overlay as it is added to the window. A label asked for its size directly
    (`texture_update()` called by code) is laid out as before.
    """
    if _laid_out_later:
        return
    laid_out = Label.texture_update

    def texture_update(self: Label, *args: Any) -> None:
        if args and not_shown(self):  # from the frame's trigger, for a screen away or an overlay out of the window
            self.layout_pending = True
            return
        self.layout_pending = False
        laid_out(self, *args)

    Label.layout_pending = False
    Label.texture_update = texture_update
    _laid_out_later.append(laid_out)
