"""Errors of the signed content feed.

    FeedError                    base of everything raised here (a ContentError)
    ├── SignatureError           manifest.sig is missing or garbled, signed by a key this
    │                            kiosk does not trust, or does not match manifest.json
    ├── FormatError              a file breaks format 1: bad JSON, a missing or wrong field,
    │                            a bad date, an unsafe path, a duplicate 索引号, broken gzip
    ├── FileMismatch             a file's size or SHA-256 differs from the manifest
    ├── LimitExceeded            a manifest, batch, record or attachment is over a limit
    ├── StaleFeed                the feed is older than the content the kiosk already has
    ├── NotAFeed                 the source answered with something else: a web page (a
    │                            captive portal, a login or error page) in place of a feed file
    ├── KeyFileError             a key file is missing, unreadable or would be overwritten
    └── SourceError              the publisher's input folder (or the previous feed it
                                 extends) is incomplete, inconsistent or damaged

Every message names the file (and the line, for JSON Lines) and says what is
wrong in words a member of staff can act on.
"""

from __future__ import annotations

from content_cache.errors import ContentError


class FeedError(ContentError):
    """Base of the feed's errors."""


class SignatureError(FeedError):
    """The manifest's signature is missing, garbled, untrusted or wrong."""


class FormatError(FeedError):
    """A feed file breaks the format."""


class FileMismatch(FeedError):
    """A file's size or SHA-256 differs from what the manifest says."""


class LimitExceeded(FeedError):
    """Something in the feed is larger than the configured limits allow."""


class StaleFeed(FeedError):
    """The feed is older than the content already cached."""


class NotAFeed(FeedError):
    """The source answered with something that is not a feed file (a captive portal's web page)."""


class KeyFileError(FeedError):
    """A key file is missing, unreadable, of the wrong kind, or would be overwritten."""


class SourceError(FeedError):
    """The publisher's input folder, or the previous feed it extends, is incomplete or damaged."""
