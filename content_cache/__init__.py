"""The disclosure content: models, catalogue reads, search and (later) sync. No Kivy here."""

from __future__ import annotations

from content_cache.cache import ContentCache
from content_cache.errors import ColumnNotFound, ContentError, InvalidRecord, ItemNotFound

__all__ = ["ColumnNotFound", "ContentCache", "ContentError", "InvalidRecord", "ItemNotFound"]
