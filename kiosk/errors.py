"""Errors of the composition root.

    KioskError            base of everything raised in kiosk/
    └── ConfigError       a setting is unknown, mistyped, or the config file is unreadable

The CLI maps these, and the errors of content_cache (ContentError) and printing
(PrintError), to one line on stderr and a non-zero exit.
"""

from __future__ import annotations


class KioskError(Exception):
    """Base of the kiosk's own errors."""


class ConfigError(KioskError):
    """A setting is unknown or has a value of the wrong type."""
