"""The full-text index: how text is cut into tokens, and how a query becomes a safe MATCH.

SQLite has no tokenizer for Chinese (unicode61 sees a run of Chinese characters
as one token), so text is cut here and handed to FTS5 pre-cut, tokens separated
by spaces, for its `ascii` tokenizer (which splits on ASCII separators only and
keeps every other character in the token):

- every CJK character starts a token: the pair it makes with the next character
  (财政预算 → 财政 政预 预算), or itself when it ends a run, and the first
  character of a run is a token of its own too (财 财政 政预 预算 算), so a
  one-character query (a prefix query) finds every character and a longer word
  is a phrase of consecutive pairs;
- Latin letters and digits become lower-case words (宿政〔2008〕12号 → 2008 12),
  written after the pairs of the same field.

Two tables: `item_fts` holds every field and decides what matches;
`title_fts` holds the short fields again (title, 文号, 索引号, publisher, and
the 主题词 a publisher gives an item) and ranks. FTS5's bm25 normalises by the
length of the whole row, so in one table a long body drowns a title hit; a
score from the short fields of their own keeps a title or 文号 hit above a body
hit.

`title_fts` keeps a prefix index of one character (`prefix = '1'`), so a
one-character query reads one list of the titles rather than merging the
lists of every pair the character starts.

A third, `pinyin_fts`, holds the full pinyin and the initials of each title
for SQLite's trigram tokenizer, so a pinyin query of three letters or more is
an index lookup, not a scan of every title.

All three tables are contentless (`content=''`): it holds the index only, not a second,
pre-cut copy of every text, which roughly halves what a sync writes. Removing a
row from it needs the exact text it was indexed with, and `index_row` recomputes
that from the item, so any change to the cut must change CUT_VERSION: a cache
cut with another version is re-indexed when it is opened.

A query is cut the same way and each token is double-quoted, so no user text
ever reaches MATCH as syntax.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Callable, Sequence

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_NOT_CJK = re.compile(f"[^{_CJK}]+")
_RUNS = re.compile(f"[{_CJK}]+|[0-9a-z]+")
_WORDS = re.compile("[0-9a-z]+")
# Control and invisible format characters (zero-width space, direction marks, BOM).
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_SPACE = ord(" ")

# The version of the cut below. The cache records the version its index was cut
# with and re-indexes on open when it differs (`store.ensure_index_current`).
CUT_VERSION = "4"

FTS_COLUMNS = ("title", "doc_no", "index_no", "publisher", "keywords", "body")
HEAD_COLUMNS = FTS_COLUMNS[:-1]
PINYIN_COLUMNS = ("pinyin", "initials")


def normalise(value: str) -> str:
    """NFKC (full-width forms to ASCII), lower case, control characters dropped."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", value).lower())


def _pairs(cjk: str) -> str:
    """Each character followed by the next one, pairs separated by spaces: " 财政预算" → " 财 财政 政预 预算 算 ".

    Built by interleaving code-point arrays, because a Python string per pair
    (the obvious `map(add, s, s[1:])`) costs three times as much on a sync's hot path.
    """
    count = len(cjk) - 1
    if count < 1:
        return cjk
    points = array("I")
    points.frombytes(cjk.encode("utf-32-le"))
    out = array("I", bytes(12 * count))
    out[0::3] = points[:-1]
    out[1::3] = points[1:]
    out[2::3] = array("I", [_SPACE]) * count
    return out.tobytes().decode("utf-32-le")


def indexed_text(value: str) -> str:
    """A text as it goes into the index: CJK pairs, then the Latin words (the hot path of every write)."""
    normal = normalise(value)
    cut = _pairs(" " + _NOT_CJK.sub(" ", normal) + " ")
    words = _WORDS.findall(normal)
    return cut + " ".join(words) if words else cut


def tokens(value: str) -> list[str]:
    """The tokens of a text as the index sees them."""
    return indexed_text(value).split()


def match_expression(query: str) -> str | None:
    """The FTS5 MATCH expression for a user's query taken word by word as typed, or None when it has no
    searchable token.

    Every run of CJK characters and every Latin word must match (AND); a run of
    two or more characters is a phrase of its pairs. A lone character is a
    prefix query over the tokens it starts, unless it sits among digits in the
    same word (the 号 of 12号, the 条 of 第3条): there it stands alone in the text
    too, so the token itself is asked for, which is far cheaper than every token
    it starts.
    """
    phrases = [phrase for word in normalise(query).split() for phrase in _phrases(word)]
    return " AND ".join(dict.fromkeys(phrases)) if phrases else None


def _phrases(word: str) -> list[str]:
    """The quoted phrases a word (no spaces, normalised) must match, all of them."""
    runs = _RUNS.findall(word)
    with_digits = any(run.isdigit() for run in runs)
    phrases: list[str] = []
    for run in runs:
        if run.isascii():
            phrases.append(f'"{run}"')
        elif len(run) == 1:
            phrases.append(f'"{run}"' if with_digits else f'"{run}"*')
        else:
            phrases.append('"' + " ".join(run[i : i + 2] for i in range(len(run) - 1)) + '"')
    return list(dict.fromkeys(phrases))


def match_words(
    groups: Sequence[Sequence[str]],
    *,
    any_group: bool = False,
    cut: Callable[[str], list[str]] | None = None,
    alike: Callable[[str], Sequence[str]] | None = None,
) -> str | None:
    """The MATCH for word groups (a query understood by content_cache.query): an item must hold one term of
    every group, wherever it stands, or with `any_group` one term of any group; None when nothing is searchable.
    With `cut`, a term is held when its words are, each wherever it stands (换领 … 居民身份证), and with
    `alike` as well, each word or one of its other names (办残疾证 → 残疾证 or 残疾人证)."""
    parts: list[str] = []
    for terms in groups:
        alternatives = []
        for term in terms:
            pieces = []
            for word in cut(term) if cut else [term]:
                forms = [word, *(alike(word) if alike and cut else ())]
                held = list(dict.fromkeys(filter(None, (_all_of(form) for form in forms))))
                if held:
                    pieces.append(held[0] if len(held) == 1 else "(" + " OR ".join(held) + ")")
            if pieces:
                alternatives.append(pieces[0] if len(pieces) == 1 else "(" + " AND ".join(pieces) + ")")
        alternatives = list(dict.fromkeys(alternatives))
        if alternatives:
            parts.append(alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")")
    parts = list(dict.fromkeys(parts))
    return (" OR " if any_group else " AND ").join(parts) if parts else None


def _all_of(word: str) -> str | None:
    """The MATCH for one word: its phrase, or its phrases all held when it mixes scripts; None when empty."""
    phrases = _phrases(normalise(word).replace(" ", ""))
    if not phrases:
        return None
    return phrases[0] if len(phrases) == 1 else "(" + " AND ".join(phrases) + ")"


def held_words(session: Session, words: Sequence[str], wanted: int | None = None) -> list[str]:
    """The `words` some item's text holds, in order, up to `wanted` of them: one indexed lookup each."""
    held: list[str] = []
    for word in words:
        match = match_words([(word,)])
        if (
            match
            and session.execute(text("SELECT 1 FROM item_fts WHERE item_fts MATCH :m LIMIT 1"), {"m": match}).first()
        ):
            held.append(word)
            if wanted is not None and len(held) >= wanted:
                break
    return held


def doc_key(value: str) -> str | None:
    """A 文号 as one token, whatever its brackets and spaces: 宿政〔2008〕12号 and 宿政[2008] 12号 → 宿政200812号.

    None when the text is not shaped like a 文号 (it needs both characters and digits).
    """
    runs = _RUNS.findall(normalise(value))
    key = "".join(runs)
    return key if len(runs) > 1 and not key.isascii() and any(ch.isdigit() for ch in key) else None


def index_row(rowid: int, fields: dict[str, str]) -> dict[str, object]:
    """The FTS row of one item, each field cut (also the exact values that remove it again).

    The 文号 column also holds the whole 文号 as one token (`doc_key`), which
    ranks an exact 文号 above one that merely shares its parts.
    """
    row: dict[str, object] = {name: indexed_text(fields[name]) for name in FTS_COLUMNS}
    row |= {name: fields[name] for name in PINYIN_COLUMNS}  # for the trigram tokenizer, as they are
    key = doc_key(fields["doc_no"])
    if key:
        row["doc_no"] = f"{row['doc_no']} {key}"
    row["rowid"] = rowid
    return row


def _insert(table: str, columns: tuple[str, ...], command: str = "") -> str:
    names = ", ".join(columns)
    values = ", ".join(f":{name}" for name in columns)
    if command:
        return f"INSERT INTO {table}({table}, rowid, {names}) VALUES ('{command}', :rowid, {values})"
    return f"INSERT INTO {table}(rowid, {names}) VALUES (:rowid, {values})"


_TABLES = (("item_fts", FTS_COLUMNS), ("title_fts", HEAD_COLUMNS), ("pinyin_fts", PINYIN_COLUMNS))
_STATEMENTS = {
    "insert": tuple(text(_insert(table, columns)) for table, columns in _TABLES),
    "delete": tuple(text(_insert(table, columns, "delete")) for table, columns in _TABLES),
}
TABLES = tuple(table for table, _ in _TABLES)


def insert_rows(session: Session | Connection, rows: Sequence[dict[str, object]]) -> None:
    """Index new rows, in the caller's transaction."""
    if rows:
        for statement in _STATEMENTS["insert"]:
            session.execute(statement, rows)


def delete_rows(session: Session | Connection, rows: Sequence[dict[str, object]]) -> None:
    """Remove rows from the index, given exactly the rows they were indexed as."""
    if rows:
        for statement in _STATEMENTS["delete"]:
            session.execute(statement, rows)
