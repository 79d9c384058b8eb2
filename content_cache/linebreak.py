"""Chinese line breaking (禁则) for every text a citizen reads, on screen and on paper.

Where a line may end comes from `uniseg` (pure Python, an implementation of
UAX #14, the Unicode line-breaking algorithm, kept current with the Unicode
releases). A hand-written table of "characters that may not start a line"
misses cases the standard covers (closing marks after spaces, "……", numbers
with separators such as 1,234.5 and 2008-00001, ASCII punctuation in Chinese
text); UAX #14 keeps closing punctuation with the character before it and
opening punctuation with the one after (`《条`, `例》，`), and numbers whole.

Two tailorings on top of the standard, each the smallest that does the job:

- a code of letters and digits joined by "/", "-" or "." stays one unit when
  its first part holds a digit: UAX #14 allows a break after "/" before a
  digit when a letter precedes it, which would split an 索引号 whose prefix is
  an 18-character credit code (``91320000134567890X/2024-00012``); a path
  such as ``xxgk/`` in an address still breaks after its "/";
- a 文号 (``宿政〔2008〕12号``) stays whole: up to four ideographs, a year in
  brackets, a number and 号.

An address keeps an 索引号 inside it whole (``…/xxgk/003232741/2008-00001.html``)
and breaks after its other "/", "-" and ".".

A unit wider than a whole line is not left to overflow: it is broken again at
its next weaker joints (a 文号 before its year, then inside its prefix;
then the joints of an address or a code, then an 索引号 after its "/"
(``01404553-7/`` ``2026-90001``), then between characters, and before a
closing mark or after an opening one only when a run of marks is itself
wider than the line).

uniseg costs about 0.2 ms a character, too slow for long bodies on the UI
thread; a break between two ideographs (class ID) depends on those two
characters alone, so paragraphs are cut there first and uniseg only sees the
short runs in between, each shape of run once (`break_units` equals uniseg's
own answer; a test holds it to that). Results are cached per paragraph,
widths per character.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import lru_cache

__all__ = ["CLOSING", "OPENING", "CharWidths", "break_units", "clip_lines", "fill_lines", "is_ideograph"]

# Marks that must not begin a line, and marks that must not end one.
CLOSING = frozenset("。，、；：？！）》」』〕】］｝〉…”’．,.;:?!)]}")
OPENING = frozenset("（《「『〔【［｛〈“‘([{")
ELLIPSIS = "…"

Measure = Callable[[str], float]

# How firmly two neighbouring characters hold together; a line breaks at the weakest joint that works.
# Tens apart, so that the joints inside a 文号's prefix can be graded between two levels.
FREE = 0  # UAX #14 allows a break here
WENHAO_PREFIX = 10  # before a 文号's year (10), then inside its issuer prefix (11 to 13): _prefix_joints
CODE_JOINT = 20  # after a "/", "-" or "." inside a code or an address
INDEX_JOINT = 30  # after the "/" of an 索引号: between the publisher's code and year-serial
CODE = 40  # inside an 索引号 or a 文号's 〔year〕number号
CHARACTER = 50  # between two characters UAX #14 keeps together
KINSOKU = 60  # before a closing mark or after an opening one
UNBREAKABLE = 70  # inside one character as drawn (a combining mark, a joiner)

# Each starts only where a run of letters and digits starts, and takes a run whole (possessive): tried from
# every position of a long run of digits, with backtracking, they cost the cube of its length (8 s for 1,000).
_CODE = re.compile(r"(?<![A-Za-z0-9])(?=[A-Za-z]*+[0-9])[A-Za-z0-9]++(?:[/.\-][A-Za-z0-9]++)+")
# prefix/YYYY-NNNNN; the prefix an organisation code (01404553-7) or a credit code, of any length.
_INDEX_NO = re.compile(r"(?<![A-Za-z0-9])(?=[A-Za-z]*+[0-9])[A-Za-z0-9]++(?:-[A-Za-z0-9]++)?/\d{4}-\d++")
_WENHAO = re.compile(r"([\u3400-\u9fff]{1,4})([〔［\[（(]\d{4}[〕］\]）)]\d+号)")
_IDEOGRAPHS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_JOINERS = frozenset("\u200d\ufe0e\ufe0f")


def break_units(text: str) -> list[str]:
    """`text` cut into the pieces that a line may not split: a line ends only between two of them."""
    return [text[start:end] for start, end in _spans(text, 0, len(text), FREE)]


def fill_lines(text: str, max_width: float, measure: Measure, *, first_indent: float = 0.0) -> list[str]:
    """`text` in lines no wider than `max_width`, filled unit by unit; every newline starts a line.

    `measure(s)` gives the width of `s`; pass a `CharWidths` kept per font and
    size so characters are measured once. Spaces at a line's end do not count
    towards its width. The first line of every paragraph is `first_indent`
    narrower. Joining the lines of a paragraph gives the paragraph back.
    """
    widths = measure if isinstance(measure, CharWidths) else CharWidths(measure)
    paragraphs = text.split("\n")
    return [line for paragraph in paragraphs for line in _fill_paragraph(paragraph, max_width, widths, first_indent)]


def clip_lines(text: str, max_width: float, measure: Measure, max_lines: int) -> list[str]:
    """At most `max_lines` filled lines; when text is left over, the last ends in "…"."""
    lines = fill_lines(text, max_width, measure)
    if len(lines) <= max_lines:
        return lines
    if max_lines < 1:
        return []
    kept = lines[:max_lines]
    kept[-1] = _with_ellipsis(kept[-1], max_width, measure)
    return kept


class CharWidths:
    """A text's width as the sum of its characters' widths, each character measured once.

    Chinese ideographs are all one width, so the first one measured stands for
    all; kerning between characters is ignored, as it is in CJK fonts.
    """

    def __init__(self, measure: Measure) -> None:
        self._measure = measure
        self._widths: dict[str, float] = {}

    def __call__(self, text: str) -> float:
        """Width of `text`."""
        widths = self._widths
        total = 0.0
        for ch in text:
            width = widths.get(ch)
            if width is None:
                width = widths[ch] = self._measure_char(ch)
            total += width
        return total

    def _measure_char(self, ch: str) -> float:
        if is_ideograph(ch):
            ideograph = self._widths.get("中")
            if ideograph is None:
                ideograph = self._widths["中"] = self._measure("中")
            return ideograph
        return self._measure(ch)


# -- joints ------------------------------------------------------------------


@lru_cache(maxsize=2048)
def _joints(text: str) -> tuple[int, ...]:
    """For every position 1..len-1 (the joint before text[i]), how firmly the neighbours hold."""
    joints = [CHARACTER] * (len(text) + 1)
    joints[0] = joints[-1] = FREE
    for position in _uax14_breaks(text):
        joints[position] = FREE
    for position in range(1, len(text)):
        if _inseparable(text[position]):
            joints[position] = UNBREAKABLE
        elif text[position] in CLOSING or text[position - 1] in OPENING or _opening_before_spaces(text, position):
            joints[position] = KINSOKU  # also where UAX #14 allows it: "…" after a space (LB18 before LB22)
    _tailor(text, joints)
    return tuple(joints)


_SPACES = " \u3000"


def _opening_before_spaces(text: str, position: int) -> bool:
    """Whether spaces (ASCII or ideographic) end just before `position` and an opening mark comes before them
    ("‘ " must not end a line)."""
    at = position - 1
    if text[at] not in _SPACES:
        return False
    while at >= 0 and text[at] in _SPACES:
        at -= 1
    return at >= 0 and text[at] in OPENING


def _tailor(text: str, joints: list[int]) -> None:
    for match in _CODE.finditer(text):
        _joint_after_joiners(text, joints, match.start(), match.end())
    for match in _INDEX_NO.finditer(text):
        _hold(joints, match.start(), match.end(), CODE)
        joints[text.index("/", match.start()) + 1] = INDEX_JOINT
    for match in _WENHAO.finditer(text):
        for step, position in enumerate(_prefix_joints(match.start(1), match.end(1))):
            joints[position] = max(joints[position], WENHAO_PREFIX + step)
        _hold(joints, match.start(2), match.end(2), CODE)


def _prefix_joints(start: int, end: int) -> list[int]:
    """The joints of a 文号's prefix text[start:end] and the one before its 〔year〕, the likeliest break first.

    Between the issuer and the year is the natural break ("宿政办发 / 〔2008〕12号"): the ideographs taken as the
    prefix may hold the end of the word before ("依据宿政" of 依据宿政〔2008〕12号), so a break inside them
    could split the issuer; it comes only when the prefix alone is wider than a line.
    """
    return [end, *range(start + 1, end)]


def _joint_after_joiners(text: str, joints: list[int], start: int, end: int) -> None:
    """Inside a code, break after its "/", "-" and "." before breaking between its characters."""
    for position in range(start + 1, end):
        if text[position - 1] in "/-." and joints[position] in (FREE, CHARACTER):
            joints[position] = CODE_JOINT


def _hold(joints: list[int], start: int, end: int, strength: int) -> None:
    """Raise the free joints strictly inside text[start:end] to `strength`."""
    for position in range(start + 1, end):
        if joints[position] < strength:
            joints[position] = strength


def _uax14_breaks(text: str) -> Iterator[int]:
    """The positions inside `text` where UAX #14 allows a line break."""
    start = 0
    for cut in _ideograph_cuts(text):
        yield from (start + position for position in _uniseg_breaks(text[start:cut]))
        yield cut
        start = cut
    yield from (start + position for position in _uniseg_breaks(text[start:]))


def _ideograph_cuts(text: str) -> Iterator[int]:
    # ID ÷ ID: the pair rule stands whatever comes before or after, so the runs between are independent.
    is_id = [_line_break_class(ch) == "ID" for ch in text]
    for position in range(1, len(text)):
        if is_id[position - 1] and is_id[position]:
            yield position


def _uniseg_breaks(run: str) -> tuple[int, ...]:
    if len(run) < 2:
        return ()
    # Every CJK ideograph has the same line-breaking properties (ID, wide, not pictographic): "中" stands for
    # all of them, so the few shapes of run around punctuation and numbers are each asked of uniseg once.
    return _uniseg_breaks_of(_IDEOGRAPHS.sub("中", run))


@lru_cache(maxsize=8192)
def _uniseg_breaks_of(run: str) -> tuple[int, ...]:
    from uniseg.linebreak import line_break_boundaries  # loaded by the first text that needs breaking

    return tuple(position for position in line_break_boundaries(run) if 0 < position < len(run))


@lru_cache(maxsize=4096)
def _line_break_class(ch: str) -> str:
    from uniseg.linebreak import line_break

    return str(line_break(ch))


def _inseparable(ch: str) -> bool:
    return ch in _JOINERS or unicodedata.combining(ch) > 0 or "\udc00" <= ch <= "\udfff"


def is_ideograph(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _spans(text: str, start: int, end: int, level: int) -> Iterator[tuple[int, int]]:
    """text[start:end] cut at every joint no firmer than `level`."""
    joints = _joints(text)
    piece = start
    for position in range(start + 1, end):
        if joints[position] <= level:
            yield piece, position
            piece = position
    if end > piece:
        yield piece, end


# -- filling -----------------------------------------------------------------


class _Filler:
    """Greedy filling of one paragraph: a unit goes on the line if it fits, else starts the next."""

    def __init__(self, text: str, max_width: float, width: CharWidths) -> None:
        self.text, self.max_width, self.width = text, max_width, width
        self.lines: list[str] = []
        self.line_start = 0
        self.line_width = 0.0

    def feed(self, start: int, end: int, level: int) -> None:
        """Place the pieces of text[start:end] cut at joints no firmer than `level`."""
        for piece_start, piece_end in _spans(self.text, start, end, level):
            piece = self.text[piece_start:piece_end]
            if self._fits(self.line_width, piece):
                self.line_width += self.width(piece)
            elif piece_start > self.line_start and self._fits(0.0, piece):
                self._new_line(piece_start, piece)
            elif (firmer := self._next_level(piece_start, piece_end, level)) is not None:
                self.feed(piece_start, piece_end, firmer)
            else:  # one character, or a run of marks, wider than a line: it stands alone
                self._new_line(piece_start, piece)

    def _next_level(self, start: int, end: int, level: int) -> int | None:
        """The weakest joint inside text[start:end] firmer than `level`, if the piece may be broken there."""
        joints = _joints(self.text)
        firmer = [joint for joint in joints[start + 1 : end] if level < joint <= KINSOKU]
        return min(firmer, default=None)

    def finish(self) -> list[str]:
        """The lines, the last one included."""
        self.lines.append(self.text[self.line_start :])
        return self.lines

    def _fits(self, used: float, piece: str) -> bool:
        return used + self.width(piece.rstrip()) <= self.max_width + 1e-6

    def _new_line(self, start: int, piece: str) -> None:
        """End the line before `start` (unless it is empty) and begin the next with `piece`."""
        if start > self.line_start:
            self.lines.append(self.text[self.line_start : start])
            self.line_start = start
            self.line_width = 0.0
        self.line_width += self.width(piece)


def _fill_paragraph(paragraph: str, max_width: float, width: CharWidths, first_indent: float) -> list[str]:
    if first_indent + width(paragraph) <= max_width:  # it fits: no break to look for
        return [paragraph]
    filler = _Filler(paragraph, max_width, width)
    filler.line_width = first_indent
    filler.feed(0, len(paragraph), FREE)
    return filler.finish()


def _with_ellipsis(line: str, max_width: float, measure: Measure) -> str:
    """`line` shortened until it and "…" fit, never leaving an opening mark before the "…"."""
    kept = line.rstrip()
    while kept and (measure(kept + ELLIPSIS) > max_width or kept[-1] in OPENING):
        kept = kept[:-1].rstrip()
    return kept + ELLIPSIS
