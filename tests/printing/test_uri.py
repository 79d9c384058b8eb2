"""Printer URIs: every kind the README shows, and malformed ones refused with the setting's name."""

from __future__ import annotations

from pathlib import Path

import pytest

from printing.errors import PrinterConfigError
from printing.uri import DocumentTarget, ReceiptTarget, parse_document, parse_receipt

HOME = Path("/srv/kiosk")


def test_document_printers() -> None:
    assert parse_document("cups://KioskPDF", "printing.document", HOME) == DocumentTarget("cups", queue="KioskPDF")
    assert parse_document("spool://", "printing.document", HOME) == DocumentTarget("spool", folder=HOME / "spool")
    assert parse_document("spool://out/a4", "s", HOME).folder == HOME / "out/a4"
    assert parse_document("spool:///var/spool/kiosk", "s", HOME).folder == Path("/var/spool/kiosk")


def test_receipt_printers() -> None:
    tcp = parse_receipt("tcp://192.168.1.50:9100?profile=80mm", "printing.receipt", HOME)
    assert (tcp.kind, tcp.host, tcp.port, tcp.width, tcp.text, tcp.timeout) == (
        "tcp",
        "192.168.1.50",
        9100,
        "80mm",
        "gb18030",
        5.0,
    )
    assert parse_receipt("tcp://printer.local?timeout=2&text=raster", "r", HOME).port == 9100
    assert parse_receipt("tcp://[::1]:9101", "r", HOME).host == "::1"
    usb = parse_receipt("usb://0416:5011?profile=58mm", "r", HOME)
    assert (usb.vendor_id, usb.product_id) == (0x0416, 0x5011)
    serial = parse_receipt("serial:///dev/ttyUSB0?baudrate=19200", "r", HOME)
    assert (serial.device, serial.baudrate) == ("/dev/ttyUSB0", 19200)
    assert parse_receipt("file:///dev/usb/lp0", "r", HOME) == ReceiptTarget("file", device="/dev/usb/lp0")
    assert parse_receipt("spool://slips", "r", HOME).folder == HOME / "slips"
    assert str(tcp) == "tcp://192.168.1.50:9100?profile=80mm&text=gb18030"


@pytest.mark.parametrize(
    "uri, message",
    [
        ("", "is not a printer URI"),
        ("KioskPDF", "is not a printer URI"),
        ("lpr://queue", "unknown printer kind 'lpr'"),
        ("tcp://host:99999", "not a number from 1 to 65535"),
        ("tcp://host:0", "not a number from 1 to 65535"),
        ("tcp://:9100", "needs a host"),
        ("tcp://host/path", "needs a host"),
        ("tcp://host?profile=57mm", "profile must be 58mm or 80mm"),
        ("tcp://host?text=bitmap", "text must be gb18030 or raster"),
        ("tcp://host?timeout=never", "timeout must be a number"),
        ("tcp://host?timeout=0", "timeout must be between"),
        ("tcp://host?colour=red", "unknown option 'colour'"),
        ("tcp://host?profile=58mm&profile=80mm", "given twice"),
        ("tcp://host#frag", "'#' part"),
        ("usb://0416", "vendor and product id in hex"),
        ("usb://zz:11", "vendor and product id in hex"),
        ("serial://dev/ttyUSB0", "absolute device path"),
        ("serial:///dev/ttyS0?baudrate=12345", "baudrate must be one of"),
        ("serial:///dev/ttyS0?timeout=3", "unknown option 'timeout'"),
        ("file://relative", "absolute device path"),
        ("tcp://host\n", "control character"),
    ],
)
def test_a_malformed_receipt_uri_names_the_setting(uri: str, message: str) -> None:
    with pytest.raises(PrinterConfigError, match=f"^printing.receipt: .*{message}"):
        parse_receipt(uri, "printing.receipt", HOME)


@pytest.mark.parametrize(
    "uri, message",
    [
        ("cups://", "does not name a CUPS queue"),
        ("cups://my queue", "does not name a CUPS queue"),
        ("cups://a/b", "does not name a CUPS queue"),
        ("cups://KioskPDF?profile=58mm", "takes no options"),
        ("tcp://printer:9100", "unknown printer kind 'tcp'"),
    ],
)
def test_a_malformed_document_uri_names_the_setting(uri: str, message: str) -> None:
    with pytest.raises(PrinterConfigError, match=f"^printing.document: .*{message}"):
        parse_document(uri, "printing.document", HOME)
