"""Errors raised by the printing package.

One base class, so the kiosk can catch everything printing raises in one place
and show staff a message they can act on::

    PrintError                  base of everything below
    ├── FontNotFound            no usable Chinese TrueType font on this machine
    ├── RenderError             a copy could not be laid out or encoded
    │   ├── CopyTooLong         the copy would take more pages than allowed (known before or while rendering)
    │   └── RenderTimedOut      the copy took longer to lay out than a job may
    ├── PrinterUnavailable      the printer or spool folder took nothing of the job: safe to retry
    ├── OutcomeUnknown          the job may have been printed in part or whole: never resend by itself
    └── PrinterConfigError      a printer setting (a URI) is malformed or names an unknown kind
"""

from __future__ import annotations


class PrintError(Exception):
    """Base class of every error the printing package raises."""


class FontNotFound(PrintError):
    """No Chinese TrueType font that reportlab can embed was found."""


class RenderError(PrintError):
    """The document could not be turned into a printable copy."""


class CopyTooLong(RenderError):
    """The copy takes more pages than a job may have; `pages` is how many it takes at least."""

    def __init__(self, message: str, *, pages: int, limit: int) -> None:
        super().__init__(message)
        self.pages = pages
        self.limit = limit


class RenderTimedOut(RenderError):
    """Laying out the copy took longer than a job may (or the renderer stayed busy with another)."""


class PrinterUnavailable(PrintError):
    """The printer, queue or spool folder could not take the job."""


class OutcomeUnknown(PrintError):
    """The printer may have printed some or all of the job (a connection dropped while sending)."""


class PrinterConfigError(PrintError):
    """A printer URI cannot be used: unknown scheme, missing part, bad option."""
