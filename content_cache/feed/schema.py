"""The one declared schema of the feed: the range of every number and the length and characters of every text.

`publish` reads the publisher's input and a kiosk reads the feed through the
same field readers (content_cache.feed._fields.Fields), and every reader takes
its rule from here, so a value a kiosk would refuse is refused at publish, in
the same words, naming the file, the line and the field. docs/sync-format.md
lists the same table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from content_cache.store import INDEX_NO

# The largest whole number every JSON reader keeps exact (2**53 - 1); far beyond any real sequence or size.
MAX_SEQUENCE = 2**53 - 1
MAX_FILE_BYTES = 2**40  # one TiB: larger than any limit a kiosk sets, small enough for SQLite and arithmetic
MAX_COUNT = 100_000_000  # records, items, groups: far above Limits.max_records, which is checked as well


@dataclass(frozen=True, slots=True)
class Whole:
    """A whole number from `minimum` to `maximum`, both included."""

    minimum: int
    maximum: int


@dataclass(frozen=True, slots=True)
class Text:
    """A text field. `single_line`: no control, formatting or separator character at all (they hide or reorder
    text); otherwise (a body) newline and tab stay and other control characters are removed. `visible`: the
    text must show something (not blank, not only invisible characters). `pattern`: the whole text must match
    it (ASCII only); `form` says in words what it must look like."""

    max_chars: int
    single_line: bool = True
    visible: bool = False
    pattern: re.Pattern[str] | None = None
    form: str = ""
    label: str = ""  # what messages call the field, when not its JSON name


@dataclass(frozen=True, slots=True)
class Day:
    """A date, YYYY-MM-DD, from `first` to `last`."""

    first: date
    last: date


CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z_.-]{0,63}", re.ASCII)
MEDIA_TYPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}", re.ASCII)

# numbers
SEQUENCE = Whole(1, MAX_SEQUENCE)
FROM_SEQUENCE = Whole(0, MAX_SEQUENCE)
FILE_SIZE = Whole(0, MAX_FILE_BYTES)
RECORDS = Whole(1, MAX_COUNT)  # the lines of one batch
COUNT = Whole(0, MAX_COUNT)  # items of a snapshot, upserts and withdrawals of a delta
VERSION = Whole(1, MAX_SEQUENCE)
GROUPS = Whole(1, MAX_COUNT)
POSITION = Whole(0, 1_000_000)

# dates: government documents of this century and the last; a publish time of this century or the next
DOCUMENT_DAY = Day(date(1900, 1, 1), date(2199, 12, 31))
PUBLISH_DAY = Day(date(2000, 1, 1), date(2199, 12, 31))

# texts
INDEX_NO_TEXT = Text(
    48, pattern=INDEX_NO, form="CODE/YYYY-NNNNN in ASCII digits, upper-case letters and '-'", label="索引号"
)
CODE_TEXT = Text(64, pattern=CODE, form="ASCII letters, digits, '_', '.' and '-', starting with a letter or digit")
TITLE = Text(500, visible=True)
NAME = Text(200, visible=True)  # a publisher's or a column's name, the feed's publisher
LEVEL = Text(32, visible=True)
DOC_NO = Text(100)  # 文号
SUBJECT = Text(200)
GENRE = Text(100)
KEYWORDS = Text(1000)
SOURCE_URL = Text(2000)
BODY = Text(64 * 1024 * 1024, single_line=False)  # bounded in bytes by Limits.max_record_bytes as well
ATTACHMENT_NAME = Text(255, visible=True)
MEDIA_TYPE_TEXT = Text(255, pattern=MEDIA_TYPE, form="a media type such as application/pdf")
REASON = Text(200)
KEY_ID = Text(64, pattern=re.compile(r"[0-9a-f]{1,64}", re.ASCII), form="lower-case hex digits")
SIGNATURE_TEXT = Text(256)  # base64 of a 64-byte Ed25519 signature
TIMESTAMP_TEXT = Text(20)

# Every field, by where it appears: the table docs/sync-format.md prints, and what the tests walk through.
FIELDS: dict[str, dict[str, Whole | Text | Day]] = {
    "manifest": {"sequence": SEQUENCE, "publisher": NAME, "generated_at": PUBLISH_DAY},
    "file": {"size": FILE_SIZE},
    "batch": {"size": FILE_SIZE, "records": RECORDS},
    "snapshot": {"sequence": SEQUENCE, "items": COUNT},
    "delta": {"from": FROM_SEQUENCE, "to": SEQUENCE, "upserts": COUNT, "withdrawals": COUNT},
    "attachment entry": {"size": FILE_SIZE},
    "synonyms": {"size": FILE_SIZE, "version": VERSION, "groups": GROUPS},
    "item": {
        "index_no": INDEX_NO_TEXT, "title": TITLE, "doc_no": DOC_NO, "publisher_code": CODE_TEXT,
        "column_code": CODE_TEXT, "written_on": DOCUMENT_DAY, "published_on": DOCUMENT_DAY,
        "effective_on": DOCUMENT_DAY, "abolished_on": DOCUMENT_DAY, "subject": SUBJECT, "genre": GENRE,
        "keywords": KEYWORDS, "body": BODY, "source_url": SOURCE_URL,
    },
    "attachment": {"name": ATTACHMENT_NAME, "size": FILE_SIZE, "media_type": MEDIA_TYPE_TEXT},
    "publisher": {"code": CODE_TEXT, "name": NAME, "level": LEVEL, "parent_code": CODE_TEXT},
    "column": {"code": CODE_TEXT, "name": NAME, "parent_code": CODE_TEXT, "position": POSITION},
    "withdrawal": {"index_no": INDEX_NO_TEXT, "reason": REASON},
    "signature": {"key_id": KEY_ID, "sig": SIGNATURE_TEXT},
}  # fmt: skip
