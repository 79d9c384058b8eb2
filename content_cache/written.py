"""The handwriting pad's candidates: the recogniser's characters re-ranked by the catalogue, and the words that follow.

A written character is ambiguous (己 / 已 / 巳, 未 / 末): among the recogniser's
guesses, the character the titles hold after the query's last character comes
first (预 then 算, not 箅), then the catalogue's commoner characters, each by a
little, so that a clearly written character stays on top. After a character is
chosen, the titles' real words that begin with it are offered (财 → 财政, 财务),
commonest first, then the synonym list's terms (低 → 低保); none when the chosen
character ends a word (财政: 政府 would make 财政府).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.orm import Session

from content_cache.handwriting import Guess
from content_cache.query import COMMON_WORD, Vocabulary, is_word, vocabulary_of, word_frequency

CONTEXT_WEIGHT = 0.25  # per e-fold of the titles holding the previous character and this one together
COMMON_WEIGHT = 0.05  # per e-fold of the titles holding this character
LIST_WORDS = 2  # terms of the synonym list among the next words, after the titles' pairs
MIN_TITLES = 3  # a rare word (算草) is offered as a next word only when this many titles hold it


def is_han(char: str) -> bool:
    """A CJK ideograph (the basic block and extension A): what the pad writes and the vocabulary holds."""
    return len(char) == 1 and ("\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf")


def rank_written(session: Session, guesses: Sequence[Guess], before: str, limit: int = 8) -> list[str]:
    """The guessed characters, best first, with the catalogue's word for it: the query so far is `before`."""
    chars = list(dict.fromkeys(g.char for g in guesses if is_han(g.char)))
    if not chars:
        return []
    previous = before[-1:] if before[-1:] and is_han(before[-1]) else ""
    pairs = [previous + c for c in chars] if previous else []
    counts = _titles(session, chars + pairs)
    best: dict[str, float] = {}
    for guess in guesses:
        if guess.char in chars and guess.char not in best:
            best[guess.char] = (
                guess.score
                + CONTEXT_WEIGHT * math.log1p(counts.get(previous + guess.char, 0) if previous else 0)
                + COMMON_WEIGHT * math.log1p(counts.get(guess.char, 0))
            )
    return sorted(best, key=lambda c: -best[c])[:limit]


def next_words(session: Session, before: str, limit: int = 6) -> list[str]:
    """Words that begin with the query's last character: the titles' commonest first, then the list's terms."""
    last = before[-1:]
    if not last or not is_han(last) or limit <= 0:
        return []
    vocabulary = vocabulary_of(session)
    if len(before) >= 2 and is_han(before[-2]) and is_word(before[-2:], vocabulary):
        return []  # the last character ends a word (财政, 决算): a word begun with it would join wrongly (财政府)
    listed = [t for group in vocabulary.groups for t in group if len(t) > 1 and t.startswith(last) and is_han(t[1])]
    terms = list(dict.fromkeys(sorted(listed, key=len)))[:LIST_WORDS]
    rows = session.execute(
        text(
            "SELECT word, titles FROM vocabulary WHERE word > :low AND word < :high AND length(word) = 2 "
            "ORDER BY titles DESC, word LIMIT :n"
        ),
        {"low": last, "high": last + "\U0010ffff", "n": limit * 4},
    )
    pairs = [word for word, titles in rows if is_han(word[1]) and _likely(word, titles, vocabulary)]
    words = pairs[: max(limit - len(terms), 1)]
    words += [t for t in terms if t not in words]
    return (words + [w for w in pairs if w not in words])[:limit]


def _likely(word: str, titles: int, vocabulary: Vocabulary) -> bool:
    """A word in everyday use (财政, 招聘), or one the titles hold often enough; not two characters that merely
    meet (于宿) nor a rare word of one title (算草)."""
    frequency = word_frequency(word, vocabulary)
    return frequency >= COMMON_WORD or (frequency > 0 and titles >= MIN_TITLES)


def _titles(session: Session, words: list[str]) -> dict[str, int]:
    """How many titles hold each word of the vocabulary (a character or a pair)."""
    rows = session.execute(
        text("SELECT word, titles FROM vocabulary WHERE word IN (SELECT value FROM json_each(:words))"),
        {"words": json.dumps(words, ensure_ascii=False)},
    )
    return {word: int(titles) for word, titles in rows}
