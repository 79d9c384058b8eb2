"""A recording ESC/POS network printer on 127.0.0.1, for tests with real sockets.

A printer listens on port 9100; the emulator listens on a free port instead
(port 0), since a fixed port collides when test runs go in parallel. Use it as
a context manager::

    with EscposEmulator("record", status="near_end") as printer:
        ReceiptPrinter(printer.target(timeout=1.0)).submit("J1", "receipt", data)
        assert printer.wait_for(1) == [data]

Modes:

- "record": accept, read until the client closes, keep the bytes of each
  connection, answer the real-time requests DLE EOT n with the status bytes
  (`status`: a preset name or {n: byte}; "silent" answers nothing);
- "refuse": nothing listens; the port is held by a bound socket that never
  listens, so connecting is refused and no other program can take the port;
- "never_read": accept and never read, with a small receive buffer so that
  the client's send fills quickly and then stalls;
- "drop_mid_job": read `drop_after` bytes, then reset the connection (RST,
  via SO_LINGER 0), as a printer that crashes or is switched off mid-slip;
- "keep_open": as "record", but never close the connection after the client
  has finished sending (some printers wait for the client to close).

Every thread is a daemon, every wait is bounded, and leaving the `with` block
stops them all and closes every socket.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal, Self

from printing.uri import ReceiptTarget

Mode = Literal["record", "refuse", "never_read", "drop_mid_job", "keep_open"]
StatusPreset = Literal["ok", "near_end", "paper_out", "offline", "silent"]

# Answers to DLE EOT 1 (printer), 2 (offline cause), 3 (error cause) and 4 (roll paper sensor).
# Every answer byte has the fixed bits 0xx1xx10 (0x12) set as the ESC/POS manual draws them.
STATUS_BYTES: dict[str, dict[int, int]] = {
    "ok": {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12},
    "near_end": {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x1E},  # paper sensor bits 2-3: near end
    "paper_out": {1: 0x1A, 2: 0x32, 3: 0x12, 4: 0x7E},  # offline (bit 3), stopped at paper end, bits 5-6 set
    "offline": {1: 0x1A, 2: 0x16, 3: 0x12, 4: 0x12},  # offline (bit 3) because the cover is open (bit 2)
    "silent": {},
}
DLE_EOT = b"\x10\x04"
POLL_SECONDS = 0.05  # how often blocked loops look at the stop flag
SMALL_BUFFER = 4096  # SO_RCVBUF for "never_read" (Linux doubles it and keeps a floor)


@dataclass
class Connection:
    """One accepted connection: the bytes received and whether it has ended."""

    data: bytearray = field(default_factory=bytearray)
    ended: threading.Event = field(default_factory=threading.Event)


class EscposEmulator:
    """A fake network receipt printer on 127.0.0.1 and a free port; see the module docstring."""

    def __init__(
        self,
        mode: Mode = "record",
        *,
        status: StatusPreset | Mapping[int, int] = "ok",
        drop_after: int = 1024,
        max_seconds: float = 30.0,
    ) -> None:
        self.mode = mode
        self.status = dict(STATUS_BYTES[status] if isinstance(status, str) else status)
        self.drop_after = drop_after
        self.max_seconds = max_seconds  # no connection is served longer than this
        self.host = "127.0.0.1"
        self.port = 0
        self.connections: list[Connection] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._sockets: list[socket.socket] = []
        self._server: socket.socket | None = None

    # -- life cycle ----------------------------------------------------------------------------

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def start(self) -> None:
        """Bind a free port and, unless refusing, serve it from a daemon thread."""
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if self.mode == "never_read":  # accepted sockets inherit it; set before listen() to shrink the window
            server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SMALL_BUFFER)
        server.bind((self.host, 0))
        self.port = server.getsockname()[1]
        self._server = server
        if self.mode == "refuse":
            return  # bound, never listening: connections are refused (RST), and the port stays ours
        server.listen(8)
        server.settimeout(POLL_SECONDS)
        self._spawn(self._accept_loop)

    def stop(self) -> None:
        """Stop every thread and close every socket; waits at most a few seconds."""
        self._stop.set()
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout=2.0)
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in [*sockets, *([self._server] if self._server else [])]:
            sock.close()

    # -- what tests look at --------------------------------------------------------------------

    @property
    def uri(self) -> str:
        """The printer setting naming this emulator."""
        return f"tcp://{self.host}:{self.port}"

    def target(self, **options: Any) -> ReceiptTarget:
        """A ReceiptTarget for this emulator (`timeout=1.0`, `width="80mm"`, `text="raster"`...)."""
        return ReceiptTarget("tcp", host=self.host, port=self.port, **options)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[bytes]:
        """The bytes of the first `count` connections once they have ended; AssertionError after `timeout` s."""
        deadline, ended = time.monotonic() + timeout, []
        while time.monotonic() < deadline:
            with self._lock:
                ended = [c for c in self.connections if c.ended.is_set()]
            if len(ended) >= count:
                return [bytes(c.data) for c in ended[:count]]
            time.sleep(POLL_SECONDS / 5)
        raise AssertionError(f"the emulator saw {len(ended)} ended connection(s), not {count}, in {timeout:g} s")

    # -- serving -------------------------------------------------------------------------------

    def _spawn(self, target: Any, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True, name=f"escpos-emulator-{self.port}")
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        assert self._server is not None
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # closed by stop()
            connection = Connection()
            with self._lock:
                self.connections.append(connection)
                self._sockets.append(client)
            client.settimeout(POLL_SECONDS)
            self._spawn(self._serve, client, connection)

    def _serve(self, client: socket.socket, connection: Connection) -> None:
        try:
            if self.mode == "never_read":
                self._stop.wait(self.max_seconds)
            else:
                self._read(client, connection)
        finally:
            connection.ended.set()
            self._close(client)

    def _read(self, client: socket.socket, connection: Connection) -> None:
        deadline = time.monotonic() + self.max_seconds
        while not self._stop.is_set() and time.monotonic() < deadline:
            try:
                chunk = client.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            if not chunk:
                if self.mode == "keep_open":
                    self._stop.wait(max(deadline - time.monotonic(), 0))
                return
            self._take(client, connection, chunk)
            if self.mode == "drop_mid_job" and len(connection.data) >= self.drop_after:
                del connection.data[self.drop_after :]
                _reset(client)
                return

    def _take(self, client: socket.socket, connection: Connection, chunk: bytes) -> None:
        """Keep the bytes; answer each DLE EOT n that arrived in them (one may straddle two chunks)."""
        scan_from = max(len(connection.data) - 2, 0)
        connection.data += chunk
        position = connection.data.find(DLE_EOT, scan_from)
        while 0 <= position < len(connection.data) - 2:
            answer = self.status.get(connection.data[position + 2])
            if answer is not None:
                with contextlib.suppress(OSError):  # the client may be gone already
                    client.sendall(bytes([answer]))
            position = connection.data.find(DLE_EOT, position + 3)

    def _close(self, client: socket.socket) -> None:
        with self._lock:
            if client in self._sockets:
                self._sockets.remove(client)
        client.close()


def _reset(client: socket.socket) -> None:
    """Close with RST instead of FIN: the client's next send or receive fails with ECONNRESET."""
    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    client.close()
