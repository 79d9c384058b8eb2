"""The common words of Chinese by their pinyin: for the words of the bodies that no title holds.

A citizen may type the pinyin of a word that lives only in the documents' text
(luohu for 落户, xuequ for 学区) or mistype it with a character read alike
(廉租放 for 廉租房). The titles' vocabulary (content_cache.store) cannot know
such words, and counting every body's words at every sync would cost more
than the sync itself. The words come instead from the segmenter's dictionary
(jieba's, some 94,000 words of two to four characters used ten times or more in
its corpus), read by pypinyin's phrase table where it knows the word and by
each character's first reading where it does not. Search keeps only those words the
catalogue holds (content_cache.search).

The index is made on first use (about half a second) and kept.
"""

from __future__ import annotations

import re
import threading
from functools import cache
from importlib import resources

from content_cache.pinyin import _dictionaries, _toneless

__all__ = ["read_as", "warm"]

MIN_FREQUENCY = 10  # jieba's count in its corpus: rarer words are names and oddities
_WORD = re.compile("[\u4e00-\u9fff]{2,4}")
_lock = threading.Lock()


def read_as(letters: str) -> tuple[str, ...]:
    """The common words whose full pinyin is `letters`, or (for three letters or more) whose initials are,
    the commonest first: luohu → 落户, 罗湖 …"""
    full, initials = _index()
    found = list(full.get(letters, ()))
    if len(letters) >= 3:
        found += [word for word in initials.get(letters, ()) if word not in found]
    return tuple(found)


def warm() -> None:
    """Make the index now (the kiosk does it with the segmenter, before the first search)."""
    _index()


_built: list[tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]] = []


def _index() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """The index, built once: a second caller waits for the first rather than building it again."""
    with _lock:
        if not _built:
            _built.append(_build())
        return _built[0]


def _build() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    phrases, characters = _dictionaries()
    toneless = cache(_toneless)  # some 1,500 syllables with their tones, each met thousands of times
    full: dict[str, list[tuple[int, str]]] = {}
    initials: dict[str, list[tuple[int, str]]] = {}
    for word, frequency in _common_words():
        known = phrases.get(word)
        if known:
            reading = tuple(toneless(r[0]) for r in known)
        else:  # each character's first reading: right for most words, and never a reading the word cannot have
            listed = [characters.get(ord(ch)) for ch in word]
            if not all(listed):
                continue
            reading = tuple(toneless(r.split(",")[0]) for r in listed)  # type: ignore[union-attr]
        full.setdefault("".join(reading), []).append((frequency, word))
        initials.setdefault("".join(r[0] for r in reading), []).append((frequency, word))
    return _ordered(full), _ordered(initials)


def _ordered(index: dict[str, list[tuple[int, str]]]) -> dict[str, tuple[str, ...]]:
    return {key: tuple(dict.fromkeys(word for _, word in sorted(words, reverse=True))) for key, words in index.items()}


def _common_words() -> list[tuple[str, int]]:
    """(word, frequency) of jieba's dictionary: two to four common ideographs."""
    out = []
    with resources.files("jieba").joinpath("dict.txt").open(encoding="utf-8") as lines:
        for line in lines:
            parts = line.split()
            if len(parts) >= 2 and _WORD.fullmatch(parts[0]) and int(parts[1]) >= MIN_FREQUENCY:
                out.append((parts[0], int(parts[1])))
    return out
