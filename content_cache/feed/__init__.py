"""The signed content feed: a publisher builds it from plain files, a kiosk verifies it before use.

Formats 1 and 2 are described in docs/sync-format.md. No Kivy, and nothing here
touches the content cache's tables except `export_cache`, which only reads.
"""

from __future__ import annotations

from content_cache.feed.codec import (
    Limits,
    column_from_json,
    column_to_json,
    item_from_json,
    item_to_json,
    publisher_from_json,
    publisher_to_json,
)
from content_cache.feed.errors import (
    FeedError,
    FileMismatch,
    FormatError,
    KeyFileError,
    LimitExceeded,
    NotAFeed,
    SignatureError,
    SourceError,
    StaleFeed,
)
from content_cache.feed.export import export_cache
from content_cache.feed.format import (
    FORMAT_VERSION,
    AttachmentRef,
    BatchRef,
    DeltaRef,
    FeedOp,
    FileRef,
    Manifest,
    SnapshotRef,
    SynonymsRef,
    Upsert,
    Withdraw,
)
from content_cache.feed.keys import generate_keypair, key_id, load_private_key, load_public_key, sign
from content_cache.feed.publish import PublishResult, publish
from content_cache.feed.synonyms import SynonymList, parse_synonyms, read_synonyms
from content_cache.feed.verify import (
    check_references,
    check_unique,
    read_batch,
    read_catalogue,
    verify_file,
    verify_manifest,
)

__all__ = [
    "FORMAT_VERSION",
    "AttachmentRef",
    "BatchRef",
    "DeltaRef",
    "FeedError",
    "FeedOp",
    "FileMismatch",
    "FileRef",
    "FormatError",
    "KeyFileError",
    "LimitExceeded",
    "Limits",
    "Manifest",
    "NotAFeed",
    "PublishResult",
    "SignatureError",
    "SnapshotRef",
    "SourceError",
    "StaleFeed",
    "SynonymList",
    "SynonymsRef",
    "Upsert",
    "Withdraw",
    "check_references",
    "check_unique",
    "column_from_json",
    "column_to_json",
    "export_cache",
    "generate_keypair",
    "item_from_json",
    "item_to_json",
    "key_id",
    "load_private_key",
    "load_public_key",
    "parse_synonyms",
    "publish",
    "publisher_from_json",
    "publisher_to_json",
    "read_batch",
    "read_catalogue",
    "read_synonyms",
    "sign",
    "verify_file",
    "verify_manifest",
]
