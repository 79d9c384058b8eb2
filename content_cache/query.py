"""What a citizen's query asks for: its words, each with the other names of the same thing.

Citizens type Chinese without spaces (社保转移), in everyday words and
abbreviations (社保 for 社会保险, 上户口 for 户籍登记), and as questions
(低保在哪里办). Before anything is matched, a query is understood here:

1. question and filler words are left out (怎么, 在哪里, 请问 …:
   `data/query_words.txt`), unless nothing else is left;
2. each run of Chinese characters is cut into words by jieba, a well-kept
   segmenter with a dictionary of its own, told the synonym list's terms so that
   新农合 or 上户口 stays one word;
3. each word brings its synonyms (`data/synonyms.tsv`: a formal term first,
   then its abbreviations and everyday names; any of a group's terms brings the
   others).

The result is a list of word groups: an item matches a group when it holds any
of the group's terms, wherever it stands; `fts.match_words` writes the MATCH.
A part of the query with Latin letters, digits or marks (pinyin, a 文号, 2019年)
passes through as typed.
"""

from __future__ import annotations

import gc
import logging
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from jieba import Tokenizer
    from sqlalchemy.orm import Session

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
MIN_SEGMENTED = 3  # a run this long or longer may hold several words; a shorter one is one word


@dataclass(frozen=True, slots=True)
class WordGroup:
    """A word of the query and the other names of the same thing; an item matches when it holds any of them."""

    word: str
    synonyms: tuple[str, ...] = ()

    @property
    def terms(self) -> tuple[str, ...]:
        """The word, then its synonyms."""
        return (self.word, *self.synonyms)


@dataclass(frozen=True, slots=True)
class UnderstoodQuery:
    """A query cut into word groups, with the question and filler words it left out."""

    groups: tuple[WordGroup, ...]
    dropped: tuple[str, ...] = ()  # question and filler words
    left_out: tuple[str, ...] = ()  # single characters the cut left alone (办 of 办低保, 材 and 政 of 材政预算)

    @property
    def words(self) -> tuple[str, ...]:
        """The query's own words, in order."""
        return tuple(group.word for group in self.groups)


# -- the data ------------------------------------------------------------------


def _data_lines(name: str) -> list[str]:
    """The non-comment lines of a file in content_cache/data/."""
    text = resources.files("content_cache").joinpath("data", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


Origin = Literal["built-in", "built-in + publisher", "publisher"]


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The synonym groups and the words a query leaves out.

    `origins` says, group by group, where a group came from: the built-in list,
    the built-in list extended by the publisher's, or the publisher's alone
    (empty for the built-in vocabulary itself).
    """

    groups: tuple[tuple[str, ...], ...]
    query_words: frozenset[str]
    origins: tuple[Origin, ...] = field(default=(), compare=False)
    # The indexes below, made on first use and kept as long as the vocabulary.
    _memo: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @classmethod
    def built_in(cls) -> Vocabulary:
        """The lists shipped with the kiosk."""
        groups = tuple(
            tuple(term.strip() for term in line.split("\t") if term.strip()) for line in _data_lines("synonyms.tsv")
        )
        return cls(tuple(group for group in groups if len(group) > 1), frozenset(_data_lines("query_words.txt")))

    def merged(self, publisher: Iterable[tuple[str, ...]]) -> Vocabulary:
        """This vocabulary with the publisher's groups: a group sharing a term with one already here extends
        it (its formal term stays first); any other group is added after the built-in ones."""
        groups = [list(group) for group in self.groups]
        origins: list[Origin] = list(self.origins) or ["built-in"] * len(groups)
        where = {term: i for i, group in reversed(list(enumerate(groups))) for term in group}
        for group in publisher:
            hits = list(dict.fromkeys(where[term] for term in group if term in where))
            if not hits:
                hits = [len(groups)]
                groups.append([])
                origins.append("publisher")
            for i in hits:
                groups[i] += [term for term in group if term not in groups[i]]
                if origins[i] == "built-in":
                    origins[i] = "built-in + publisher"
            for term in group:
                where.setdefault(term, hits[0])
        return Vocabulary(tuple(map(tuple, groups)), self.query_words, tuple(origins))

    def synonyms_of(self, word: str) -> tuple[str, ...]:
        """The other terms of every group that holds `word`, formal terms first."""
        index = self._memo.get("index")
        if index is None:
            index = self._memo["index"] = self._index()
        return index.get(word, ())

    def _index(self) -> dict[str, tuple[str, ...]]:
        index: dict[str, list[str]] = {}
        for group in self.groups:
            for term in group:
                others = index.setdefault(term, [])
                others.extend(other for other in group if other != term and other not in others)
        return {term: tuple(others) for term, others in index.items()}

    def read_as(self, letters: str) -> tuple[str, ...]:
        """The terms whose full pinyin, or (for three letters or more) whose initials, are `letters`:
        shebao → 社保, gjj → 公积金. Formal terms of a group come before its short names."""
        full, initials = self._pinyin()
        found = list(full.get(letters, ()))
        if len(letters) >= 3:
            found += [term for term in initials.get(letters, ()) if term not in found]
        return tuple(found)

    def spelt_from(self, letters: str) -> tuple[list[str], list[str]]:
        """The terms the letters spell whole, and those they begin to spell (shortest first), as full pinyin or
        (two letters or more) as initials: the citizen's words for the keyboard (dibao → 低保, gjj → 公积金)."""
        full, initials = self._pinyin()
        whole = full.get(letters, []) + (initials.get(letters, []) if len(letters) >= 2 else [])
        begun = [t for key, terms in full.items() if key.startswith(letters) and key != letters for t in terms]
        if len(letters) >= 2:
            begun += [t for key, terms in initials.items() if key.startswith(letters) and key != letters for t in terms]
        whole = list(dict.fromkeys(whole))
        return whole, [t for t in dict.fromkeys(sorted(begun, key=len)) if t not in whole]

    def _pinyin(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        found = self._memo.get("pinyin")
        if found is None:
            found = self._memo["pinyin"] = self._pinyin_index()
        return found

    def _pinyin_index(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        from content_cache.pinyin import pinyin_keys

        full: dict[str, list[str]] = {}
        initials: dict[str, list[str]] = {}
        for group in self.groups:
            for term in group:
                if not _CJK_RUN.fullmatch(term):
                    continue
                spelt, first = pinyin_keys(term)
                full.setdefault(spelt, []).append(term)
                initials.setdefault(first, []).append(term)
        return full, initials

    def terms(self) -> set[str]:
        """Every term of every group and every query word: words the segmenter must keep whole."""
        return {term for group in self.groups for term in group} | set(self.query_words)


# -- the segmenter ---------------------------------------------------------------

_lock = threading.Lock()


@dataclass
class _Segmenter:
    """The one jieba segmenter of the process, told the built-in terms, plus the terms of the newest publisher
    list asked for: a new list changes a few words of it instead of building another (0.7 s, some 60 MB)."""

    tokenizer: Tokenizer
    base: frozenset[str]  # the built-in terms it was made with
    added: dict[str, tuple[int | None, int]] = field(default_factory=dict)  # term: (jieba's own freq, freq added)
    following: Vocabulary | None = None  # the vocabulary whose terms it holds now

    def follow(self, terms: set[str]) -> None:
        """Hold exactly the built-in terms and `terms` (a vocabulary's), undoing the words of an older list."""
        extra = {term for term in terms - self.base if _CJK_RUN.fullmatch(term)}
        for term in [t for t in self.added if t not in extra]:
            own, freq = self.added.pop(term)
            self.tokenizer.FREQ[term] = own or 0  # 0: no word (jieba's own del_word also marks a forced split)
            self.tokenizer.total -= freq
        for term in sorted(extra - self.added.keys()):
            self.added[term] = (self.tokenizer.FREQ.get(term), _add(self.tokenizer, term))


_segmenter: _Segmenter | None = None


def _add(tokenizer: Tokenizer, term: str) -> int:
    """Tell the segmenter a term of the lists, as a word it keeps whole; the frequency given."""
    freq = max(int(tokenizer.suggest_freq(term, tune=False)), 10_000)
    tokenizer.add_word(term, freq=freq)
    return freq


def _tokenizer(vocabulary: Vocabulary) -> Tokenizer:
    """jieba's segmenter, told the vocabulary's terms; made once (about 0.7 s), then shared."""
    global _segmenter
    with _lock:
        if _segmenter is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            found = jieba.Tokenizer()
            found.initialize()
            base = default_vocabulary().terms()
            for term in base:
                if _CJK_RUN.fullmatch(term):
                    _add(found, term)
            _segmenter = _Segmenter(found, frozenset(base))
            # Its dictionary is some 350,000 objects that live as long as the process: kept out of the
            # collector's full passes, which would otherwise stall the screen by 100-300 ms now and then.
            gc.freeze()
        if _segmenter.following is not vocabulary:
            _segmenter.follow(vocabulary.terms())
            _segmenter.following = vocabulary
        return _segmenter.tokenizer


def warm(vocabulary: Vocabulary | None = None) -> None:
    """Load the segmenter now (the kiosk does it when the search screen opens, so the first search is quick)."""
    _tokenizer(vocabulary or default_vocabulary())


@lru_cache(maxsize=1)
def default_vocabulary() -> Vocabulary:
    """The built-in lists, read once."""
    return Vocabulary.built_in()


VOCABULARY_KEY = "vocabulary"  # where a session carries the vocabulary of the cache it reads (Session.info)


def vocabulary_of(session: Session) -> Vocabulary:
    """The vocabulary of the cache `session` reads (ContentCache puts it there), else the built-in one."""
    found = session.info.get(VOCABULARY_KEY)
    return found if isinstance(found, Vocabulary) else default_vocabulary()


# -- understanding -------------------------------------------------------------------


@lru_cache(maxsize=512)  # a search asks several times (matching, ranking, marks, suggestions)
def understand(query: str, vocabulary: Vocabulary | None = None) -> UnderstoodQuery:
    """`query` (already normalised: NFKC, lower case) as word groups, question and filler words left out."""
    vocabulary = vocabulary or default_vocabulary()
    words: list[str] = []
    dropped: list[str] = []
    left_out: list[str] = []
    for part in query.split():
        if not _CJK_RUN.fullmatch(part):  # with letters, digits or marks (pinyin, a 文号, 2019年): as typed
            words.append(part)
            continue
        cut = _cut(part, vocabulary)
        kept = _without_single_characters([word for word in cut if word not in vocabulary.query_words])
        if kept:
            words.extend(kept)
            dropped.extend(word for word in cut if word in vocabulary.query_words)
            left_out.extend(word for word in cut if len(word) == 1 and word not in vocabulary.query_words)
        else:  # nothing but question words and single characters (怎么办): the part as typed
            words.append(part)
    groups = tuple(WordGroup(word, vocabulary.synonyms_of(word)) for word in dict.fromkeys(words))
    return UnderstoodQuery(groups, tuple(dict.fromkeys(dropped)), tuple(dict.fromkeys(left_out)))


def is_word(text: str, vocabulary: Vocabulary | None = None) -> bool:
    """True when `text` is a word of the segmenter's dictionary or of the lists (财政, 宿州, 低保), not two
    characters that merely meet in a title (于宿 of 关于宿州)."""
    return word_frequency(text, vocabulary) > 0


COMMON_WORD = 100  # a word the segmenter's dictionary counts this often or more is in everyday use


def word_frequency(text: str, vocabulary: Vocabulary | None = None) -> int:
    """How often the segmenter's dictionary counts `text` as a word (0: no word; the lists' terms 10,000 or
    more): 低保 10,000, 养老 651, 地保 (a village constable, and the 地保 of 水源地保护) 20."""
    return int(_tokenizer(vocabulary or default_vocabulary()).FREQ.get(text, 0) or 0)


def words_of(term: str, vocabulary: Vocabulary | None = None) -> list[str]:
    """A term cut into its words of two characters or more, ignoring the lists (换领居民身份证 → 换领 居民身份证);
    the term itself when it cannot be cut so."""
    vocabulary = vocabulary or default_vocabulary()
    if not _CJK_RUN.fullmatch(term) or len(term) < MIN_SEGMENTED:
        return [term]
    segmenter = _tokenizer(vocabulary)
    dag = segmenter.get_DAG(term)  # where each word may end; the term itself is one of them: leave it out
    dag[0] = [end for end in dag[0] if end != len(term) - 1] or [0]
    route: dict[int, tuple[float, int]] = {}
    segmenter.calc(term, dag, route)
    words, start = [], 0
    while start < len(term):
        end = route[start][1] + 1
        words.append(term[start:end])
        start = end
    return _without_single_characters(words) or [term]


def _cut(run: str, vocabulary: Vocabulary) -> list[str]:
    """A run of Chinese characters as words; a short run, or a term of the lists, is one word."""
    if len(run) < MIN_SEGMENTED or vocabulary.synonyms_of(run):
        return [run]
    return [word for word in _tokenizer(vocabulary).lcut(run, HMM=False) if word.strip()]


def _without_single_characters(words: list[str]) -> list[str]:
    """The words of two characters or more, when there are any: 办低保 → 低保, 上户口 → 户口.

    A lone character left by the cut is a verb or a particle (办, 交, 在, 的); on
    its own it matches nearly every text, and joined to a neighbour it makes a
    phrase the citizen did not type. A run of single characters only is kept whole.
    """
    return [word for word in words if len(word) > 1]
