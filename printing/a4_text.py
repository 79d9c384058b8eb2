"""The text of an A4 copy: paragraphs broken by the rules of Chinese line breaking, laid out in linear time.

reportlab lays a paragraph out whole and, when it runs past a page, lays the
rest out whole again on the next page: a body of one long paragraph costs time
that grows with the square of its length (240,000 characters took 34 s). A
paragraph here is broken into lines once; a long one is measured by its line
count and split by whole lines, and reportlab only ever lays out the lines of
one page. `body_lines_at_least` counts, without laying anything out, how many
lines a body needs at least, for the page estimate made before rendering.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from copy import copy
from functools import partial
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Paragraph

from content_cache.linebreak import CharWidths, fill_lines, is_ideograph

MISSING_GLYPH = "〓"  # the typesetter's mark for a character the font lacks
LAID_OUT_WHOLE = 40  # a paragraph of more lines than about a page is measured and split by its lines
STRETCH = 1000  # characters of a paragraph broken into lines at a time
# Called while a long paragraph is broken into lines: the render in progress stops there when out of time.
PROGRESS: ContextVar[Callable[[], None]] = ContextVar("PROGRESS", default=lambda: None)


def clean_char(ch: str, coverage: frozenset[int]) -> str:
    """`ch` as printed: control and format characters dropped, characters the font cannot draw marked."""
    category = unicodedata.category(ch)
    if ch.isspace():
        return ch if ord(ch) in coverage and category != "Cc" else " "
    if category in ("Cc", "Cf"):
        return ""
    return ch if ord(ch) in coverage else MISSING_GLYPH


class BrokenParagraph(Paragraph):
    """A paragraph whose lines are chosen by the rules of Chinese line breaking at the width it is given.

    reportlab's own CJK wrap breaks anywhere, splitting years, 索引号 and
    文号 and starting lines with "，": the lines are broken here instead and
    joined with <br/>, so reportlab only places them. A paragraph of more
    than `LAID_OUT_WHOLE` lines is never handed to reportlab whole: its
    height is its line count times the leading, and `split` cuts it between
    lines into a piece that fits and the rest.
    """

    def __init__(
        self,
        text: str | None,
        style: ParagraphStyle,
        *args: Any,
        plain: str | None = None,
        lines: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(text, style, *args, **kwargs)
        self._plain = plain  # the text still to break, or None once the lines are given
        self._lines = lines  # the broken lines of a long paragraph (None: reportlab lays it out)
        self._broken_at: float | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # reportlab's names
        """Break the lines for this width (once per width); a long paragraph is measured by its lines alone."""
        if self._plain is not None and self._broken_at != availWidth:
            self._broken_at = availWidth
            lines = broken_lines(self._plain, self.style, availWidth)
            self._lines = lines if len(lines) > LAID_OUT_WHOLE else None
            Paragraph.__init__(self, "" if self._lines else _markup(lines), self.style)
        if self._lines is not None:
            self.width, self.height = availWidth, len(self._lines) * self.style.leading
            return self.width, self.height
        width, height = super().wrap(availWidth, availHeight)
        return float(width), float(height)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # reportlab's names
        """The lines that fit in `availHeight` and the rest; [] when fewer than two fit (no orphan line)."""
        self.wrap(availWidth, availHeight)
        if self._lines is None:
            return list(super().split(availWidth, availHeight))
        fit = int(availHeight / self.style.leading)
        if fit <= 1:
            return []
        if fit >= len(self._lines):
            return [self]
        rest_style = copy(self.style)
        rest_style.firstLineIndent = 0
        return [_from_lines(self._lines[:fit], self.style), _from_lines(self._lines[fit:], rest_style)]

    def draw(self) -> None:
        """Draw the lines; a long paragraph drawn whole (a frame that holds it all) is laid out first."""
        if self._lines is not None:
            width = self.width
            Paragraph.__init__(self, _markup(self._lines), self.style)
            self._lines = None
            super().wrap(width, math.inf)
        super().draw()


def _from_lines(lines: list[str], style: ParagraphStyle) -> BrokenParagraph:
    """A paragraph of lines already broken: laid out by reportlab when short, split by its lines when long."""
    if len(lines) > LAID_OUT_WHOLE:
        return BrokenParagraph("", style, lines=lines)
    return BrokenParagraph(_markup(lines), style)


def broken_lines(plain: str, style: ParagraphStyle, width: float) -> list[str]:
    """`plain` broken into lines that fit `width` less the style's indents, each stripped.

    A long paragraph is broken a stretch at a time (`STRETCH` characters, cut between two
    ideographs where it can be), its last two lines carried into the next stretch and broken
    again with what follows, so every line's ends are chosen seeing the text on both sides.
    The line breaker's analysis of a run without a break (a long code or word) grows faster
    than the run; stretches keep it bounded, and `progress` is called after each one.
    """
    room, widths = line_room(style, width), char_widths(style.fontName, style.fontSize)
    lines: list[str] = []
    carried = ""
    for stretch in _stretches(plain):
        filled = fill_lines(carried + stretch, room, widths, first_indent=0.0 if lines else style.firstLineIndent)
        kept = max(0, len(filled) - 2)
        lines += filled[:kept]
        carried = "".join(filled[kept:])
        PROGRESS.get()()
    lines += fill_lines(carried, room, widths, first_indent=0.0 if lines else style.firstLineIndent)
    return [line.strip() for line in lines]


def _stretches(plain: str) -> Iterator[str]:
    """`plain` in pieces of about STRETCH characters, each but the last cut between two ideographs if one is near."""
    start = 0
    while len(plain) - start > STRETCH:
        cut = start + STRETCH
        for position in range(cut, cut - STRETCH // 4, -1):
            if is_ideograph(plain[position - 1]) and is_ideograph(plain[position]):
                cut = position
                break
        yield plain[start:cut]
        start = cut
    if start == 0 or start < len(plain):
        yield plain[start:]


def line_room(style: ParagraphStyle, width: float) -> float:
    """The width a line may take; a hair narrower than the column so reportlab never re-breaks a line."""
    return float(width - style.leftIndent - style.rightIndent - 0.01)


def _markup(lines: list[str]) -> str:
    return "<br/>".join(escape(line) for line in lines)


@functools.lru_cache(maxsize=32)
def char_widths(font: str, size: float) -> CharWidths:
    """Widths of text in `font` at `size`, each character measured once."""
    return CharWidths(partial(pdfmetrics.stringWidth, fontName=font, fontSize=size))


def body_lines_at_least(paragraphs: list[str], style: ParagraphStyle, width: float, coverage: frozenset[int]) -> int:
    """How many lines the paragraphs take at least (one each at least): a line holds at most its width of characters.

    Costs one count of each paragraph's characters, not a line breaking: spaces
    count for nothing (a line may end in them), every other character as it is
    printed, so the answer never exceeds the lines the renderer makes.
    """
    room = line_room(style, width)
    widths = char_widths(style.fontName, style.fontSize)
    lines = 0
    for paragraph in paragraphs:
        inked = sum(count * _printed_width(ch, coverage, widths) for ch, count in Counter(paragraph).items())
        lines += max(1, math.ceil((style.firstLineIndent + inked) / room - 1e-9))
    return lines


def _printed_width(ch: str, coverage: frozenset[int], widths: CharWidths) -> float:
    printed = clean_char(ch, coverage)
    return 0.0 if not printed or printed.isspace() else widths(printed)
