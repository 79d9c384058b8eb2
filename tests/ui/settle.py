"""Layout checks for UI tests: a layout that settles, and touch targets that neither overlap nor clip their text."""

from __future__ import annotations

from typing import Any

from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.label import Label
from kivy.uix.recycleview import RecycleView
from kivy.uix.scrollview import ScrollView

from tests.ui.conftest import frame

MAX_FRAMES = 60


def geometry(root: Any) -> dict[int, tuple[str, tuple[float, ...]]]:
    """Every widget under `root` (itself included): its class and (x, y, width, height)."""
    return {id(w): (type(w).__name__, (*w.pos, *w.size)) for w in root.walk(restrict=True)}


def assert_settled(root: Any, max_frames: int = MAX_FRAMES) -> int:
    """Pump frames until no widget's pos or size changes between two frames; fail after `max_frames`.

    Returns the frames it took. A layout that feeds back into itself (a width
    from a texture that wraps at that width) never gets there.
    """
    before = geometry(root)
    for count in range(1, max_frames + 1):
        frame()
        after = geometry(root)
        if after == before:
            return count
        before = after
    moving = [f"{name} {box}" for key, (name, box) in after.items() if key not in before or before[key][1] != box]
    raise AssertionError(f"layout still moving after {max_frames} frames: {moving[:8]}")


def _ancestors(widget: Any) -> list[Any]:
    """The widget and its parents up to (not including) the window."""
    from kivy.core.window import Window

    chain = []
    while widget is not None and widget is not Window:
        chain.append(widget)
        widget = widget.parent
    return chain


def _visible(widget: Any) -> bool:
    return all(w.opacity > 0 and w.width > 0 and w.height > 0 for w in _ancestors(widget))


def in_list(widget: Any) -> bool:
    """True for the rows of a scrolling list and their parts (they scroll under a clip)."""
    return any(isinstance(w, RecycleView) for w in _ancestors(widget)[1:])


def scrolled_out(widget: Any) -> bool:
    """True for a target of a scrolling view that lies, wholly or in part, outside the view: it is clipped there."""
    views = [w for w in _ancestors(widget)[1:] if isinstance(w, ScrollView)]
    x0, y0, x1, y1 = _box(widget)
    for view in views:
        v0, w0, v1, w1 = _box(view)
        if x0 < v0 - 0.5 or y0 < w0 - 0.5 or x1 > v1 + 0.5 or y1 > w1 + 0.5:
            return True
    return False


def targets(root: Any) -> list[Any]:
    """The touch targets shown under `root`, outside scrolling lists (their rows scroll under a clip), and of a
    scrolling view those it shows whole."""
    return [
        w
        for w in root.walk(restrict=True)
        if isinstance(w, ButtonBehavior) and _visible(w) and not in_list(w) and not scrolled_out(w)
    ]


def _box(widget: Any) -> tuple[float, float, float, float]:
    x, y = widget.to_window(widget.x, widget.y)
    return x, y, x + widget.width, y + widget.height


def assert_no_overlap(root: Any, window_size: tuple[int, int]) -> None:
    """Touch targets lie inside the window, none over another, and each shows its whole text."""
    shown = targets(root)
    boxes = [(w, _box(w)) for w in shown]
    for widget, (x0, y0, x1, y1) in boxes:
        name = getattr(widget, "text", type(widget).__name__)
        assert x0 >= -0.5 and y0 >= -0.5 and x1 <= window_size[0] + 0.5 and y1 <= window_size[1] + 0.5, (
            name,
            (x0, y0, x1, y1),
        )
        if isinstance(widget, Label) and widget.text:
            width, height = widget.texture_size
            assert width <= widget.width + 0.5 and height <= widget.height + 0.5, (
                name,
                widget.texture_size,
                widget.size,
            )
    for i, (a, (ax0, ay0, ax1, ay1)) in enumerate(boxes):
        for b, (bx0, by0, bx1, by1) in boxes[i + 1 :]:
            apart = ax1 <= bx0 + 0.5 or bx1 <= ax0 + 0.5 or ay1 <= by0 + 0.5 or by1 <= ay0 + 0.5
            assert apart, (getattr(a, "text", a), (ax0, ay0, ax1, ay1), getattr(b, "text", b), (bx0, by0, bx1, by1))
