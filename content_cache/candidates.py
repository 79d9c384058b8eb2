"""The pinyin keyboard's candidates: words of the titles that the typed letters may stand for.

Letters typed on the kiosk's keyboard (no input method needed) are matched
against the synonym list of the cache (built in, with the publisher's) and the vocabulary the sync keeps (content_cache.store): words whose full
pinyin or initials begin with the letters (still typing: caizh → 财政), and words
whose pinyin or initials are a first part of them (caizhengyusuan → 财政, then
yusuan → 预算). Words covering more of the letters come first, then those more
titles hold: 财政 before 材质 for caizheng.
"""

from __future__ import annotations

import json
import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from content_cache.query import vocabulary_of
from content_cache.records import Candidate

MAX_LETTERS = 32
CITIZEN_WORDS = 3  # candidates from the synonym list, before the titles' words
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
    whole, begun = vocabulary_of(session).spelt_from(letters)
    found: dict[str, Candidate] = {word: Candidate(word, len(letters)) for word in whole[:CITIZEN_WORDS]}
    later = begun[:CITIZEN_WORDS]
    for word, covers, _titles in rows:
        if later and covers < len(letters):
            found |= {w: Candidate(w, len(letters)) for w in later if w not in found}
            later = []
        if word not in found:
            found[word] = Candidate(word, covers)
    found |= {w: Candidate(w, len(letters)) for w in later if w not in found}
    return list(found.values())[:limit]
