"""ESC/POS receipt printers: the shared part of each connection, and the printer's status answers.

One module per connection, as python-escpos keeps its own: TCP port 9100
(`printing.escpos_network`), USB and serial lines through python-escpos
(`printing.escpos_device`) and device files (`printing.escpos_file`). Each
subclasses `ReceiptPrinter`; `ReceiptPrinter(target)` makes the one the
target's kind names.

`ReceiptPrinter.submit` sends slip bytes already rendered by `render_receipt`
and keeps the promises of `printing.base`:

- `PrinterUnavailable` when nothing of the slip left this machine: the
  connection was refused, the host or device does not exist, the USB device
  is not plugged in;
- `OutcomeUnknown` once bytes may have reached the printer: a connection reset
  mid-slip, a printer that stopped taking data for `timeout` seconds, or one
  that closed the connection without confirming it had all of the slip.

`status()` asks the printer with the real-time requests DLE EOT 1 (printer
status) and DLE EOT 4 (roll paper sensor), and DLE EOT 2 (offline cause) when
it says it is offline; see `decode_status` for the bits.
"""

from __future__ import annotations

import errno
from collections.abc import Callable
from importlib import import_module
from typing import ClassVar

from escpos.constants import RT_STATUS, RT_STATUS_ONLINE, RT_STATUS_PAPER

from printing.base import JobProgress, PaperState, PrinterStatus
from printing.document import PrintKind
from printing.errors import OutcomeUnknown, PrinterConfigError
from printing.uri import ReceiptTarget

__all__ = ["RT_STATUS_CAUSE", "ReceiptPrinter", "decode_status"]

RT_STATUS_CAUSE = RT_STATUS + b"\x02"  # DLE EOT 2: why the printer is offline
CHUNK = 16 * 1024  # bytes per send; each send waits at most the target's timeout
STATUS_READ_SECONDS = 1.0  # a printer answers a real-time request in milliseconds
NO_ANSWER = "the printer does not answer status requests"
# The module and class of each connection kind.
TRANSPORTS = {
    "tcp": ("printing.escpos_network", "NetworkReceiptPrinter"),
    "usb": ("printing.escpos_device", "UsbReceiptPrinter"),
    "serial": ("printing.escpos_device", "SerialReceiptPrinter"),
    "file": ("printing.escpos_file", "FileReceiptPrinter"),
}

# Bits of the answers (ESC/POS, DLE EOT n). Every answer byte has the form 0xx1xx10.
_FIXED_MASK, _FIXED_BITS = 0b1001_0011, 0b0001_0010
_OFFLINE = 0b0000_1000  # DLE EOT 1, bit 3
_COVER_OPEN, _FEED_BUTTON, _PAPER_END_STOP, _ERROR = 0b0000_0100, 0b0000_1000, 0b0010_0000, 0b0100_0000  # DLE EOT 2
_PAPER_NEAR_END, _PAPER_END = 0b0000_1100, 0b0110_0000  # DLE EOT 4: bits 2-3, bits 5-6


class ReceiptPrinter:
    """An ESC/POS receipt printer at a `ReceiptTarget` of kind tcp, usb, serial or file.

    `ReceiptPrinter(target)` makes the subclass of the target's kind; a subclass sends (`_send`) and asks for
    the printer's state (`_status`) its own way.
    """

    kind: ClassVar[str] = ""

    def __new__(cls, target: ReceiptTarget) -> ReceiptPrinter:
        if cls is ReceiptPrinter:
            if target.kind not in TRANSPORTS:
                raise PrinterConfigError(
                    f"{target} is not a receipt printer connection (a spool folder is SpoolPrinter)"
                )
            module, name = TRANSPORTS[target.kind]
            cls = getattr(import_module(module), name)
        return super().__new__(cls)

    def __init__(self, target: ReceiptTarget) -> None:
        if target.kind != self.kind:
            raise PrinterConfigError(f"{target} is not a {self.kind} receipt printer connection")
        self.target = target

    @property
    def name(self) -> str:
        """`receipt printer tcp://HOST:PORT`, `… usb://VID:PID`, `… serial:///dev/…`, `… file:///…`."""
        return f"receipt printer {str(self.target).partition('?')[0]}"

    def submit(self, job_no: str, kind: PrintKind, data: bytes, *, title: str = "") -> str:
        """Send the slip's ESC/POS bytes; the handle is the number of bytes sent.

        `job_no` and `title` name the job on queues that show one; a receipt printer shows neither.
        """
        if kind != "receipt":
            raise ValueError(f"{self.name} prints slips only, not {kind!r} copies")
        self._send(data)
        return str(len(data))

    def progress(self, handle: str) -> JobProgress:
        """A slip sent in full is done: a receipt printer reports nothing more about it."""
        return "done"

    def cancel(self, handle: str) -> bool:
        """Nothing to withdraw: once sent, the slip is the printer's."""
        return False

    def status(self) -> PrinterStatus:
        """The printer's answer to DLE EOT 1/4 (and 2); never raises."""
        try:
            return self._status()
        except Exception as exc:  # the promise is "never raises": say what went wrong instead
            return PrinterStatus("unknown", f"{self.name}: status could not be read ({describe(exc)})")

    def __repr__(self) -> str:
        return f"ReceiptPrinter({str(self.target)!r})"

    def _send(self, data: bytes) -> None:
        raise NotImplementedError

    def _status(self) -> PrinterStatus:
        raise NotImplementedError

    def unknown(self, what: str, sent: int, total: int) -> OutcomeUnknown:
        """The error of a slip that may have printed in part or in whole."""
        return OutcomeUnknown(
            f"{self.name} {what} after {sent:,} of {total:,} bytes of the slip: it may be printed in part or "
            "in whole. Check the printer (paper, cover, cable) before printing the slip again."
        )


# -- status --------------------------------------------------------------------------------


def decode_status(online: bytes, paper: bytes, cause: bytes = b"") -> PrinterStatus:
    """A printer's state from its answers to DLE EOT 1 (`online`), DLE EOT 4 (`paper`) and DLE EOT 2 (`cause`).

    DLE EOT 1 bit 3 set: offline. DLE EOT 4 bits 5-6: paper end; bits 2-3: paper near end.
    DLE EOT 2 bit 2: cover open; bit 3: feed button held; bit 5: stopped at paper end; bit 6: an error.
    A missing answer, or a byte without the fixed bits 0xx1xx10, is not an answer.
    """
    if not _is_status_byte(online):
        return PrinterStatus("unknown", NO_ANSWER)
    paper_state = _paper_state(paper)
    if online[0] & _OFFLINE:
        return PrinterStatus("offline", _offline_reason(cause, paper_state), paper_state)
    reason = {"near_end": "the paper roll is nearly used up", "out": "the paper has run out"}.get(paper_state, "")
    return PrinterStatus("idle", reason, paper_state)


def _is_status_byte(answer: bytes) -> bool:
    return len(answer) == 1 and answer[0] & _FIXED_MASK == _FIXED_BITS


def _paper_state(answer: bytes) -> PaperState:
    if not _is_status_byte(answer):
        return "unknown"
    # Either bit of a pair counts: some printers set one, and warning early costs nothing.
    if answer[0] & _PAPER_END:
        return "out"
    return "near_end" if answer[0] & _PAPER_NEAR_END else "ok"


def _offline_reason(cause: bytes, paper: PaperState) -> str:
    causes: list[str] = []
    if _is_status_byte(cause):
        bits = cause[0]
        causes = [
            text
            for bit, text in (
                (_COVER_OPEN, "the cover is open"),
                (_PAPER_END_STOP, "the paper has run out"),
                (_FEED_BUTTON, "the feed button is held down"),
                (_ERROR, "it reports an error (a jam, a cutter fault or overheating)"),
            )
            if bits & bit
        ]
    if not causes and paper == "out":
        causes = ["the paper has run out"]
    return "the printer is offline: " + ("; ".join(causes) if causes else "check the paper, the cover and its lights")


def ask_status(query: Callable[[bytes], bytes]) -> PrinterStatus:
    """DLE EOT 1, then 4, then 2 if offline; `query` sends a request and returns the answer (b"" for none)."""
    online = query(RT_STATUS_ONLINE)
    if not _is_status_byte(online):
        return decode_status(online, b"")
    paper = query(RT_STATUS_PAPER)
    cause = query(RT_STATUS_CAUSE) if online[0] & _OFFLINE else b""
    return decode_status(online, paper, cause)


def describe(exc: BaseException) -> str:
    """An error as one line: the OS's words and code, or the exception's."""
    if isinstance(exc, OSError) and exc.strerror:
        code = errno.errorcode.get(exc.errno or 0, "")
        return f"{exc.strerror}{f' [{code}]' if code else ''}"
    return str(exc) or type(exc).__name__
