"""Handwriting recognition offline: a small ctypes binding over the Zinnia recogniser's C API.

Zinnia (Debian's libzinnia0) classifies one character written as strokes, each a
list of points on a canvas, against a model: Tegaki's simplified-Chinese model
(tegaki-zinnia-simplified-chinese). Nothing here imports Kivy; the kiosk calls
`Recogniser.classify` off the UI thread. When the library or the model is
missing, `open_recogniser` returns None and says why once in the log: the
search screen then offers the pinyin keyboard alone.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

DEFAULT_MODEL = Path("/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model")
CANVAS = 1000  # the model's strokes were written on a 1000 × 1000 canvas: points are scaled onto it
FILL = 0.8  # the share of the canvas a character is sized to (its longer side)
MAX_ENLARGE = 3.0  # a character written small is enlarged at most this much
MAX_STROKES = 60  # the most complex characters have about 36; more is scribbling, the first ones are kept
MAX_POINTS = 400  # points of one stroke passed on; a slow stroke's extra points are thinned evenly
_LIBRARY_NAMES = ("libzinnia.so.0", "libzinnia.so")

Point = tuple[float, float]
Stroke = Sequence[Point]


UNSURE_BELOW = -1.0  # a best score under this is a scribble or a shape no character has: 请再写一次


@dataclass(frozen=True, slots=True)
class Recognised:
    """What the pad shows after a stroke: candidate characters, best first, and whether to ask for it again."""

    chars: tuple[str, ...]
    unsure: bool  # nothing recognised with confidence: the pad says 请再写一次 (the candidates stay offered)


class HandwritingUnavailable(Exception):
    """The Zinnia library or its model cannot be loaded."""


@dataclass(frozen=True, slots=True)
class Guess:
    """One candidate character and the recogniser's score for it (higher is better, about -2 … 2)."""

    char: str
    score: float


def _load_library() -> ctypes.CDLL:
    names = [*_LIBRARY_NAMES]
    found = ctypes.util.find_library("zinnia")
    if found:
        names.append(found)
    problems = []
    for name in names:
        try:
            lib = ctypes.CDLL(name)
        except OSError as exc:
            problems.append(str(exc))
            continue
        _declare(lib)
        return lib
    raise HandwritingUnavailable("the Zinnia library (Debian package libzinnia0) is not installed: " + problems[0])


def _declare(lib: ctypes.CDLL) -> None:
    """The C signatures of the calls used: a pointer returned as a c_void_p, never truncated to an int."""
    ptr, size, cint = ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int
    for name, args, result in (
        ("zinnia_recognizer_new", [], ptr),
        ("zinnia_recognizer_open", [ptr, ctypes.c_char_p], cint),
        ("zinnia_recognizer_strerror", [ptr], ctypes.c_char_p),
        ("zinnia_recognizer_size", [ptr], size),
        ("zinnia_recognizer_destroy", [ptr], None),
        ("zinnia_recognizer_classify", [ptr, ptr, size], ptr),
        ("zinnia_character_new", [], ptr),
        ("zinnia_character_clear", [ptr], None),
        ("zinnia_character_set_width", [ptr, size], None),
        ("zinnia_character_set_height", [ptr, size], None),
        ("zinnia_character_add", [ptr, size, cint, cint], cint),
        ("zinnia_character_destroy", [ptr], None),
        ("zinnia_result_value", [ptr, size], ctypes.c_char_p),
        ("zinnia_result_score", [ptr, size], ctypes.c_float),
        ("zinnia_result_size", [ptr], size),
        ("zinnia_result_destroy", [ptr], None),
    ):
        function = getattr(lib, name)
        function.argtypes = args
        function.restype = result


class Recogniser:
    """A Zinnia recogniser with its model open; `classify` may be called from any thread (one at a time)."""

    def __init__(self, model: Path = DEFAULT_MODEL) -> None:
        if not model.is_file():
            raise HandwritingUnavailable(
                f"the handwriting model {model} is missing (Debian package tegaki-zinnia-simplified-chinese)"
            )
        self._lib = _load_library()
        self._lock = threading.Lock()
        self._recogniser = self._lib.zinnia_recognizer_new()
        self._character = self._lib.zinnia_character_new()
        if not self._recogniser or not self._character:
            raise HandwritingUnavailable("Zinnia could not make a recogniser")
        if not self._lib.zinnia_recognizer_open(self._recogniser, str(model).encode()):
            reason = (self._lib.zinnia_recognizer_strerror(self._recogniser) or b"").decode(errors="replace")
            self.close()
            raise HandwritingUnavailable(f"the handwriting model {model} cannot be opened: {reason}")
        self.model = model
        self.characters = int(self._lib.zinnia_recognizer_size(self._recogniser))

    def classify(self, strokes: Sequence[Stroke], width: float, height: float, limit: int = 10) -> list[Guess]:
        """The likeliest characters for strokes written on a `width` × `height` pad, best first.

        Points are in the pad's own units, y downward, and may lie beyond it. The character is centred and
        sized as the model's were, wherever and however large it was written. No strokes, or a pad of no size,
        give no guesses.
        """
        if width <= 0 or height <= 0 or limit <= 0:
            return []
        scaled = [_scaled(stroke, width, height) for stroke in strokes[:MAX_STROKES] if stroke]
        canvas = _centred([stroke for stroke in scaled if stroke])
        if not canvas:
            return []
        with self._lock:
            if self._recogniser is None:
                raise HandwritingUnavailable("the recogniser is closed")
            lib, character = self._lib, self._character
            lib.zinnia_character_clear(character)
            lib.zinnia_character_set_width(character, CANVAS)
            lib.zinnia_character_set_height(character, CANVAS)
            for number, stroke in enumerate(canvas):
                for x, y in stroke:
                    lib.zinnia_character_add(character, number, x, y)
            result = lib.zinnia_recognizer_classify(self._recogniser, character, limit)
            if not result:
                return []
            try:
                guesses = []
                for i in range(int(lib.zinnia_result_size(result))):
                    value = lib.zinnia_result_value(result, i)
                    if value:
                        guesses.append(
                            Guess(value.decode("utf-8", "replace"), float(lib.zinnia_result_score(result, i)))
                        )
                return guesses
            finally:
                lib.zinnia_result_destroy(result)

    def close(self) -> None:
        with self._lock:
            if self._character:
                self._lib.zinnia_character_destroy(self._character)
                self._character = None
            if self._recogniser:
                self._lib.zinnia_recognizer_destroy(self._recogniser)
                self._recogniser = None


def _scaled(stroke: Stroke, width: float, height: float) -> list[tuple[float, float]]:
    """A stroke's points on the model's canvas at one scale for both axes (a pad need not be square), with
    broken points dropped, repeats merged and a long stroke thinned. Points beyond the pad are kept: the
    character is centred on the canvas afterwards."""
    factor = (CANVAS - 1) / max(width, height)
    points: list[tuple[float, float]] = []
    for x, y in stroke:
        if not (math.isfinite(x) and math.isfinite(y)):  # a broken touch event
            continue
        point = (round(x * factor, 1), round(y * factor, 1))
        if not points or points[-1] != point:
            points.append(point)
    if len(points) > MAX_POINTS:
        step = (len(points) - 1) / (MAX_POINTS - 1)
        points = [points[round(i * step)] for i in range(MAX_POINTS)]
    return points


def _centred(strokes: list[list[tuple[float, float]]]) -> list[list[tuple[int, int]]]:
    """The character moved to the canvas's middle and sized to fill most of it, as the model's characters were.

    People write small, large or in a corner of the pad; the model knows characters that fill their square.
    A tiny mark is enlarged at most MAX_ENLARGE times: a dot stays a dot.
    """
    xs = [x for stroke in strokes for x, _ in stroke]
    ys = [y for stroke in strokes for _, y in stroke]
    if not xs:
        return []
    side = max(max(xs) - min(xs), max(ys) - min(ys), 1)
    factor = min(FILL * CANVAS / side, MAX_ENLARGE)
    middle_x, middle_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    half = CANVAS / 2
    return [
        [
            (
                round(min(max(half + (x - middle_x) * factor, 0), CANVAS - 1)),
                round(min(max(half + (y - middle_y) * factor, 0), CANVAS - 1)),
            )
            for x, y in stroke
        ]
        for stroke in strokes
    ]


_opened: dict[Path, Recogniser | None] = {}
_open_lock = threading.Lock()


def open_recogniser(model: Path = DEFAULT_MODEL) -> Recogniser | None:
    """The recogniser for `model`, opened once per process; None (the reason logged once) when it cannot be."""
    with _open_lock:
        if model not in _opened:
            try:
                _opened[model] = Recogniser(model)
            except HandwritingUnavailable as exc:
                log.warning("handwriting input is off: %s", exc)
                _opened[model] = None
        return _opened[model]
