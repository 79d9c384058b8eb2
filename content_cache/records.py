"""Plain, immutable records that leave the content cache.

Screens, printing and the CLI read these; none of them sees an ORM object, so
a record stays valid after its database session has closed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

Validity = Literal["valid", "amended", "abolished", "expired"]

VALIDITY_LABELS: dict[str, str] = {"valid": "有效", "amended": "已修订", "abolished": "废止", "expired": "失效"}
# No longer in force: repealed (废止), or lapsed when its period of validity ended (失效).
WITHDRAWN_VALIDITIES = frozenset({"abolished", "expired"})


@dataclass(frozen=True, slots=True)
class ColumnInfo:
    """A catalogue column (栏目): a top-level section or one of its sub-columns."""

    code: str
    name: str
    parent_code: str | None
    position: int
    item_count: int = 0
    child_count: int = 0


@dataclass(frozen=True, slots=True)
class ItemSummary:
    """One line of a list or a search hit."""

    index_no: str
    title: str
    doc_no: str | None
    publisher: str
    published_on: date
    column_code: str
    column: str
    validity: Validity


@dataclass(frozen=True, slots=True)
class ItemDetail:
    """Everything the document screen and a printed copy show of one item."""

    index_no: str
    title: str
    doc_no: str | None
    publisher: str
    publisher_code: str
    written_on: date | None
    published_on: date
    effective_on: date | None
    abolished_on: date | None
    validity: Validity
    column_code: str
    column: str
    subject: str
    genre: str
    keywords: str
    body: str
    source_url: str
    attachments: tuple[str, ...] = field(default_factory=tuple)

    @property
    def validity_label(self) -> str:
        return VALIDITY_LABELS[self.validity]


@dataclass(frozen=True, slots=True)
class Snippet:
    """What to highlight for one hit: spans in its title, and a stretch of its body with spans."""

    title_marks: tuple[tuple[int, int], ...]
    text: str
    marks: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class Facet:
    """One value of a filter (a column, a publisher, a year …) and how many hits have it."""

    value: str
    label: str
    count: int
    level: str = ""  # a publisher's level: city, county, township


@dataclass(frozen=True, slots=True)
class SearchResult:
    """The hits of one query: `total` counts every match, `hits` holds the first page.

    `snippets` go with `hits`, one each; `facets` (when asked for) count the
    matches per filter value; `suggestions` are other queries to try when
    nothing matched, `browse` a column to browse when there is no suggestion;
    `more` says there are more matches than `total`.
    """

    query: str
    total: int
    hits: tuple[ItemSummary, ...]
    snippets: tuple[Snippet, ...] = ()
    facets: dict[str, tuple[Facet, ...]] = field(default_factory=dict)
    suggestions: tuple[str, ...] = ()
    more: bool = False  # a broad query: `total` (and the facet counts) stop at a cap, newest hits first
    browse: str | None = None  # nothing matched and nothing to suggest: the column code likeliest to help
    partial: bool = False  # no item holds every word: the hits hold most of them
    respelt_from: str = ""  # the query as typed found nothing: these are the hits of `query`, its respelling
    widened: str = ""  # few or no items held the query's words as phrases: how the matches were widened

    def with_suggestions(self, suggestions: tuple[str, ...], browse: str | None = None) -> SearchResult:
        return replace(self, suggestions=suggestions, browse=browse)


@dataclass(frozen=True, slots=True)
class PublisherRecord:
    """A publisher as a feed or the demo generator delivers it."""

    code: str
    name: str
    level: str
    parent_code: str | None = None


@dataclass(frozen=True, slots=True)
class ColumnRecord:
    """A catalogue column as a feed or the demo generator delivers it."""

    code: str
    name: str
    parent_code: str | None
    position: int


@dataclass(frozen=True, slots=True)
class AttachmentRecord:
    """An attachment of an item: its file name and the SHA-256 and size of its bytes."""

    name: str
    sha256: str
    size: int
    media_type: str = "application/octet-stream"


@dataclass(frozen=True, slots=True)
class ItemRecord:
    """An item as a feed or the demo generator delivers it, before it is stored."""

    index_no: str
    title: str
    publisher_code: str
    column_code: str
    published_on: date
    body: str
    doc_no: str | None = None
    written_on: date | None = None
    effective_on: date | None = None
    abolished_on: date | None = None
    validity: Validity = "valid"
    subject: str = ""
    genre: str = ""
    keywords: str = ""
    source_url: str = ""
    attachments: tuple[AttachmentRecord, ...] = ()


Sort = Literal["relevance", "date"]


@dataclass(frozen=True, slots=True)
class Filters:
    """What a citizen narrowed the search to; None leaves a field open."""

    column: str | None = None  # a column code; its sub-columns are included
    publisher: str | None = None  # a publisher code
    year: int | None = None  # the year of publication
    genre: str | None = None  # 体裁
    validity: str | None = None  # valid, amended, abolished or expired

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.column, self.publisher, self.year, self.genre, self.validity))


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A search the empty search screen offers to tap: the query it runs, its label, and the row it sits in."""

    way: str  # 常用搜索, 拼音首字母, 文号, 索引号: the heading of its row
    query: str
    label: str  # as the button shows it: 财政预算, czys（财政预算）


@dataclass(frozen=True, slots=True)
class Candidate:
    """A word to offer, and how many of the typed letters it stands for."""

    word: str
    covers: int


# Characters that hide, move or reorder text when it is shown: control characters (Cc), invisible formatting
# characters (Cf: zero-width spaces and joiners, direction marks, embeddings, overrides and isolates, the
# byte-order mark, tags …) and the line and paragraph separators (Zl, Zp). Written out rather than found by
# scanning every code point at import; a test checks the list against unicodedata.
_HIDING = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)
# What a body may not keep: the same, less newline and tab (a body's lines and indents), and less the zero-width
# joiners and soft hyphens a word processor leaves, which hide nothing in running text.
_BODY_DROPS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\U000e0001\U000e0020-\U000e007f]"
)
# Letters and symbols that print as nothing at all: Hangul fillers, the blank Braille pattern, variation selectors.
_BLANK_LOOKING = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u3164\uffa0\u2800") | frozenset(
    chr(c) for c in range(0xFE00, 0xFE10)
)


def describe_character(char: str) -> str:
    """A character as staff can look it up: U+202E (RIGHT-TO-LEFT OVERRIDE)."""
    return f"U+{ord(char):04X} ({unicodedata.name(char, unicodedata.category(char))})"


def hiding_character(text: str) -> str | None:
    """The first character of `text` that hides, moves or reorders text when shown (see _HIDING), or None."""
    found = _HIDING.search(text)
    return None if found is None else found.group()


def shows_something(text: str) -> bool:
    """True when `text` has at least one character a reader sees (not a space, a mark alone, or a blank look-alike)."""
    return any(_visible(c) for c in text)


def _visible(char: str) -> bool:
    # Private-use characters (Co) count: some fonts put rare Chinese characters there.
    if char.isspace() or char in _BLANK_LOOKING:
        return False
    category = unicodedata.category(char)
    return category[0] in "LNPS" or category == "Co"


def clean_body(text: str) -> str:
    """A body as it is stored: lines end in a newline (CR LF and CR become one), newline and tab stay, and every
    other control character and direction override is removed. Bodies come from word processors and OCR, whose
    stray form feeds and vertical tabs mean nothing; refusing the document for them would help no one."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _BODY_DROPS.sub("", text) if _BODY_DROPS.search(text) else text


def safe_for_terminal(text: str, *, keep_lines: bool = False) -> str:
    """`text` for one line of a terminal: every control, formatting or separator character (escape sequences,
    carriage returns, direction overrides, zero-width characters, newlines) shown as an escape such as \\x1b or
    \\u202e, so a feed's title can never move the cursor, recolour, clear or reorder what the terminal shows.
    With `keep_lines`, for whole output: newline, tab and carriage return (a progress line) stay as they are."""
    if _HIDING.search(text) is None:
        return text
    return _HIDING.sub(
        lambda m: (
            m.group() if keep_lines and m.group() in "\n\t\r" else m.group().encode("unicode_escape").decode("ascii")
        ),
        text,
    )
