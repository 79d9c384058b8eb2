"""ESC/POS receipt printers as a device file (/dev/usb/lp0), or a file standing in for one (python-escpos's
`File`, written here without blocking, so a printer that takes nothing ends the job in bounded time)."""

from __future__ import annotations

import os
import select
import stat
import time
from pathlib import Path

from printing.base import PrinterStatus
from printing.errors import PrinterUnavailable
from printing.escpos_printer import CHUNK, ReceiptPrinter, describe

__all__ = ["FileReceiptPrinter"]


class FileReceiptPrinter(ReceiptPrinter):
    """A receipt printer at file:///dev/… (or a file)."""

    kind = "file"

    def _send(self, data: bytes) -> None:
        path = self.target.device
        flags = os.O_WRONLY | os.O_APPEND | os.O_NONBLOCK | (0 if _is_device_path(path) else os.O_CREAT)
        try:
            fd = os.open(path, flags, 0o644)
        except OSError as exc:
            raise PrinterUnavailable(f"{self.name} cannot be opened ({describe(exc)}): is it connected?") from exc
        sent = [0]
        try:
            _write_all(fd, data, self.target.timeout, sent)
        except TimeoutError:
            raise self.unknown(f"took no more of it for {self.target.timeout:g} s", sent[0], len(data)) from None
        except OSError as exc:
            raise self.unknown(f"failed while writing ({describe(exc)})", sent[0], len(data)) from exc
        finally:
            os.close(fd)

    def _status(self) -> PrinterStatus:
        path = Path(self.target.device)
        if not path.exists():
            if _is_device_path(str(path)):
                return PrinterStatus("offline", f"{path} does not exist: is the printer plugged in and switched on?")
            return _writable_status(path.parent)
        if not os.access(path, os.W_OK):
            return PrinterStatus("offline", f"{path} is not writable by the kiosk")
        if stat.S_ISREG(path.stat().st_mode):
            return PrinterStatus("idle", paper="ok")  # a file standing in for a printer: it never runs out
        return PrinterStatus("unknown", "a device file cannot report the printer's state")


def _write_all(fd: int, data: bytes, timeout: float, sent: list[int]) -> None:
    """Write `data` to a non-blocking fd, counting in `sent[0]`; TimeoutError when it takes nothing for `timeout` s."""
    view = memoryview(data)
    last_progress = time.monotonic()
    while sent[0] < len(view):
        _, writable, _ = select.select([], [fd], [], timeout)
        try:
            written = os.write(fd, view[sent[0] : sent[0] + CHUNK]) if writable else 0
        except BlockingIOError:
            written = 0
        if written:
            sent[0], last_progress = sent[0] + written, time.monotonic()
        elif time.monotonic() - last_progress >= timeout:
            raise TimeoutError


def _is_device_path(path: str) -> bool:
    # Never create a file under /dev: a missing printer must not turn into a regular file there.
    return Path(path).is_absolute() and Path(path).parts[1:2] == ("dev",)


def _writable_status(folder: Path) -> PrinterStatus:
    if folder.is_dir() and os.access(folder, os.W_OK):
        return PrinterStatus("idle", paper="ok")
    return PrinterStatus("offline", f"{folder} does not exist or is not writable")
