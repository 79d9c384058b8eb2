"""The pinyin keyboard's candidates: words of the titles that the typed letters may stand for.

Letters typed on the kiosk's keyboard (no input method needed) are matched
against the synonym list of the cache (built in, with the publisher's) and the
vocabulary the sync keeps (content_cache.store): words whose full
pinyin or initials begin with the letters (still typing: caizh → 财政), and words
whose pinyin or initials are a first part of them (caizhengyusuan → 财政, then
yusuan → 预算). Words covering more of the letters come first, then those more
titles hold: 财政 before 材质 for caizheng. Two characters that merely meet in a
title (于宿 of 关于宿州) come after the real words that cover as many letters.
The common words the letters spell whole and the documents' text holds come
too (luohu → 落户), after the synonym list's, and two words the letters spell one
after the other when the documents hold them together (czys → 财政预算).
"""

from __future__ import annotations

import json
import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from content_cache import fts, lexicon
from content_cache.query import Vocabulary, is_word, vocabulary_of
from content_cache.records import Candidate

MAX_LETTERS = 32
CITIZEN_WORDS = 3  # candidates from the synonym list, before the titles' words
COMMON_WORDS = 2  # common words the letters spell whole and the documents hold, after the synonym list's
COMMON_TRIES = 4  # of those, how many are looked for in the index (one lookup each)
COMPOUND_TRIES = 3  # two-word phrases the letters spell, looked for in the index
_LETTERS = re.compile("[a-z]+")

_QUERY = text(
    """
    SELECT word, covers, titles FROM (
        SELECT word, :n AS covers, titles FROM vocabulary WHERE pinyin >= :letters AND pinyin < :past
        UNION ALL
        SELECT word, :n, titles FROM vocabulary WHERE initials >= :letters AND initials < :past
        UNION ALL
        SELECT word, length(pinyin), titles FROM vocabulary WHERE pinyin IN (SELECT value FROM json_each(:prefixes))
        UNION ALL
        SELECT word, length(initials), titles FROM vocabulary WHERE initials IN (SELECT value FROM json_each(:prefixes))
    )
    ORDER BY covers DESC, titles DESC, word
    """
)


def candidates(session: Session, letters: str, limit: int = 12) -> list[Candidate]:
    """The words the letters may stand for, best first; none for anything but a-z."""
    letters = letters.lower()[:MAX_LETTERS]
    if not _LETTERS.fullmatch(letters):
        return []
    prefixes = [letters[:i] for i in range(1, len(letters))]
    rows = session.execute(
        _QUERY, {"letters": letters, "past": letters + "{", "n": len(letters), "prefixes": json.dumps(prefixes)}
    )
    # The synonym list's terms (低保, 社保, 公积金) are the words citizens look for: those the letters spell
    # whole come first, then the titles' words that take all the letters, then terms the letters begin.
    vocabulary = vocabulary_of(session)
    whole, begun = vocabulary.spelt_from(letters)
    found: dict[str, Candidate] = {word: Candidate(word, len(letters)) for word in whole[:CITIZEN_WORDS]}
    common = [w for w in lexicon.read_as(letters)[:COMMON_TRIES] if w not in found]
    for word in fts.held_words(session, common, COMMON_WORDS) or _compound(session, letters, vocabulary):
        found[word] = Candidate(word, len(letters))
    later = begun[:CITIZEN_WORDS]
    titles: list[Candidate] = []
    for word, covers, _titles in rows:
        if later and covers < len(letters):
            found |= {w: Candidate(w, len(letters)) for w in later if w not in found}
            later = []
        if word not in found:
            found[word] = Candidate(word, covers)
            titles.append(found[word])
    found |= {w: Candidate(w, len(letters)) for w in later if w not in found}
    # among the titles' words covering as many letters, the real words before chance neighbours (于宿)
    fragments = {c.word for c in titles if len(c.word) > 1 and not is_word(c.word, vocabulary)}
    ordered = sorted(found.values(), key=lambda c: (-c.covers, c.word in fragments))
    return ordered[:limit]


def _compound(session: Session, letters: str, vocabulary: Vocabulary) -> list[str]:
    """Two words the letters spell one after the other, when some document holds them together: czys →
    财政 + 预算 → 财政预算. The first such phrase, or none."""
    tried = 0
    for cut in range(2, len(letters) - 1):
        first, second = _word_spelt(session, letters[:cut], vocabulary), _word_spelt(session, letters[cut:], vocabulary)
        if first and second:
            if fts.held_words(session, [first + second]):
                return [first + second]
            tried += 1
            if tried >= COMPOUND_TRIES:
                break
    return []


def _word_spelt(session: Session, letters: str, vocabulary: Vocabulary) -> str | None:
    """The word the letters spell whole (full pinyin or initials): the synonym list's, else the commonest real
    word of the titles (not two characters that merely meet)."""
    whole, _begun = vocabulary.spelt_from(letters)
    if whole:
        return whole[0]
    rows = session.execute(
        text(
            "SELECT word FROM vocabulary WHERE (pinyin = :p OR initials = :p) AND length(word) >= 2 "
            "ORDER BY titles DESC LIMIT 5"
        ),
        {"p": letters},
    )
    return next((row[0] for row in rows if is_word(row[0], vocabulary)), None)
