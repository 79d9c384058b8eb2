"""What every printer kind offers the job queue: hand over a job, follow it, cancel it, say how it is.

Four kinds implement it: a spool folder (`SpoolPrinter`), a CUPS queue
(`CupsPrinter`), and an ESC/POS receipt printer reached over TCP, USB, serial
or a device file (`ReceiptPrinter`). The job queue (kiosk.jobs) relies on two
promises from `submit`:

- it raises `PrinterUnavailable` only when the printer took nothing of the job
  (connection refused, queue missing, folder not writable): the queue may
  safely try again later;
- it raises `OutcomeUnknown` when the job may have been partly or wholly
  printed (a connection dropped mid-job, a timeout while sending): the queue
  must not send it again by itself; staff check the printer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from printing.document import PrintKind

PrinterState = Literal["idle", "processing", "stopped", "offline", "unknown"]
PaperState = Literal["ok", "near_end", "out", "unknown"]
# What became of a job once handed over. "pending"/"printing": the printer still has it;
# "done": it came out; "failed"/"cancelled": it did not; "unknown": the printer cannot say.
JobProgress = Literal["pending", "printing", "done", "failed", "cancelled", "unknown"]


@dataclass(frozen=True, slots=True)
class PrinterStatus:
    """A printer's state as far as it can be asked, with the reason it gives."""

    state: PrinterState
    reason: str = ""  # CUPS's state message or reasons, the socket error, "" when all is well
    paper: PaperState = "unknown"

    @property
    def ready(self) -> bool:
        """True when a job handed over now should print (or queue at the printer) without help."""
        return self.state in ("idle", "processing") and self.paper != "out"


class Printer(Protocol):
    """A place print jobs go; see the module docstring for the promises of `submit`."""

    @property
    def name(self) -> str:
        """A human description of the printer, for staff (`CUPS queue KioskPDF`, `receipt printer tcp://…`)."""
        ...

    def submit(self, job_no: str, kind: PrintKind, data: bytes, *, title: str = "") -> str:
        """Hand the job's bytes over; returns a handle for `progress` and `cancel` (a CUPS job id, a file path)."""
        ...

    def progress(self, handle: str) -> JobProgress:
        """What became of a job handed over earlier."""
        ...

    def cancel(self, handle: str) -> bool:
        """Withdraw a job the printer still holds; False when it is no longer there to cancel."""
        ...

    def status(self) -> PrinterStatus:
        """The printer's state now; never raises (an unreachable printer is `offline` with the reason)."""
        ...
