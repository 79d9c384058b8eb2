"""The disclosure content: models, catalogue reads, search and sync. No Kivy here.

`ContentCache` is loaded on first use, so importing the errors or the records
does not load the database layer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from content_cache.errors import ColumnNotFound, ContentError, InvalidRecord, ItemNotFound

if TYPE_CHECKING:
    from content_cache.cache import ContentCache

__all__ = ["ColumnNotFound", "ContentCache", "ContentError", "InvalidRecord", "ItemNotFound"]


def __getattr__(name: str) -> Any:
    """`ContentCache`, imported when first asked for."""
    if name == "ContentCache":
        from content_cache.cache import ContentCache

        return ContentCache
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
