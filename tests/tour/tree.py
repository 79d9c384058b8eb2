"""Reading the window's widget tree as a person sees it: what is visible, where, what a touch would hit.

Nothing here changes a widget. The checks return plain sentences, one per
problem, naming the widget by its class and its text.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable, Iterator
from typing import Any

from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.stencilview import StencilView
from kivy.uix.textinput import TextInput

Rect = tuple[float, float, float, float]  # x, y, width, height in window coordinates
Geometry = dict[str, tuple[float, float, float, float]]

EDGE_TOLERANCE = 1.0  # px: rounding of size hints may leave a widget a fraction outside
_EXCEPTION_NAMES = sorted(
    name
    for name in dir(builtins)
    if isinstance(getattr(builtins, name), type) and issubclass(getattr(builtins, name), BaseException)
)
_ERROR_WORDS = re.compile(r"Error|Traceback|Exception|\[SQL|\b(?:" + "|".join(_EXCEPTION_NAMES) + r")\b")
_ERROR_WORDS_ANY_CASE = re.compile(r"sqlite|errno|traceback", re.IGNORECASE)


def walk(widget: Any) -> Iterator[Any]:
    """The widget and every descendant, parents before children."""
    yield widget
    for child in widget.children:
        yield from walk(child)


def describe(widget: Any) -> str:
    """A widget as a person would name it: its class and, when it has one, its text."""
    text = str(getattr(widget, "text", "") or getattr(widget, "title", "") or "").replace("\n", " ")
    return f"{type(widget).__name__}" + (f" “{text[:40]}”" if text else "")


def window_rect(widget: Any) -> Rect:
    """The widget's rectangle in window coordinates."""
    x0, y0 = widget.to_window(widget.x, widget.y)
    x1, y1 = widget.to_window(widget.right, widget.top)
    return x0, y0, x1 - x0, y1 - y0


def shown(widget: Any) -> bool:
    """Visible to a person: opaque enough, with a size, enabled, and so is every ancestor."""
    node = widget
    while node is not None and not _is_window(node):
        if node.opacity <= 0 or node.width <= 0 or node.height <= 0 or node.disabled:
            return False
        node = node.parent
    return True


def _is_window(widget: Any) -> bool:
    return widget.parent is None or widget.parent is widget


def clipped_by(widget: Any) -> list[Any]:
    """The stencil views (scroll views) above the widget that clip what it shows."""
    found = []
    node = widget.parent
    while node is not None and not _is_window(node):
        if isinstance(node, StencilView):
            found.append(node)
        node = node.parent
    return found


def touchable(widget: Any) -> bool:
    """A control a finger can use: a button of any kind or a text field."""
    return isinstance(widget, (ButtonBehavior, TextInput))


def geometry(window: Any) -> Geometry:
    """Every widget's class and rectangle, keyed by its place in the tree (a rebuilt twin keeps its key)."""
    found: Geometry = {}

    def visit(widget: Any, path: str) -> None:
        for index, child in enumerate(reversed(child_list(widget))):
            key = f"{path}/{index}:{type(child).__name__}"
            found[key] = (round(child.x, 2), round(child.y, 2), round(child.width, 2), round(child.height, 2))
            visit(child, key)

    visit(window, "")
    return found


def child_list(widget: Any) -> list[Any]:
    """The widget's children (the window's too)."""
    return list(widget.children)


def changes(before: Geometry, after: Geometry, window: Any, limit: int = 3) -> list[str]:
    """What moved, resized, appeared or vanished between two geometries, in a few words each."""
    moved = [key for key in after if key in before and before[key] != after[key]]
    added = [key for key in after if key not in before]
    gone = [key for key in before if key not in after]
    said = [f"{_named(window, key)} {before[key]} → {after[key]}" for key in moved[:limit]]
    said += [f"{_named(window, key)} appeared" for key in added[: max(0, limit - len(said))]]
    said += [f"{key.rsplit('/', 1)[-1].split(':', 1)[-1]} vanished" for key in gone[: max(0, limit - len(said))]]
    more = len(moved) + len(added) + len(gone) - len(said)
    return said + ([f"and {more} more"] if more > 0 else [])


def _named(window: Any, key: str) -> str:
    widget = window
    for part in key.strip("/").split("/"):
        index = int(part.split(":", 1)[0])
        children = list(reversed(child_list(widget)))
        if index >= len(children):
            return part.split(":", 1)[1]
        widget = children[index]
    return describe(widget)


# finding things by their text


Matcher = Callable[[str], bool]


def exactly(text: str) -> Matcher:
    """The text, ignoring surrounding spaces."""
    return lambda seen: seen.strip() == text


def starting(text: str) -> Matcher:
    """A text that starts with this."""
    return lambda seen: seen.strip().startswith(text)


def containing(text: str) -> Matcher:
    """A text that holds this."""
    return lambda seen: text in seen


def texts_of(widget: Any) -> list[str]:
    """The texts a person reads on a widget: its own and (for a tile or a row) its labels'."""
    own = getattr(widget, "text", None)
    if isinstance(own, str) and not isinstance(widget, TextInput):
        return [own]
    return []


def find_touchables(root: Any, matcher: Matcher) -> list[Any]:
    """Visible controls whose text (or a label inside them) matches, top of the screen first."""
    found: list[Any] = []
    for widget in walk(root):
        if not shown(widget) or not any(matcher(text) for text in texts_of(widget)):
            continue
        control = widget if touchable(widget) else _touchable_ancestor(widget)
        if control is not None and control not in found and shown(control) and visible_centre(control):
            found.append(control)
    return sorted(found, key=lambda w: (-window_rect(w)[1], window_rect(w)[0]))


def _touchable_ancestor(widget: Any) -> Any | None:
    node = widget.parent
    while node is not None and not _is_window(node):
        if touchable(node):
            return node
        node = node.parent
    return None


def visible_centre(widget: Any) -> bool:
    """The widget's centre lies inside the window and inside every scroll view that clips it."""
    from kivy.core.window import Window

    x, y = widget.to_window(*widget.center)
    if not (0 <= x <= Window.width and 0 <= y <= Window.height):
        return False
    for view in clipped_by(widget):
        vx, vy, vw, vh = window_rect(view)
        if not (vx <= x <= vx + vw and vy <= y <= vy + vh):
            return False
    return True


def visible_texts(root: Any) -> list[tuple[Any, str]]:
    """Every shown label's text (buttons included, text fields excluded)."""
    return [(w, t) for w in walk(root) if shown(w) for t in texts_of(w) if t]


# the checks


def error_texts(root: Any) -> list[str]:
    """Visible texts that show an error's inner workings to the citizen."""
    problems = []
    for widget, text in visible_texts(root):
        if _ERROR_WORDS.search(text) or _ERROR_WORDS_ANY_CASE.search(text):
            problems.append(f"error text on screen in {describe(widget)}: “{text[:120]}”")
    return problems


def off_screen(window: Any) -> list[str]:
    """Shown widgets whose rectangle leaves the window (those inside a scroll view are clipped by it)."""
    problems = []
    outside: set[int] = set()
    for widget in walk(window):
        if widget is window or not shown(widget) or clipped_by(widget):
            continue
        x, y, w, h = window_rect(widget)
        if (
            x < -EDGE_TOLERANCE
            or y < -EDGE_TOLERANCE
            or x + w > window.width + EDGE_TOLERANCE
            or (y + h > window.height + EDGE_TOLERANCE)
        ):
            outside.add(id(widget))
            if id(widget.parent) in outside:  # its container was reported already
                continue
            problems.append(
                f"{describe(widget)} leaves the window: x {x:.0f}–{x + w:.0f}, y {y:.0f}–{y + h:.0f}"
                f" in {window.width}×{window.height}"
            )
    return problems


def covered(window: Any) -> list[str]:
    """Shown controls whose centre, when touched, would go to another widget."""
    problems = []
    for widget in walk(window):
        if widget is window or not touchable(widget) or not shown(widget) or not visible_centre(widget):
            continue
        x, y = widget.to_window(*widget.center)
        taker = touch_taker(window, x, y)
        if taker is None or taker is widget or _is_ancestor(widget, taker) or _full_window_layer(window, taker):
            continue
        problems.append(f"{describe(widget)} is covered: a touch at its centre goes to {describe(taker)}")
    return problems


def touch_taker(container: Any, x: float, y: float) -> Any | None:
    """The widget that would take a touch at window point (x, y), walking children as Kivy dispatches."""
    local = container.to_widget(x, y) if not _is_window(container) else (x, y)
    for child in child_list(container):  # the topmost child first, as Kivy dispatches
        if not child.collide_point(*local):
            continue
        if child.disabled:  # a disabled widget swallows the touches that land on it
            return child
        inner = touch_taker(child, x, y)
        if inner is not None:
            return inner
        if touchable(child) or _swallows(child):
            return child
    return None


def _swallows(widget: Any) -> bool:
    """A widget of this project (not a Kivy layout) whose on_touch_down takes every touch on it."""
    for cls in type(widget).__mro__:
        if "on_touch_down" in vars(cls):
            return not cls.__module__.startswith("kivy.") or cls.__module__ == "kivy.uix.modalview"
    return False


def _is_ancestor(ancestor: Any, widget: Any) -> bool:
    node = widget.parent
    while node is not None and not _is_window(node):
        if node is ancestor:
            return True
        node = node.parent
    return False


def _full_window_layer(window: Any, widget: Any) -> bool:
    """In an overlay over the whole window (the idle warning): what lies beneath is covered on purpose."""
    node = widget
    while node is not None and node is not window:
        x, y, w, h = window_rect(node)
        if x <= 0 and y <= 0 and w >= window.width and h >= window.height and _swallows(node):
            return True
        node = node.parent
    return False
