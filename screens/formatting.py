"""Plain-text helpers for what screens show: dates, counts, shortened titles.

Content text is always shown literally (no Kivy markup), so these helpers only
shape strings; they never add markup.
"""

from __future__ import annotations

import re
from datetime import date

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
