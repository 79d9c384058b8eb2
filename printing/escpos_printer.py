"""ESC/POS receipt printers reached over TCP (port 9100), USB, a serial line or a device file.

`ReceiptPrinter.submit` sends slip bytes already rendered by `render_receipt`
and keeps the promises of `printing.base`:

- `PrinterUnavailable` when nothing of the slip left this machine: the
  connection was refused, the host or device does not exist, the USB device
  is not plugged in;
- `OutcomeUnknown` once bytes may have reached the printer: a connection reset
  mid-slip, a printer that stopped taking data for `timeout` seconds, or one
  that closed the connection without confirming it had all of the slip.

Over TCP the slip is sent in pieces, each bounded by the target's timeout, so
a printer that accepts and never reads ends the job in bounded time. Then, as
CUPS's socket backend does, the sending side is shut down and the printer's
close awaited: only a clean close (or a send queue the printer's TCP stack has
acknowledged in full) counts as delivered.

`status()` asks the printer with the real-time requests DLE EOT 1 (printer
status) and DLE EOT 4 (roll paper sensor), and DLE EOT 2 (offline cause) when
it says it is offline; see `decode_status` for the bits.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import select
import socket
import stat
import struct
import termios
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from escpos.constants import RT_STATUS, RT_STATUS_ONLINE, RT_STATUS_PAPER

from printing.base import JobProgress, PaperState, PrinterStatus
from printing.document import PrintKind
from printing.errors import OutcomeUnknown, PrinterConfigError, PrinterUnavailable
from printing.receipt import RECEIPT_PAPER
from printing.uri import ReceiptTarget

__all__ = ["RT_STATUS_CAUSE", "ReceiptPrinter", "decode_status"]

RT_STATUS_CAUSE = RT_STATUS + b"\x02"  # DLE EOT 2: why the printer is offline
CHUNK = 16 * 1024  # bytes per send; each send waits at most the target's timeout
STATUS_READ_SECONDS = 1.0  # a printer answers a real-time request in milliseconds
NO_ANSWER = "the printer does not answer status requests"

# Bits of the answers (ESC/POS, DLE EOT n). Every answer byte has the form 0xx1xx10.
_FIXED_MASK, _FIXED_BITS = 0b1001_0011, 0b0001_0010
_OFFLINE = 0b0000_1000  # DLE EOT 1, bit 3
_COVER_OPEN, _FEED_BUTTON, _PAPER_END_STOP, _ERROR = 0b0000_0100, 0b0000_1000, 0b0010_0000, 0b0100_0000  # DLE EOT 2
_PAPER_NEAR_END, _PAPER_END = 0b0000_1100, 0b0110_0000  # DLE EOT 4: bits 2-3, bits 5-6


class ReceiptPrinter:
    """An ESC/POS receipt printer at a `ReceiptTarget` of kind tcp, usb, serial or file."""

    def __init__(self, target: ReceiptTarget) -> None:
        if target.kind not in ("tcp", "usb", "serial", "file"):
            raise PrinterConfigError(f"{target} is not a receipt printer connection (a spool folder is SpoolPrinter)")
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
        send: dict[str, Callable[[bytes], None]] = {
            "tcp": self._send_tcp,
            "usb": self._send_usb,
            "serial": self._send_serial,
            "file": self._send_file,
        }
        send[self.target.kind](data)
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
            if self.target.kind == "tcp":
                return self._tcp_status()
            if self.target.kind == "file":
                return self._file_status()
            return self._escpos_status()
        except Exception as exc:  # noqa: BLE001 - the promise is "never raises": say what went wrong instead
            return PrinterStatus("unknown", f"{self.name}: status could not be read ({_describe(exc)})")

    def __repr__(self) -> str:
        return f"ReceiptPrinter({str(self.target)!r})"

    # -- TCP ---------------------------------------------------------------------------------

    def _connect(self, timeout: float) -> socket.socket:
        """A connection to the printer; PrinterUnavailable (nothing sent yet) when there is none."""
        host, port = self.target.host, self.target.port
        try:
            return socket.create_connection((host, port), timeout=timeout)
        except socket.gaierror as exc:
            reason = f"cannot be found: no host {host} ({exc.strerror}); check the printer's address in the settings"
        except ConnectionRefusedError:
            reason = "refused the connection: is it switched on and connected?"
        except TimeoutError:
            reason = f"did not answer within {timeout:g} s: is it switched on and on the network?"
        except OSError as exc:
            reason = f"cannot be reached ({exc.strerror or exc}): check the network cable and the printer's address"
        raise PrinterUnavailable(f"{self.name} {reason}")

    def _send_tcp(self, data: bytes) -> None:
        timeout = self.target.timeout
        view = memoryview(data)
        with self._connect(timeout) as sock:
            sent = 0
            try:
                while sent < len(data):
                    sent += sock.send(view[sent : sent + CHUNK])  # each send waits at most `timeout`
                sock.shutdown(socket.SHUT_WR)
                _await_close(sock, timeout)
            except TimeoutError:
                if sent < len(data):
                    raise self._unknown(f"took no more of it for {timeout:g} s", sent, len(data)) from None
                if _unacknowledged(sock) != 0:
                    raise self._unknown("did not confirm the end of it", sent, len(data)) from None
            except OSError as exc:
                raise self._unknown(f"dropped the connection ({_describe(exc)})", sent, len(data)) from exc

    def _unknown(self, what: str, sent: int, total: int) -> OutcomeUnknown:
        return OutcomeUnknown(
            f"{self.name} {what} after {sent:,} of {total:,} bytes of the slip: it may be printed in part or "
            "in whole. Check the printer (paper, cover, cable) before printing the slip again."
        )

    def _tcp_status(self) -> PrinterStatus:
        try:
            sock = self._connect(self.target.timeout)
        except PrinterUnavailable as exc:
            return PrinterStatus("offline", str(exc))
        with sock:
            sock.settimeout(min(self.target.timeout, STATUS_READ_SECONDS))
            return _ask_status(lambda request: _tcp_query(sock, request))

    # -- USB, serial, device files -------------------------------------------------------------

    def _send_usb(self, data: bytes) -> None:
        self._send_escpos(self._open_usb(), data)

    def _send_serial(self, data: bytes) -> None:
        self._send_escpos(self._open_serial(), data)

    def _send_escpos(self, device: Any, data: bytes) -> None:
        sent = 0
        try:
            for start in range(0, len(data), CHUNK):
                device._raw(data[start : start + CHUNK])
                sent = min(start + CHUNK, len(data))
        except Exception as exc:  # pyusb and pyserial raise their own trees; all mean the same here
            raise self._unknown(f"failed while sending ({_describe(exc)})", sent, len(data)) from exc
        finally:
            with contextlib.suppress(Exception):
                device.close()

    def _open_usb(self) -> Any:
        from escpos.printer import Usb

        timeout_ms = int(self.target.timeout * 1000)
        profile = RECEIPT_PAPER[self.target.width].profile
        return self._open(
            Usb, lambda: Usb(self.target.vendor_id, self.target.product_id, timeout=timeout_ms, profile=profile), "pyusb"
        )

    def _open_serial(self) -> Any:
        from escpos.printer import Serial

        def make() -> Any:
            profile = RECEIPT_PAPER[self.target.width].profile
            return Serial(self.target.device, self.target.baudrate, timeout=self.target.timeout, profile=profile)

        device = self._open(Serial, make, "pyserial")
        device.device.write_timeout = self.target.timeout  # python-escpos sets none: a stalled line would block forever
        return device

    def _open(self, kind: Any, make: Callable[[], Any], library: str) -> Any:
        """An open python-escpos device; PrinterUnavailable when the device or its library is missing."""
        if not kind.is_usable():  # checked first: without the library even escpos's __del__ raises
            raise PrinterUnavailable(f"{self.name} cannot be used: the Python package {library} is not installed "
                                     f"(pip install {library})")
        try:
            device = make()
            device.open()
        except Exception as exc:  # DeviceNotFoundError, USBError, SerialException
            raise PrinterUnavailable(
                f"{self.name} was not found ({_describe(exc)}): is it plugged in and switched on?"
            ) from exc
        return device

    def _escpos_status(self) -> PrinterStatus:
        try:
            device = self._open_usb() if self.target.kind == "usb" else self._open_serial()
        except PrinterUnavailable as exc:
            return PrinterStatus("offline", str(exc))
        try:
            return _ask_status(device.query_status)
        finally:
            with contextlib.suppress(Exception):
                device.close()

    def _send_file(self, data: bytes) -> None:
        path = self.target.device
        flags = os.O_WRONLY | os.O_APPEND | os.O_NONBLOCK | (0 if _is_device_path(path) else os.O_CREAT)
        try:
            fd = os.open(path, flags, 0o644)
        except OSError as exc:
            raise PrinterUnavailable(f"{self.name} cannot be opened ({_describe(exc)}): is it connected?") from exc
        sent = [0]
        try:
            _write_all(fd, data, self.target.timeout, sent)
        except TimeoutError:
            raise self._unknown(f"took no more of it for {self.target.timeout:g} s", sent[0], len(data)) from None
        except OSError as exc:
            raise self._unknown(f"failed while writing ({_describe(exc)})", sent[0], len(data)) from exc
        finally:
            os.close(fd)

    def _file_status(self) -> PrinterStatus:
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


def _ask_status(query: Callable[[bytes], bytes]) -> PrinterStatus:
    """DLE EOT 1, then 4, then 2 if offline; `query` sends a request and returns the answer (b"" for none)."""
    online = query(RT_STATUS_ONLINE)
    if not _is_status_byte(online):
        return decode_status(online, b"")
    paper = query(RT_STATUS_PAPER)
    cause = query(RT_STATUS_CAUSE) if online[0] & _OFFLINE else b""
    return decode_status(online, paper, cause)


def _tcp_query(sock: socket.socket, request: bytes) -> bytes:
    try:
        sock.sendall(request)
        return sock.recv(1)
    except (TimeoutError, OSError):
        return b""


# -- helpers -------------------------------------------------------------------------------


def _await_close(sock: socket.socket, timeout: float) -> None:
    """Read (and drop) what the printer sends back until it closes; TimeoutError after `timeout` s of silence."""
    deadline = time.monotonic() + max(timeout, 0.1) * 4  # a chatty printer must not keep the job forever
    while time.monotonic() < deadline:
        if not sock.recv(4096):
            return
    raise TimeoutError


def _unacknowledged(sock: socket.socket) -> int | None:
    """Bytes the printer's TCP stack has not yet acknowledged (Linux's SIOCOUTQ); None where unknown."""
    try:
        raw = fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, struct.pack("i", 0))
    except OSError:
        return None
    return int(struct.unpack("i", raw)[0])


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


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        code = errno.errorcode.get(exc.errno or 0, "")
        return f"{exc.strerror}{f' [{code}]' if code else ''}"
    return str(exc) or type(exc).__name__
