"""Errors of the content cache.

ContentError                 base of everything raised here
├── ItemNotFound             no item has that 索引号 (also a KeyError)
├── AttachmentNotFound       the item has no attachment of that name (also a KeyError)
├── AttachmentUnreadable     an attachment's file is missing from the folder or cannot be read
├── AttachmentDamaged        an attachment's bytes no longer match its recorded SHA-256 and size
├── ColumnNotFound           no catalogue column has that code (also a KeyError)
└── InvalidRecord            an item record breaks the content model
"""

from __future__ import annotations


class ContentError(Exception):
    """Base of the content cache's errors."""


class ItemNotFound(ContentError, KeyError):
    """No item has that 索引号."""

    def __str__(self) -> str:
        return f"没有索引号为 {self.args[0]} 的信息 (no item with index number {self.args[0]})"


class AttachmentNotFound(ContentError, KeyError):
    """The item has no attachment of that name."""

    def __str__(self) -> str:
        index_no, name = self.args
        return f"索引号为 {index_no} 的信息没有附件 {name} (no attachment {name!r} of {index_no})"


class AttachmentUnreadable(ContentError):
    """The attachment's file is missing from the folder or cannot be read."""


class AttachmentDamaged(ContentError):
    """The attachment's bytes do not match the SHA-256 and size recorded for it."""


class ColumnNotFound(ContentError, KeyError):
    """No catalogue column has that code."""

    def __str__(self) -> str:
        return f"no catalogue column with code {self.args[0]!r}"


class InvalidRecord(ContentError):
    """An item record breaks the content model (missing field, bad date, bad 索引号)."""
