"""The full-text index: how text is cut into tokens, and how a query becomes a safe MATCH.

SQLite's unicode61 tokenizer sees a run of Chinese characters as one token, so
text is tokenised here and stored pre-cut, tokens separated by spaces:

- a run of CJK characters becomes its overlapping bigrams (财政预算 → 财政 政预 预算),
  a lone character stays as it is;
- the last character of every longer run goes to the separate `tails` column, so a
  one-character query (a prefix query over the bigrams) also finds a character that
  ends a run and so starts no bigram;
- Latin letters and digits become lower-case words (宿政〔2008〕12号 → 宿政 2008 12 号).

A query is cut the same way and each token is double-quoted, so no user text
ever reaches MATCH as syntax.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from operator import add

from sqlalchemy import text
from sqlalchemy.orm import Session

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(f"[{_CJK}]+|[0-9a-z]+")
_IS_CJK = re.compile(f"[{_CJK}]")
# Control and invisible format characters (zero-width space, direction marks, BOM).
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")

FTS_COLUMNS = ("title", "doc_no", "index_no", "publisher", "body", "tails")


def normalise(value: str) -> str:
    """NFKC (full-width forms to ASCII), lower case, control characters dropped."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", value).lower())


def _runs(value: str) -> Iterator[str]:
    return (m.group(0) for m in _RUNS.finditer(normalise(value)))


def _bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _cut(value: str) -> tuple[str, list[str]]:
    """One pass over a text: its indexed form and its tails (the hot path of every write)."""
    parts: list[str] = []
    ends: list[str] = []
    for run in _RUNS.findall(normalise(value)):
        if run[0].isascii() or len(run) == 1:
            parts.append(run)
        else:
            parts.append(" ".join(map(add, run, run[1:])))
            ends.append(run[-1])
    return " ".join(parts), ends


def tokens(value: str) -> list[str]:
    """The token stream of a text, in order: CJK bigrams and ASCII words."""
    out: list[str] = []
    for run in _runs(value):
        out.extend(_bigrams(run) if _IS_CJK.match(run) else [run])
    return out


def tails(value: str) -> list[str]:
    """The last character of each CJK run of two or more characters."""
    return [run[-1] for run in _runs(value) if _IS_CJK.match(run) and len(run) > 1]


def indexed_text(value: str) -> str:
    """A text as it is stored in the index: its tokens joined by spaces."""
    return _cut(value)[0]


def match_expression(query: str) -> str | None:
    """The FTS5 MATCH expression for a user's query, or None when it has no searchable token.

    Words separated by spaces must all match (AND); within a word the tokens form
    a phrase. A single CJK character becomes a prefix query over the bigrams.
    """
    phrases: list[str] = []
    for word in normalise(query).split():
        word_tokens = tokens(word)
        if not word_tokens:
            continue
        if len(word_tokens) == 1 and len(word_tokens[0]) == 1 and _IS_CJK.match(word_tokens[0]):
            phrases.append(f'"{word_tokens[0]}"*')
        else:
            phrases.append('"' + " ".join(word_tokens) + '"')
    return " AND ".join(phrases) if phrases else None


def index_row(rowid: int, fields: dict[str, str]) -> dict[str, object]:
    """The FTS row of one item: each field pre-cut, plus the tails of all of them."""
    row: dict[str, object] = {"rowid": rowid}
    all_tails: list[str] = []
    for name in FTS_COLUMNS[:-1]:
        row[name], ends = _cut(fields[name])
        all_tails.extend(ends)
    row["tails"] = " ".join(all_tails)
    return row


def write_rows(session: Session, rows: list[dict[str, object]]) -> None:
    """Index items (replacing what was indexed for their rowids), in the caller's transaction."""
    if not rows:
        return
    delete_rows(session, [int(str(r["rowid"])) for r in rows])
    session.execute(
        text(
            "INSERT INTO item_fts(rowid, title, doc_no, index_no, publisher, body, tails) "
            "VALUES (:rowid, :title, :doc_no, :index_no, :publisher, :body, :tails)"
        ),
        rows,
    )


def delete_rows(session: Session, rowids: list[int]) -> None:
    """Remove items from the index."""
    session.execute(text("DELETE FROM item_fts WHERE rowid = :rowid"), [{"rowid": r} for r in rowids])
