"""Text helpers for what screens show: dates, counts, shortened titles, highlights.

Content text is always shown literally: where a label uses Kivy markup (the
highlighted words of a search hit), `highlight` escapes every piece of content
first, so the only markup is its own.

Lines are broken by the rules of Chinese typesetting (`screens.wrap`): a title
fitted to a list row (`fit_lines`) and the body's paragraphs (`chunk_text`)
never split an 索引号 or a year, nor start a line with "。".
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from datetime import date

from kivy.utils import escape_markup

from content_cache.linebreak import CLOSING, break_units, clip_lines
from content_cache.records import VALIDITY_LABELS, ItemSummary
from screens.theme import FONT_NAME
from screens.wrap import text_widths

_SPACES = re.compile(r"\s+")


def cn_date(day: date | None) -> str:
    """A date the Chinese way: 2008年3月5日; an em dash when unknown."""
    if day is None:
        return "—"
    return f"{day.year}年{day.month}月{day.day}日"


def one_line(text: str) -> str:
    """Collapse whitespace, so a title with line breaks stays one paragraph."""
    return _SPACES.sub(" ", text).strip()


def shorten(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters, ending with … when cut."""
    text = one_line(text)
    if limit < 1:
        return ""
    if len(text) <= limit:
        return text
    return text[: limit - 1] + "…"


class BrokenText(str):
    """Lines joined with "\n" that remembers where the breaks went in, so marks on the unbroken text still apply."""

    breaks: tuple[int, ...]  # positions in the unbroken text before which a "\n" was put

    def __new__(cls, lines: Sequence[str]) -> BrokenText:
        text = super().__new__(cls, "\n".join(lines))
        ends = [len(line) for line in lines[:-1]]
        text.breaks = tuple(sum(ends[: i + 1]) for i in range(len(ends)))
        return text

    def position(self, index: int, *, end: bool = False) -> int:
        """Where `index` of the unbroken text is in this one; a span's end stays before a break."""
        return index + (bisect_left if end else bisect_right)(self.breaks, index)


def fit_lines(text: str, width: float, font_size: float, lines: int, font_name: str = FONT_NAME) -> str:
    """`text` in at most `lines` lines of `width` at `font_size`, broken by the rules; "…" when cut."""
    if width <= 0 or lines < 1:
        return shorten(text, 0)
    fitted = clip_lines(one_line(text), width, text_widths(font_name, font_size), lines)
    return BrokenText(fitted)  # a space left at a line's end is not seen, and keeps the marks' places


def one_line_size(text: str, width: float, font_size: float, least: float = 0.72, font_name: str = FONT_NAME) -> float:
    """The font size at which a code (an 索引号, a 文号) fits on one line of `width`: `font_size` when it fits,
    else smaller, down to `least` of it (below that it is broken by the rules, whole parts kept)."""
    if width <= 0 or not text:
        return font_size
    wide = text_widths(font_name, font_size)(text)
    if wide <= width:
        return font_size
    return max(font_size * least, font_size * width / wide * 0.97)


HIGHLIGHT = "1c4d8c"  # theme.PRIMARY as markup colour


def highlight(text: str, marks: Sequence[Sequence[int]]) -> str:
    """Kivy markup of `text` with the spans in `marks` bold and coloured.

    Every piece of the text is escaped first, so a title holding [color=…],
    [ref=…] or [size=…] shows as those very characters; only the highlight is
    markup. Spans beyond the end of the text (a shortened title) are cut off;
    on lines from `fit_lines` the marks still fall on the same characters.
    """
    out: list[str] = []
    last = 0
    if isinstance(text, BrokenText):
        marks = [(text.position(start), text.position(end, end=True)) for start, end in marks]
    for start, end in marks:
        start, end = max(start, last), min(end, len(text))
        if start >= end:
            continue
        out.append(escape_markup(text[last:start]))
        out.append(f"[b][color={HIGHLIGHT}]{escape_markup(text[start:end])}[/color][/b]")
        last = end
    out.append(escape_markup(text[last:]))
    return "".join(out)


def item_meta(item: ItemSummary) -> str:
    """The second line of a list row: publisher · date · 文号 (· 废止)."""
    parts = [item.publisher, cn_date(item.published_on)]
    if item.doc_no:
        parts.append(item.doc_no)
    if item.validity != "valid":
        parts.append(VALIDITY_LABELS[item.validity])
    return "  ·  ".join(parts)


def count_text(count: int) -> str:
    """共 N 条, with thousands separators."""
    return f"共 {count:,} 条"


def chunk_text(body: str, size: int = 300) -> list[str]:
    """Split a body into paragraphs of about `size` characters at most, cut where a line may end.

    One Label per chunk keeps every texture far below the GPU's size limit,
    however long the document and however large the type. A long paragraph
    is cut after a sentence where it can be, else between two line-breaking
    units, so no chunk starts with "，" or with the tail of a number.
    """
    chunks: list[str] = []
    for paragraph in body.splitlines():
        paragraph = paragraph.rstrip()
        while len(paragraph) > size:
            cut = _chunk_end(paragraph, size)
            chunks.append(paragraph[:cut])
            paragraph = paragraph[cut:]
        if paragraph:
            chunks.append(paragraph)
    return chunks


_SENTENCE_ENDS = "。！？；!?;"


def _chunk_end(paragraph: str, size: int) -> int:
    """Where to cut the first chunk of a paragraph longer than `size`."""
    for cut in range(size, size // 2, -1):  # after the last sentence end in the second half
        if paragraph[cut - 1] in _SENTENCE_ENDS and paragraph[cut] not in CLOSING:
            return cut
    cut = 0
    for unit in break_units(paragraph[: size * 2]):  # a unit boundary: never inside a number or before "，"
        if cut and cut + len(unit) > size:
            break
        cut += len(unit)
    return min(cut, len(paragraph))
