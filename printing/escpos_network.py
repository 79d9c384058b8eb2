"""ESC/POS receipt printers on the network: TCP, port 9100 (python-escpos's `Network`, done here with a bounded
wait at each step).

The slip is sent in pieces, each bounded by the target's timeout, so a printer
that accepts and never reads ends the job in bounded time. Then, as CUPS's
socket backend does, the sending side is shut down and the printer's close
awaited: only a clean close (or a send queue the printer's TCP stack has
acknowledged in full) counts as delivered.
"""

from __future__ import annotations

import fcntl
import socket
import struct
import termios
import time

from printing.base import PrinterStatus
from printing.errors import PrinterUnavailable
from printing.escpos_printer import CHUNK, STATUS_READ_SECONDS, ReceiptPrinter, ask_status, describe

__all__ = ["NetworkReceiptPrinter"]


class NetworkReceiptPrinter(ReceiptPrinter):
    """A receipt printer at tcp://HOST:PORT."""

    kind = "tcp"

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

    def _send(self, data: bytes) -> None:
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
                    raise self.unknown(f"took no more of it for {timeout:g} s", sent, len(data)) from None
                if _unacknowledged(sock) != 0:
                    raise self.unknown("did not confirm the end of it", sent, len(data)) from None
            except OSError as exc:
                raise self.unknown(f"dropped the connection ({describe(exc)})", sent, len(data)) from exc

    def _status(self) -> PrinterStatus:
        try:
            sock = self._connect(self.target.timeout)
        except PrinterUnavailable as exc:
            return PrinterStatus("offline", str(exc))
        with sock:
            sock.settimeout(min(self.target.timeout, STATUS_READ_SECONDS))
            return ask_status(lambda request: _query(sock, request))


def _query(sock: socket.socket, request: bytes) -> bytes:
    try:
        sock.sendall(request)
        return sock.recv(1)
    except (TimeoutError, OSError):
        return b""


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
