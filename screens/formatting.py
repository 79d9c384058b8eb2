"""Text helpers for what screens show: dates, counts, shortened titles, highlights.

Content text is always shown literally: where a label uses Kivy markup (the
highlighted words of a search hit), `highlight` escapes every piece of content
first, so the only markup is its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from kivy.utils import escape_markup

from content_cache.records import ItemSummary, VALIDITY_LABELS

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


def fit_lines(text: str, width: float, font_size: float, lines: int) -> str:
    """Shorten `text` to what `lines` lines of CJK glyphs of `font_size` hold."""
    per_line = max(1, int(width // max(font_size, 1.0)))
    return shorten(text, per_line * lines)


HIGHLIGHT = "1c4d8c"  # theme.PRIMARY as markup colour


def highlight(text: str, marks: Sequence[Sequence[int]]) -> str:
    """Kivy markup of `text` with the spans in `marks` bold and coloured.

    Every piece of the text is escaped first, so a title holding [color=…],
    [ref=…] or [size=…] shows as those very characters; only the highlight is
    markup. Spans beyond the end of the text (a shortened title) are cut off.
    """
    out: list[str] = []
    last = 0
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
    """Split a body into paragraphs of at most `size` characters.

    One Label per chunk keeps every texture far below the GPU's size limit,
    however long the document and however large the type.
    """
    chunks: list[str] = []
    for paragraph in body.splitlines():
        paragraph = paragraph.rstrip()
        if not paragraph:
            continue
        chunks.extend(paragraph[i : i + size] for i in range(0, len(paragraph), size))
    return chunks
