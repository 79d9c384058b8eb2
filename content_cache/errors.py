"""Errors of the content cache.

    ContentError                 base of everything raised here
    ├── ItemNotFound             no item has that 索引号 (also a KeyError)
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


class ColumnNotFound(ContentError, KeyError):
    """No catalogue column has that code."""

    def __str__(self) -> str:
        return f"no catalogue column with code {self.args[0]!r}"


class InvalidRecord(ContentError):
    """An item record breaks the content model (missing field, bad date, bad 索引号)."""
