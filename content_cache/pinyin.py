"""Pinyin keys of titles, so a citizen without a Chinese input method can search.

`caizhengyusuan` (full pinyin) and `czys` (initials) both find 财政预算. Place
names that pypinyin reads wrongly are corrected by an override table.
"""

from __future__ import annotations

from functools import cache

from pypinyin import Style, lazy_pinyin, load_phrases_dict

from content_cache.fts import normalise

# Readings pypinyin gets wrong in place and unit names (重庆市长寿区 is not "mayor").
PLACE_NAME_READINGS: dict[str, list[list[str]]] = {
    "长寿": [["cháng"], ["shòu"]],
    "长寿区": [["cháng"], ["shòu"], ["qū"]],
    "市长寿区": [["shì"], ["cháng"], ["shòu"], ["qū"]],
    "重庆": [["chóng"], ["qìng"]],
    "埇桥": [["yǒng"], ["qiáo"]],
    "砀山": [["dàng"], ["shān"]],
    "灵璧": [["líng"], ["bì"]],
    "蚌埠": [["bèng"], ["bù"]],
    "六安": [["lù"], ["ān"]],
    "亳州": [["bó"], ["zhōu"]],
}


@cache
def _load_overrides() -> None:
    load_phrases_dict(PLACE_NAME_READINGS)


def syllables(value: str) -> list[str]:
    """The title as pinyin syllables; Latin letters and digits pass through as words."""
    _load_overrides()
    out: list[str] = []
    for part in lazy_pinyin(normalise(value), style=Style.NORMAL, errors="default"):
        word = "".join(ch for ch in part if ch.isascii() and ch.isalnum())
        if word:
            out.append(word)
    return out


def pinyin_keys(value: str) -> tuple[str, str]:
    """(full pinyin without spaces, initials) of a text: ("caizhengyusuan", "czys")."""
    words = syllables(value)
    full = "".join(words)
    initials = "".join(w if w.isdigit() else w[0] for w in words)
    return full, initials


def looks_like_pinyin(query: str) -> bool:
    """True when a query is Latin letters (and spaces) only: a pinyin search."""
    compact = normalise(query).replace(" ", "")
    return bool(compact) and compact.isascii() and compact.isalpha()
