"""Plain, immutable records that leave the content cache.

Screens, printing and the CLI read these; none of them sees an ORM object, so
a record stays valid after its database session has closed.
"""

from __future__ import annotations

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
class Candidate:
    """A word to offer, and how many of the typed letters it stands for."""

    word: str
    covers: int
