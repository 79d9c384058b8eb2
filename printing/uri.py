"""Printer settings in URI form, parsed strictly: a malformed one is refused with the setting's name.

Document printers (A4 copies)::

    cups://QUEUE                  a CUPS queue on this machine (`lpstat -p` lists them)
    spool://DIR                   a folder; a relative DIR is under KIOSK_HOME, `spool://` alone is KIOSK_HOME/spool

Receipt printers (slips), each with the options `profile=58mm|80mm` (paper width,
default 58mm) and `text=gb18030|raster` (Chinese character mode, or text drawn as
an image for printers without Chinese fonts; default gb18030)::

    tcp://HOST:PORT               a network printer (port 9100 when left out); option timeout=SECONDS
    usb://VID:PID                 a USB printer by its vendor and product id in hex (`lsusb`)
    serial:///dev/ttyUSB0         a serial printer; option baudrate=19200 (default 9600)
    file:///dev/usb/lp0           a device or file the bytes are written to
    spool://DIR                   a folder, as for documents
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qsl, urlsplit

from printing.document import ReceiptWidth
from printing.errors import PrinterConfigError

DocumentKind = Literal["cups", "spool"]
ReceiptKind = Literal["tcp", "usb", "serial", "file", "spool"]
TextMode = Literal["gb18030", "raster"]

DEFAULT_PORT = 9100
DEFAULT_BAUDRATE = 9600
DEFAULT_TIMEOUT = 5.0
_QUEUE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")  # CUPS queue names: no spaces, slashes or '#'
_HEX_ID = re.compile(r"(?:0x)?([0-9A-Fa-f]{1,4})")
_BAUDRATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)


@dataclass(frozen=True, slots=True)
class DocumentTarget:
    """Where A4 copies go: a CUPS queue or a spool folder."""

    kind: DocumentKind
    queue: str = ""
    folder: Path | None = None

    def __str__(self) -> str:
        return f"cups://{self.queue}" if self.kind == "cups" else f"spool://{self.folder}"


@dataclass(frozen=True, slots=True)
class ReceiptTarget:
    """Where slips go, with the paper width and how Chinese text is sent."""

    kind: ReceiptKind
    width: ReceiptWidth = "58mm"
    text: TextMode = "gb18030"
    host: str = ""
    port: int = DEFAULT_PORT
    timeout: float = DEFAULT_TIMEOUT
    vendor_id: int = 0
    product_id: int = 0
    device: str = ""  # serial device or file path
    baudrate: int = DEFAULT_BAUDRATE
    folder: Path | None = None

    def __str__(self) -> str:
        where = {
            "tcp": f"tcp://{self.host}:{self.port}",
            "usb": f"usb://{self.vendor_id:04x}:{self.product_id:04x}",
            "serial": f"serial://{self.device}?baudrate={self.baudrate}",
            "file": f"file://{self.device}",
            "spool": f"spool://{self.folder}",
        }[self.kind]
        return f"{where}{'&' if '?' in where else '?'}profile={self.width}&text={self.text}"


def parse_document(value: str, setting: str, home: Path) -> DocumentTarget:
    """The document printer a setting names; PrinterConfigError names the setting and what is wrong."""
    scheme, rest, options = _split(value, setting, ("cups", "spool"))
    _no_options(options, setting, allowed=())
    if scheme == "spool":
        return DocumentTarget("spool", folder=_folder(rest, home))
    if not _QUEUE.fullmatch(rest):
        raise PrinterConfigError(
            f"{setting}: {value!r} does not name a CUPS queue (cups://QUEUE, as `lpstat -p` lists)"
        )
    return DocumentTarget("cups", queue=rest)


def parse_receipt(value: str, setting: str, home: Path) -> ReceiptTarget:
    """The receipt printer a setting names; PrinterConfigError names the setting and what is wrong."""
    scheme, rest, options = _split(value, setting, ("tcp", "usb", "serial", "file", "spool"))
    allowed = {"tcp": ("timeout",), "serial": ("baudrate",)}.get(scheme, ())
    _no_options(options, setting, allowed=("profile", "text", *allowed))
    width = options.get("profile", "58mm")
    if width not in ("58mm", "80mm"):
        raise PrinterConfigError(f"{setting}: profile must be 58mm or 80mm, not {width!r}")
    text = options.get("text", "gb18030")
    if text not in ("gb18030", "raster"):
        raise PrinterConfigError(f"{setting}: text must be gb18030 or raster, not {text!r}")
    common = {"width": width, "text": text}
    if scheme == "spool":
        return ReceiptTarget("spool", folder=_folder(rest, home), **common)  # type: ignore[arg-type]
    if scheme == "tcp":
        host, port = _host_port(rest, setting)
        timeout = _number(options.get("timeout", str(DEFAULT_TIMEOUT)), setting, "timeout", 0.1, 600)
        return ReceiptTarget("tcp", host=host, port=port, timeout=timeout, **common)  # type: ignore[arg-type]
    if scheme == "usb":
        vendor, product = _usb_ids(rest, setting)
        return ReceiptTarget("usb", vendor_id=vendor, product_id=product, **common)  # type: ignore[arg-type]
    if not rest.startswith("/"):
        raise PrinterConfigError(f"{setting}: {scheme}:// needs an absolute device path, as {scheme}:///dev/…")
    if scheme == "serial":
        baudrate = int(_number(options.get("baudrate", str(DEFAULT_BAUDRATE)), setting, "baudrate", 1200, 115200))
        if baudrate not in _BAUDRATES:
            raise PrinterConfigError(f"{setting}: baudrate must be one of {', '.join(map(str, _BAUDRATES))}")
        return ReceiptTarget("serial", device=rest, baudrate=baudrate, **common)  # type: ignore[arg-type]
    return ReceiptTarget("file", device=rest, **common)  # type: ignore[arg-type]


def _split(value: str, setting: str, schemes: tuple[str, ...]) -> tuple[str, str, dict[str, str]]:
    """Scheme, the rest (host or path, as written) and the options of a printer URI."""
    usage = " or ".join(f"{s}://…" for s in schemes)
    if not value or "://" not in value:
        raise PrinterConfigError(f"{setting}: {value!r} is not a printer URI; expected {usage}")
    if any(ord(ch) < 32 for ch in value):
        raise PrinterConfigError(f"{setting}: the URI holds a control character")
    parts = urlsplit(value)
    scheme = parts.scheme.lower()
    if scheme not in schemes:
        raise PrinterConfigError(f"{setting}: unknown printer kind {parts.scheme!r} in {value!r}; expected {usage}")
    if parts.fragment:
        raise PrinterConfigError(f"{setting}: {value!r} has a '#' part, which no printer URI takes")
    try:
        pairs = parse_qsl(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError:
        raise PrinterConfigError(f"{setting}: cannot read the options {parts.query!r} (name=value&…)") from None
    options: dict[str, str] = {}
    for name, option in pairs:
        if name in options:
            raise PrinterConfigError(f"{setting}: the option {name} is given twice")
        options[name] = option
    return scheme, parts.netloc + parts.path, options


def _no_options(options: dict[str, str], setting: str, *, allowed: tuple[str, ...]) -> None:
    for name in options:
        if name not in allowed:
            takes = f"takes only {', '.join(allowed)}" if allowed else "takes no options"
            raise PrinterConfigError(f"{setting}: unknown option {name!r}; this printer kind {takes}")


def _folder(rest: str, home: Path) -> Path:
    path = Path(rest).expanduser() if rest else Path("spool")
    return path if path.is_absolute() else home / path


def _host_port(rest: str, setting: str) -> tuple[str, int]:
    parts = urlsplit(f"//{rest}")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        raise PrinterConfigError(f"{setting}: the port in tcp://{rest} is not a number from 1 to 65535") from None
    if not host or parts.path or parts.username or parts.password:
        raise PrinterConfigError(f"{setting}: tcp:// needs a host and an optional port, as tcp://192.168.1.50:9100")
    if port == 0:
        raise PrinterConfigError(f"{setting}: the port in tcp://{rest} is not a number from 1 to 65535")
    return host, port or DEFAULT_PORT


def _usb_ids(rest: str, setting: str) -> tuple[int, int]:
    ids = rest.split(":")
    matches = [_HEX_ID.fullmatch(part) for part in ids]
    if len(ids) != 2 or not all(matches):
        raise PrinterConfigError(f"{setting}: usb:// needs the vendor and product id in hex, as usb://0416:5011")
    vendor, product = (int(m.group(1), 16) for m in matches if m)
    return vendor, product


def _number(raw: str, setting: str, name: str, low: float, high: float) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise PrinterConfigError(f"{setting}: {name} must be a number, not {raw!r}") from None
    if not low <= value <= high:
        raise PrinterConfigError(f"{setting}: {name} must be between {low:g} and {high:g}, not {raw}")
    return value
