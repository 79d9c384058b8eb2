"""Recorded handwriting: characters written stroke by stroke (strokes.txt), and the ways people write them.

strokes.txt holds each character once, as a careful writer's finger moves on a
0–100 square (y downward): the points it passes through, stroke by stroke, in
the standard stroke order. `written` makes it a finger's real trace: points
every few units along each stroke (a slow finger leaves many, a fast one few),
a hand's wobble (a smooth drift, not noise on each point), and the character at
a size and a place of the writer's choosing on the pad.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

Point = tuple[float, float]
Strokes = list[list[Point]]

DATA = Path(__file__).with_name("strokes.txt")


@cache
def recorded() -> dict[str, Strokes]:
    """Each character of strokes.txt and its strokes, in file order."""
    found: dict[str, Strokes] = {}
    for line in DATA.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        char, _, rest = line.partition("|")
        strokes = [
            [(float(x), float(y)) for x, y in (p.split(",") for p in stroke.split())] for stroke in rest.split(";")
        ]
        found.setdefault(char.strip(), strokes)
    return found


@dataclass(frozen=True, slots=True)
class Hand:
    """How one writer writes: the character's size and place on the pad, the finger's speed and its wobble."""

    name: str
    size: float = 0.8  # of the pad's side
    centre: Point = (0.5, 0.5)  # of the pad
    step: float = 3.0  # units of the 0–100 square between two touch points (small: a slow finger)
    wobble: float = 0.0  # units the hand drifts from the line
    seed: int = 0


HANDS: tuple[Hand, ...] = (
    Hand("careful"),
    Hand("small, top left", size=0.45, centre=(0.3, 0.3)),
    Hand("large, low right", size=0.95, centre=(0.52, 0.52), wobble=1.0, seed=1),
    Hand("wobbly", wobble=2.5, seed=2),
    Hand("fast", step=14.0, wobble=1.0, seed=3),
    Hand("slow", step=0.6, wobble=0.8, seed=4),
)


def written(strokes: Strokes, hand: Hand, pad: float = 600.0) -> Strokes:
    """The strokes as a finger traces them on a `pad` × `pad` writing area (y downward)."""
    rng = random.Random(hand.seed * 7919 + len(strokes))
    scale = hand.size * pad / 100
    left = hand.centre[0] * pad - 50 * scale
    top = hand.centre[1] * pad - 50 * scale
    traced: Strokes = []
    for stroke in strokes:
        points = _dense(stroke, hand.step)
        drift = _drift(len(points), hand.wobble, rng)
        traced.append(
            [(left + (x + dx) * scale, top + (y + dy) * scale) for (x, y), (dx, dy) in zip(points, drift, strict=True)]
        )
    return traced


def _dense(stroke: list[Point], step: float) -> list[Point]:
    """Points every `step` units along the stroke's segments, its corners kept."""
    if len(stroke) == 1:
        return list(stroke)
    points = [stroke[0]]
    for (x0, y0), (x1, y1) in zip(stroke, stroke[1:], strict=False):
        count = max(1, math.ceil(math.hypot(x1 - x0, y1 - y0) / step))
        points += [(x0 + (x1 - x0) * i / count, y0 + (y1 - y0) * i / count) for i in range(1, count + 1)]
    return points


def _drift(count: int, amount: float, rng: random.Random) -> list[Point]:
    """A smooth random drift of about `amount` units: a hand, not a noisy sensor."""
    if amount <= 0:
        return [(0.0, 0.0)] * count
    dx = dy = 0.0
    out = []
    for _ in range(count):
        dx = 0.8 * dx + rng.gauss(0, amount * 0.6)
        dy = 0.8 * dy + rng.gauss(0, amount * 0.6)
        out.append((max(-3 * amount, min(3 * amount, dx)), max(-3 * amount, min(3 * amount, dy))))
    return out
