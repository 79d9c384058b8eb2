"""A spool folder printer: each job lands as one complete file, atomically.

Another process (a CUPS backend, a USB print server, a person with a stick)
picks the files up; it must never see half a file, so a job is written to a
temporary file in the same folder, flushed to disk, then renamed into place.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

from printing.base import JobProgress, PrinterStatus
from printing.document import PrintKind
from printing.errors import PrinterUnavailable

__all__ = ["SPOOL_SUFFIXES", "SpoolPrinter", "write_atomically"]

SPOOL_SUFFIXES: dict[str, str] = {"a4": ".pdf", "receipt": ".escpos"}
_SAFE_JOB_NO = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


class SpoolPrinter:
    """Writes print jobs as files into a folder: `<job_no>.pdf` or `<job_no>.escpos`."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    @property
    def name(self) -> str:
        """A human description of where jobs go."""
        return f"spool folder {self.folder}"

    def describe(self) -> str:
        """A human description of where jobs go (same as `name`)."""
        return self.name

    def submit(self, job_no: str, kind: PrintKind, data: bytes, *, title: str = "") -> str:
        """Write `data` as the job's file and return its path, the job's handle; raise PrinterUnavailable on IO
        failure.

        `title` names the job on queues that show one; a spool file has no place for it.
        """
        target = self.folder / f"{_checked_job_no(job_no)}{_suffix(kind)}"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomically(target, data)
        except OSError as exc:
            raise PrinterUnavailable(
                f"Cannot write print job {job_no} to the spool folder {self.folder}: "
                f"{exc.strerror or exc}. Check that the folder exists, is writable and the disk is not full."
            ) from exc
        return str(target)

    def progress(self, handle: str) -> JobProgress:
        """A spooled job is done once its file is in place (what happens to it next is another program's)."""
        return "done" if handle and Path(handle).is_file() else "unknown"

    def cancel(self, handle: str) -> bool:
        """A spooled file is already handed over: nothing to withdraw."""
        return False

    def status(self) -> PrinterStatus:
        """Idle when the folder exists (or can be made) and is writable; offline with the reason otherwise."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return PrinterStatus("offline", f"cannot use the spool folder {self.folder}: {exc.strerror or exc}")
        if not os.access(self.folder, os.W_OK):
            return PrinterStatus("offline", f"the spool folder {self.folder} is not writable")
        return PrinterStatus("idle", paper="ok")

    def __repr__(self) -> str:
        return f"SpoolPrinter({str(self.folder)!r})"


def _checked_job_no(job_no: str) -> str:
    # The job number becomes a file name: refuse anything that could leave the folder.
    if not _SAFE_JOB_NO.fullmatch(job_no):
        raise ValueError(f"job number {job_no!r} is not a safe file name")
    return job_no


def _suffix(kind: PrintKind) -> str:
    try:
        return SPOOL_SUFFIXES[kind]
    except KeyError:
        raise ValueError(f"unknown print kind {kind!r}; expected one of {sorted(SPOOL_SUFFIXES)}") from None


def write_atomically(target: Path, data: bytes) -> None:
    """Temp file in the same folder, fsync, rename over the target, fsync the folder."""
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_name, target)
    except BaseException:
        _remove_quietly(Path(temp_name))
        raise
    _fsync_directory(target.parent)


def _fsync_directory(folder: Path) -> None:
    # Makes the rename itself durable: without it a power cut can undo it.
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):  # the original error is the one staff need to see
        path.unlink()
