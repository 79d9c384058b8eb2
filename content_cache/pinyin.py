"""Pinyin keys of titles, so a citizen without a Chinese input method can search.

`caizhengyusuan` (full pinyin) and `czys` (initials) both find 财政预算. Place
names that pypinyin reads wrongly are corrected by an override table.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Any

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
_RUNS = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z]+")


@cache
def _dictionaries() -> tuple[dict[str, Any], dict[int, str]]:
    """pypinyin's phrase and character tables, loaded on first use: they take a second and
    tens of MiB, and the kiosk's first screen needs no pinyin."""
    from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

    return PHRASES_DICT, PINYIN_DICT


def _toneless(reading: str) -> str:
    """lǜ → lv, zhōng → zhong."""
    decomposed = unicodedata.normalize("NFD", reading).replace("u\u0308", "v")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@cache
def _phrase(text: str) -> tuple[str, ...]:
    readings = PLACE_NAME_READINGS.get(text) or _dictionaries()[0][text]
    return tuple(_toneless(r[0]) for r in readings)


@cache
def _char(ch: str) -> str | None:
    readings = _dictionaries()[1].get(ord(ch))
    return _toneless(readings.split(",")[0]) if readings else None


@cache
def _lengths() -> dict[str, tuple[int, ...]]:
    """First character → the lengths of the phrases it starts, longest first."""
    lengths: dict[str, set[int]] = {}
    for phrase in (*_dictionaries()[0], *PLACE_NAME_READINGS):
        if len(phrase) > 1:
            lengths.setdefault(phrase[0], set()).add(len(phrase))
    return {first: tuple(sorted(found, reverse=True)) for first, found in lengths.items()}


def _cjk_run(run: str, out: list[str], words: list[tuple[str, tuple[str, ...]]] | None = None) -> None:
    """Greedy longest match against the phrase table (as pypinyin segments), else one character.

    Only the lengths of phrases that start with the character are tried. With
    `words`, each segment is also collected with its syllables.
    """
    starts = _lengths()
    phrases = _dictionaries()[0]
    i, n = 0, len(run)
    while i < n:
        for length in starts.get(run[i], ()):
            candidate = run[i : i + length]
            if len(candidate) == length and (candidate in PLACE_NAME_READINGS or candidate in phrases):
                readings = _phrase(candidate)
                out.extend(readings)
                if words is not None:
                    words.append((candidate, readings))
                i += length
                break
        else:
            reading = _char(run[i])
            if reading:
                out.append(reading)
            if words is not None:
                words.append((run[i], (reading or "",)))  # no reading: it still separates its neighbours
            i += 1


def syllables(value: str) -> list[str]:
    """The text as toneless pinyin syllables; Latin letters and digits pass through as words.

    pypinyin's own `lazy_pinyin` gives the same readings (checked on 20,000 demo
    titles) but costs five times as much; the sync computes this for every title.
    """
    out: list[str] = []
    for match in _RUNS.finditer(normalise(value)):
        run = match.group(0)
        if run[0].isascii():
            out.append(run)
        else:
            _cjk_run(run, out)
    return out


def pinyin_keys(value: str) -> tuple[str, str]:
    """(full pinyin without spaces, initials) of a text: ("caizhengyusuan", "czys")."""
    words = syllables(value)
    full = "".join(words)
    initials = "".join(w if w.isdigit() else w[0] for w in words)
    return full, initials


@dataclass(frozen=True, slots=True)
class Word:
    """A word of a title as the pinyin keyboard offers it: 财政, caizheng, cz."""

    text: str
    pinyin: str
    initials: str


def title_keys(value: str) -> tuple[str, str, str]:
    """`pinyin_keys` of a title, and its characters with their readings, for the keyboard's vocabulary.

    The third value holds each run of CJK characters as character then reading
    (宿su州zhou市shi), runs joined by "|": compact enough to pass between
    processes, and read as a character is read within the title (行 in 执行 is
    xing). `words` turns it into the words the vocabulary counts.
    """
    out: list[str] = []
    runs: list[str] = []
    for match in _RUNS.finditer(normalise(value)):
        run = match.group(0)
        if run[0].isascii():
            out.append(run)
            continue
        segments: list[tuple[str, tuple[str, ...]]] = []
        _cjk_run(run, out, segments)
        runs.append(
            "".join(ch + r if r else "|" for text, readings in segments for ch, r in zip(text, readings, strict=False))
        )
    full = "".join(out)
    initials = "".join(w if w.isdigit() else w[0] for w in out)
    return full, initials, "|".join(runs)


_READ = re.compile("([^a-z|])([a-z]+)")


def words(readings: str) -> list[Word]:
    """The words of a title from `title_keys`' readings: each character and each pair of neighbours, once."""
    found: dict[str, Word] = {}
    for run in readings.split("|"):
        chars = _READ.findall(run)
        for ch, reading in chars:
            if ch not in found:
                found[ch] = Word(ch, reading, reading[0])
        for (a, ra), (b, rb) in pairwise(chars):
            if a + b not in found:
                found[a + b] = Word(a + b, ra + rb, ra[0] + rb[0])
    return list(found.values())


def looks_like_pinyin(query: str) -> bool:
    """True when a query is Latin letters (and spaces) only: a pinyin search."""
    compact = normalise(query).replace(" ", "")
    return bool(compact) and compact.isascii() and compact.isalpha()
