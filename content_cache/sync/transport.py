"""Where a feed is read from: an HTTP(S) server, a folder (a USB stick), or a zip bundle.

Every transport reads a file by its path in the feed and returns its bytes,
bounded by a byte limit. The HTTP transport adds conditional requests for the
manifest, retries with backoff, and resumable downloads kept in a staging
folder, so a rerun after a failure or a kill fetches only what is missing.
"""

from __future__ import annotations

import hashlib
import json
import lzma
import re
import shutil
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Protocol, TypeVar

import httpx

from content_cache.feed._write import write_atomic
from content_cache.feed.errors import FeedError, FileMismatch, LimitExceeded, NotAFeed
from content_cache.feed.format import FileRef

_T = TypeVar("_T")
_ENCRYPTED = 0x1  # the zip general-purpose flag of an encrypted member
_STAGED = re.compile(r"[0-9a-f]{64}\.(done|part)")  # used with fullmatch
_KEPT = frozenset({"manifest.json", "manifest.sig", "validators.json"})


class TransportError(FeedError):
    """The feed could not be read: a server error, a lost connection, a missing file."""


class Transport(Protocol):
    """Reads the files of one feed."""

    def describe(self) -> str:
        """Where the feed comes from, for messages and the run log."""

    def read(self, path: str, max_bytes: int, ref: FileRef | None = None) -> bytes:
        """The bytes of the file at `path`, at most `max_bytes` of them."""

    def manifest_unchanged(self) -> bool:
        """True when the source says the manifest is the one read last time (HTTP 304)."""

    @property
    def bytes_read(self) -> int:
        """Bytes read from the source so far (downloaded, for HTTP)."""

    def close(self) -> None:
        """Release connections and open files."""


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:300]


def _safe_parts(path: str) -> tuple[str, ...]:
    pure = PurePosixPath(path)
    if pure.is_absolute() or "\\" in path or any(p in ("..", "") for p in pure.parts):
        raise TransportError(f"{path}: unsafe path in the feed (absolute, '..' or backslash)")
    return pure.parts


class _LocalTransport:
    """What a folder and a bundle share: no conditional requests, a byte count."""

    _read = 0

    @property
    def bytes_read(self) -> int:
        return self._read

    def manifest_unchanged(self) -> bool:
        return False

    def close(self) -> None:
        pass


class FolderTransport(_LocalTransport):
    """A feed in a folder: a USB stick, or a mirror on disk."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def describe(self) -> str:
        return f"folder {self.root}"

    def read(self, path: str, max_bytes: int, ref: FileRef | None = None) -> bytes:
        target = self.root.joinpath(*_safe_parts(path)).resolve()
        if not target.is_relative_to(self.root):
            raise TransportError(f"{path}: leaves the feed folder {self.root}")
        try:
            size = target.stat().st_size
            if size > max_bytes:
                raise LimitExceeded(f"{path}: {size} bytes, over the limit of {max_bytes}")
            data = target.read_bytes()
        except FileNotFoundError:
            raise TransportError(f"{path}: not found in {self.root}") from None
        except OSError as exc:
            raise TransportError(f"{path}: cannot read from {self.root}: {exc.strerror or exc}") from None
        self._read += len(data)
        return data


class ZipTransport(_LocalTransport):
    """A feed packed in one zip file (an offline bundle)."""

    def __init__(self, bundle: Path) -> None:
        self.bundle = bundle
        try:
            self._zip = zipfile.ZipFile(bundle)
        except (OSError, zipfile.BadZipFile, EOFError, ValueError) as exc:
            raise TransportError(f"{bundle}: not a readable zip bundle ({_first_line(exc)})") from None
        prefix = _common_prefix(self._zip.namelist())
        self._names: dict[str, zipfile.ZipInfo] = {}
        for info in self._zip.infolist():
            if info.is_dir():
                continue
            _safe_parts(info.filename)
            self._names[info.filename.removeprefix(prefix)] = info

    def describe(self) -> str:
        return f"bundle {self.bundle}"

    def read(self, path: str, max_bytes: int, ref: FileRef | None = None) -> bytes:
        _safe_parts(path)
        info = self._names.get(path)
        if info is None:
            raise TransportError(f"{path}: not found in the bundle {self.bundle}")
        if info.file_size > max_bytes:
            raise LimitExceeded(f"{path}: {info.file_size} bytes, over the limit of {max_bytes}")
        if info.flag_bits & _ENCRYPTED:
            raise TransportError(f"{path}: encrypted in the bundle {self.bundle}; a feed bundle must be an "
                                 "ordinary zip without a password")  # fmt: skip
        try:
            with self._zip.open(info) as member:
                data = member.read(max_bytes + 1)
        except NotImplementedError:  # zipfile's word for a compression method it cannot unpack
            raise TransportError(f"{path}: packed in the bundle {self.bundle} with a compression method this kiosk "
                                 f"cannot unpack (method {info.compress_type}); pack the bundle with ordinary zip "
                                 "(deflate)") from None  # fmt: skip
        except (OSError, zipfile.BadZipFile, EOFError, RuntimeError, ValueError, zlib.error, lzma.LZMAError) as exc:
            raise TransportError(f"{path}: damaged in the bundle {self.bundle} ({_first_line(exc)})") from None
        if len(data) > max_bytes:
            raise LimitExceeded(f"{path}: over the limit of {max_bytes} bytes")
        self._read += len(data)
        return data

    def close(self) -> None:
        self._zip.close()


def _common_prefix(names: list[str]) -> str:
    """A bundle zipped with its folder ("feed/manifest.json") reads as if it had none."""
    manifest = [n for n in names if n.endswith("manifest.json")]
    if len(manifest) == 1 and manifest[0] != "manifest.json":
        return manifest[0].removesuffix("manifest.json")
    return ""


@dataclass(frozen=True, slots=True)
class HttpPolicy:
    """Timeouts and retries of the HTTP transport."""

    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    file_deadline: float = 600.0  # one file may take at most this long, however it trickles
    attempts: int = 4
    backoff: float = 0.5  # seconds before the first retry; doubles each time


@dataclass
class HttpTransport:
    """A feed on a web server or CDN, read with httpx."""

    base_url: str
    staging: Path
    policy: HttpPolicy = field(default_factory=HttpPolicy)
    sleep: Callable[[float], None] = time.sleep
    transport: httpx.BaseTransport | None = None
    _read: int = 0
    _unchanged: bool = False
    _pending_validators: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/") + "/"
        if self.staging.is_file() or self.staging.is_symlink() and not self.staging.is_dir():
            self.staging.unlink()  # staging is the kiosk's own; a file in its place would stop every sync
        self.staging.mkdir(parents=True, exist_ok=True)
        self._revalidate_staging()
        timeout = httpx.Timeout(self.policy.read_timeout, connect=self.policy.connect_timeout)
        self._client = httpx.Client(timeout=timeout, transport=self.transport, follow_redirects=True)

    def describe(self) -> str:
        return self.base_url

    @property
    def bytes_read(self) -> int:
        return self._read

    def manifest_unchanged(self) -> bool:
        return self._unchanged

    def close(self) -> None:
        self._client.close()

    # conditional requests for the manifest

    @property
    def _validators_file(self) -> Path:
        return self.staging / "validators.json"

    def _validators(self) -> dict[str, str]:
        try:
            data = json.loads(self._validators_file.read_text("utf-8"))
            return {k: str(v) for k, v in data.items()} if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def remember_manifest(self, manifest: bytes, signatures: bytes) -> None:
        """Keep the verified manifest and its validators, for If-None-Match next time; the applied
        downloads are no longer needed."""
        write_atomic(self.staging / "manifest.json", manifest)
        write_atomic(self.staging / "manifest.sig", signatures)
        write_atomic(self._validators_file, json.dumps(self._pending_validators).encode("utf-8"))
        for staged in self.staging.iterdir():
            if _STAGED.fullmatch(staged.name) and not staged.is_dir():
                staged.unlink(missing_ok=True)

    def forget_manifest(self) -> None:
        """Drop the kept manifest and its validators, so the next read fetches the manifest in full."""
        for name in _KEPT:
            (self.staging / name).unlink(missing_ok=True)
        self._unchanged = False

    # the staging folder

    def _revalidate_staging(self) -> None:
        """What an interrupted run left: a finished download is kept only when its bytes have the SHA-256 its
        name gives; a partial one is kept to resume (its hash is checked when it completes); the rest goes."""
        for staged in self.staging.iterdir():
            name = staged.name
            plain = staged.is_file() and not staged.is_symlink()
            if plain and (name in _KEPT or (_STAGED.fullmatch(name) and name.endswith(".part"))):
                continue
            if plain and _STAGED.fullmatch(name) and _sha256_of(staged) == name.removesuffix(".done"):
                continue
            if staged.is_dir() and not staged.is_symlink():
                shutil.rmtree(staged, ignore_errors=True)
            else:
                staged.unlink(missing_ok=True)

    def read(self, path: str, max_bytes: int, ref: FileRef | None = None) -> bytes:
        _safe_parts(path)
        if path == "manifest.json":
            return self._read_manifest(max_bytes)
        if path == "manifest.sig" and self._unchanged:
            return (self.staging / "manifest.sig").read_bytes()
        if ref is not None:
            return self._read_resumable(path, max_bytes, ref)
        return self._retrying(path, lambda: self._get(path, max_bytes, {})[1])

    def _read_manifest(self, max_bytes: int) -> bytes:
        kept = self.staging / "manifest.json"
        headers: dict[str, str] = {}
        if kept.exists() and (self.staging / "manifest.sig").exists():
            old = self._validators()
            if "etag" in old:
                headers["If-None-Match"] = old["etag"]
            if "last-modified" in old:
                headers["If-Modified-Since"] = old["last-modified"]
        response, data = self._retrying("manifest.json", lambda: self._get("manifest.json", max_bytes, headers))
        self._unchanged = response.status_code == 304
        if self._unchanged:
            return kept.read_bytes()
        self._pending_validators = {k: response.headers[k] for k in ("etag", "last-modified") if k in response.headers}
        return data

    def _read_resumable(self, path: str, max_bytes: int, ref: FileRef) -> bytes:
        """Files named by the manifest are staged under their SHA-256 and resumed with Range.

        A staged file is used only when its bytes have the manifest's SHA-256; a
        download that does not is deleted, so a bad copy is never kept or reused.
        """
        if ref.size > max_bytes:
            raise LimitExceeded(f"{path}: {ref.size} bytes, over the limit of {max_bytes}")
        done = self.staging / f"{ref.sha256}.done"
        if done.exists():
            data = done.read_bytes()
            if _matches(data, ref):
                return data
            done.unlink()
        part = self.staging / f"{ref.sha256}.part"
        resumed = part.exists() and 0 < part.stat().st_size < ref.size
        data = self._retrying(path, lambda: self._fetch_part(path, part, ref))
        if not _matches(data, ref) and resumed:  # the kept part may be what is wrong: once more, from the start
            part.unlink(missing_ok=True)
            data = self._retrying(path, lambda: self._fetch_part(path, part, ref))
        if not _matches(data, ref):
            part.unlink(missing_ok=True)
            raise FileMismatch(
                f"{path}: the download from {self.base_url} differs from the signed manifest "
                f"({len(data):,} bytes, expected {ref.size:,} with its SHA-256); the copy was deleted and the next "
                "sync fetches it again. If this repeats, the server or a proxy holds a damaged copy"
            )
        part.replace(done)
        return data

    def _fetch_part(self, path: str, part: Path, ref: FileRef) -> bytes:
        """Complete `part` (resuming what it holds) and return its bytes."""
        have = part.stat().st_size if part.exists() else 0
        if have >= ref.size:
            part.unlink()
            have = 0
        headers = {"Range": f"bytes={have}-"} if have else {}
        try:
            with part.open("ab") as sink:
                self._get(path, ref.size, headers, sink=sink, offset=have)
        finally:
            if part.exists() and not part.stat().st_size:
                part.unlink()  # nothing came: nothing to resume
        return part.read_bytes()

    def _get(
        self,
        path: str,
        max_bytes: int,
        headers: dict[str, str],
        *,
        sink: BinaryIO | None = None,
        offset: int = 0,
    ) -> tuple[httpx.Response, bytes]:
        """One GET; the body goes to `sink` as it arrives (so a broken transfer can resume) or to memory."""
        deadline = time.monotonic() + self.policy.file_deadline
        with self._client.stream("GET", self.base_url + path, headers=headers) as response:
            if response.status_code == 304:
                return response, b""
            if response.status_code == 404:
                raise TransportError(f"{path}: not found on {self.base_url} (HTTP 404)")
            if response.status_code >= 400:
                raise _Retryable(f"{path}: the server answered HTTP {response.status_code}")
            # A page served as one (a captive portal's login, a proxy's error) is said to be one, and never
            # staged; the type alone is not enough, as a careless server may label any file text/html.
            web_page = response.headers.get("content-type", "").lower().startswith(("text/html", "application/xhtml"))
            if sink is not None and offset and response.status_code != 206:
                sink.seek(0)
                sink.truncate()  # the server ignored Range: take the whole file
                offset = 0
            chunks: list[bytes] = []
            size = offset
            for chunk in response.iter_bytes():
                if web_page and size == offset and chunk.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
                    raise NotAFeed(
                        f"{path}: the source answered with a web page, not a feed (a Wi-Fi login page or a proxy's "
                        f"error page?); check the network and the feed address {self.base_url}"
                    )
                size += len(chunk)
                self._read += len(chunk)
                if size > max_bytes:
                    raise LimitExceeded(f"{path}: the server sent more than {max_bytes} bytes")
                if time.monotonic() > deadline:
                    raise _Retryable(f"{path}: took longer than {self.policy.file_deadline:.0f} s")
                if sink is not None:
                    sink.write(chunk)
                else:
                    chunks.append(chunk)
            return response, b"".join(chunks)

    def _retrying(self, path: str, call: Callable[[], _T]) -> _T:
        delay = self.policy.backoff
        for attempt in range(1, self.policy.attempts + 1):
            try:
                return call()
            except (_Retryable, httpx.TransportError) as exc:
                if attempt == self.policy.attempts:
                    raise TransportError(f"{path}: {_describe(exc)} (gave up after {attempt} tries)") from None
                self.sleep(delay)
                delay *= 2
            except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:  # asking again gives the same
                raise TransportError(f"{path}: {_describe(exc)}") from None
        raise AssertionError("unreachable")


class _Retryable(Exception):
    """A failure worth trying again: a 5xx answer or a stalled transfer."""


def _describe(exc: Exception) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "the server did not answer in time"
    if isinstance(exc, httpx.TooManyRedirects):
        return "the server sends the request round in redirects without end; check the feed address"
    if isinstance(exc, httpx.DecodingError):
        return "the server sent a body it says is compressed, but it does not unpack (a bad Content-Encoding)"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"connection failed: the server broke off the answer ({_first_line(exc)})"
    if isinstance(exc, (httpx.TransportError, httpx.HTTPError)):
        return f"connection failed ({type(exc).__name__}: {_first_line(exc)})"
    return _first_line(exc)


def _matches(data: bytes, ref: FileRef) -> bool:
    return len(data) == ref.size and hashlib.sha256(data).hexdigest() == ref.sha256


def _sha256_of(path: Path) -> str:
    try:
        with path.open("rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError:
        return ""


def open_transport(source: str, staging: Path) -> Transport:
    """The transport for a source setting: an http(s) URL, a .zip bundle, or a folder."""
    if source.startswith(("http://", "https://")):
        return HttpTransport(source, staging)
    path = Path(source).expanduser()
    if path.suffix.lower() == ".zip" or path.is_file():
        return ZipTransport(path)
    if path.is_dir():
        return FolderTransport(path)
    raise TransportError(f"the feed source {source!r} is not a URL, a zip bundle or a folder")
