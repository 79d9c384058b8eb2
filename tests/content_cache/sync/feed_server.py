"""A feed server on 127.0.0.1 for the sync tests: static files, ETag/304, Range/206, and faults on demand.

It stops by itself: `serve()` is a context manager, and every fault that
stalls (a body that never ends) is bounded by the test's client timeouts and
the server's own `stall_seconds`.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Literal

Fault = Literal[
    "404",
    "500",
    "reset",
    "endless",
    "drop-half",
    "redirect-loop",
    "bad-encoding",
    "portal",
    "stall",
    "wrong-bytes",
    "html-label",
]
PORTAL_PAGE = b"<!DOCTYPE html><html><head><title>Wi-Fi login</title></head><body>Please log in</body></html>"


@dataclass
class FeedServer:
    """What the server serves and which faults it plays; `requests` logs (method, path, status)."""

    root: Path
    faults: dict[str, Fault] = field(default_factory=dict)
    fault_times: dict[str, int] = field(default_factory=dict)  # how many requests a fault applies to
    stall_seconds: float = 5.0
    requests: list[tuple[str, str, int]] = field(default_factory=list)
    url: str = ""

    def fault_for(self, path: str) -> Fault | None:
        fault = self.faults.get(path)
        if fault is None:
            return None
        left = self.fault_times.get(path)
        if left is not None:
            if left <= 0:
                return None
            self.fault_times[path] = left - 1
        return fault

    def bytes_sent_for(self, path: str) -> list[int]:
        return [status for _m, p, status in self.requests if p == path]


def _handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # quiet
            pass

        def do_GET(self) -> None:  # http.server's name
            path = self.path.lstrip("/").split("?")[0]
            fault = server.fault_for(path)
            if fault in ("404", "500"):
                self._status(int(fault))
                return
            if fault == "redirect-loop":
                server.requests.append(("GET", path, 302))
                self.send_response(302)
                self.send_header("Location", "/" + path)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if fault == "portal":
                self._send(path, 200, PORTAL_PAGE, {"Content-Type": "text/html; charset=utf-8"})
                return
            if fault == "bad-encoding":
                self._send(path, 200, b"this is not gzip at all" * 10, {"Content-Encoding": "gzip"})
                return
            if fault == "stall":
                server.requests.append(("GET", path, 200))
                self.send_response(200)
                self.send_header("Content-Length", "1000")
                self.end_headers()
                self.wfile.flush()
                time.sleep(server.stall_seconds)
                return
            if fault == "reset":
                server.requests.append(("GET", path, 0))
                self.connection.shutdown(2)
                return
            target = (server.root / path).resolve()
            if not target.is_relative_to(server.root.resolve()) or not target.is_file():
                self._status(404)
                return
            data = target.read_bytes()
            if fault == "wrong-bytes":  # the right size, other bytes: a damaged cache or proxy
                data = bytes(b ^ 0x5A for b in data)
            etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                self._status(304, etag)
                return
            if fault == "endless":
                self._endless(path)
                return
            start = self._range_start(len(data))
            body = data[start:]
            status = 206 if start else 200
            server.requests.append(("GET", path, status))
            self.send_response(status)
            self.send_header("ETag", etag)
            if fault == "html-label":  # a careless server: the right bytes, labelled as a web page
                self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            if start:
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            self.end_headers()
            if fault == "drop-half":
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.connection.shutdown(2)
                return
            self.wfile.write(body)

        def _send(self, path: str, status: int, body: bytes, headers: dict[str, str]) -> None:
            server.requests.append(("GET", path, status))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _range_start(self, size: int) -> int:
            header = self.headers.get("Range", "")
            if header.startswith("bytes=") and header.endswith("-"):
                start = int(header[6:-1])
                return start if 0 < start < size else 0
            return 0

        def _status(self, code: int, etag: str = "") -> None:
            server.requests.append(("GET", self.path.lstrip("/"), code))
            self.send_response(code)
            if etag:
                self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _endless(self, path: str) -> None:
            """Headers, then a trickle that never completes (until stall_seconds pass)."""
            server.requests.append(("GET", path, 200))
            self.send_response(200)
            self.send_header("Content-Length", str(10**9))
            self.end_headers()
            deadline = time.monotonic() + server.stall_seconds
            try:
                while time.monotonic() < deadline:
                    self.wfile.write(b"x" * 64)
                    self.wfile.flush()
                    time.sleep(0.05)
            except OSError:
                pass

    return Handler


@contextmanager
def serve(root: Path) -> Iterator[FeedServer]:
    """Serve `root` on 127.0.0.1 (a free port) until the block ends."""
    state = FeedServer(root)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
