"""ReceiptPrinter against the recording ESC/POS emulator: real sockets on 127.0.0.1, no mocks."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from printing.base import PrinterStatus
from printing.document import CopyStamp, PrintDocument
from printing.errors import OutcomeUnknown, PrinterConfigError, PrinterUnavailable
from printing.escpos_printer import ReceiptPrinter, decode_status
from printing.receipt import render_receipt
from printing.uri import ReceiptTarget
from tests.printing.escpos_emulator import EscposEmulator

CHINESE_SEGMENT = re.compile(rb"\x1c\x26(.*?)\x1c\x2e", re.DOTALL)
RASTER_HEADER = re.compile(rb"\x1dv0[\x00-\x03](..)(..)", re.DOTALL)  # GS v 0 m xL xH yL yH
BIG_JOB = bytes(range(32, 127)) * 80_000  # 7.6 MB: more than any socket buffer holds
TIMEOUT = 1.0


def _chinese_segments(data: bytes) -> list[str]:
    return [segment.decode("gb18030") for segment in CHINESE_SEGMENT.findall(data)]


def _without_images(data: bytes) -> bytes:
    """The slip's commands with the pixel data of every GS v 0 image cut out."""
    out, position = bytearray(), 0
    while (match := RASTER_HEADER.search(data, position)) is not None:
        width_bytes = int.from_bytes(match.group(1), "little")
        height = int.from_bytes(match.group(2), "little")
        out += data[position : match.end()]
        position = match.end() + width_bytes * height
    return bytes(out + data[position:])


@pytest.fixture
def slip(document: PrintDocument, stamp: CopyStamp) -> bytes:
    return render_receipt(document, stamp, "58mm", job_no="A-0042")


def test_the_printer_receives_exactly_the_rendered_bytes(slip: bytes, document: PrintDocument) -> None:
    with EscposEmulator("record") as emulator:
        handle = ReceiptPrinter(emulator.target(timeout=TIMEOUT)).submit("A-0042", "receipt", slip)
        [received] = emulator.wait_for(1)
    assert received == slip
    assert document.title in "".join(_chinese_segments(received))  # wrapped over lines, whole when joined
    assert "任务号：A-0042" in _chinese_segments(received)
    assert ReceiptPrinter(emulator.target()).progress(handle) == "done"


def test_each_job_is_one_connection(slip: bytes) -> None:
    with EscposEmulator("record") as emulator:
        printer = ReceiptPrinter(emulator.target(timeout=TIMEOUT))
        printer.submit("J1", "receipt", slip)
        printer.submit("J2", "receipt", b"\x1b@second\n")
        assert emulator.wait_for(2) == [slip, b"\x1b@second\n"]


def test_raster_slip_is_images_without_chinese_mode(document: PrintDocument, stamp: CopyStamp) -> None:
    data = render_receipt(document, stamp, "80mm", text="raster")
    assert b"\x1dv0" in data
    commands = _without_images(data)
    assert b"\x1c\x26" not in commands and b"\x1c\x2e" not in commands
    assert all(int.from_bytes(m.group(1), "little") == 576 // 8 for m in RASTER_HEADER.finditer(data))
    assert b"\x1d(k" in commands and commands.endswith(b"\x1dV\x00")  # native QR code, then the cut
    with EscposEmulator("record") as emulator:
        ReceiptPrinter(emulator.target(timeout=TIMEOUT, text="raster")).submit("J1", "receipt", data)
        assert emulator.wait_for(1) == [data]


def test_printer_that_never_closes_is_done_once_it_has_acknowledged_everything(slip: bytes) -> None:
    with EscposEmulator("keep_open") as emulator:
        started = time.monotonic()
        ReceiptPrinter(emulator.target(timeout=0.3)).submit("J1", "receipt", slip)  # waits 0.3 s for a close
        assert time.monotonic() - started < 1.0
    assert [bytes(c.data) for c in emulator.connections] == [slip]


def test_refused_connection_is_unavailable_and_quick(slip: bytes) -> None:
    with EscposEmulator("refuse") as emulator:
        printer = ReceiptPrinter(emulator.target(timeout=TIMEOUT))
        started = time.monotonic()
        with pytest.raises(PrinterUnavailable, match=rf"tcp://127\.0\.0\.1:{emulator.port} refused the connection"):
            printer.submit("J1", "receipt", slip)
    assert time.monotonic() - started < 0.5


def test_unknown_host_is_unavailable(slip: bytes) -> None:
    printer = ReceiptPrinter(ReceiptTarget("tcp", host="printer.invalid", port=9100, timeout=TIMEOUT))
    with pytest.raises(PrinterUnavailable, match="cannot be found"):
        printer.submit("J1", "receipt", slip)


def test_printer_that_never_reads_ends_in_outcome_unknown_within_the_timeout() -> None:
    with EscposEmulator("never_read") as emulator:
        printer = ReceiptPrinter(emulator.target(timeout=TIMEOUT))
        started = time.monotonic()
        with pytest.raises(OutcomeUnknown, match="took no more of it for 1 s after"):
            printer.submit("J1", "receipt", BIG_JOB)
        assert time.monotonic() - started < TIMEOUT + 2.0


def test_connection_dropped_mid_job_is_outcome_unknown(slip: bytes) -> None:
    with EscposEmulator("drop_mid_job", drop_after=200) as emulator:
        with pytest.raises(OutcomeUnknown, match="may be printed in part"):
            ReceiptPrinter(emulator.target(timeout=TIMEOUT)).submit("J1", "receipt", slip)
        [received] = emulator.wait_for(1)
    assert received == slip[:200]


def test_large_job_dropped_mid_send_is_outcome_unknown() -> None:
    with (
        EscposEmulator("drop_mid_job", drop_after=100_000) as emulator,
        pytest.raises(OutcomeUnknown, match="dropped the connection"),
    ):
        ReceiptPrinter(emulator.target(timeout=TIMEOUT)).submit("J1", "receipt", BIG_JOB)


@pytest.mark.parametrize(
    ("preset", "state", "paper", "reason"),
    [
        ("ok", "idle", "ok", ""),
        ("near_end", "idle", "near_end", "nearly used up"),
        ("paper_out", "offline", "out", "the paper has run out"),
        ("offline", "offline", "ok", "the cover is open"),
    ],
)
def test_status_decodes_the_printers_answers(preset: str, state: str, paper: str, reason: str) -> None:
    with EscposEmulator("record", status=preset) as emulator:  # type: ignore[arg-type]
        status = ReceiptPrinter(emulator.target(timeout=TIMEOUT)).status()
    assert (status.state, status.paper) == (state, paper)
    assert reason in status.reason
    assert status.ready == (preset in ("ok", "near_end"))


def test_status_sends_only_real_time_requests() -> None:
    with EscposEmulator("record", status="offline") as emulator:
        ReceiptPrinter(emulator.target(timeout=TIMEOUT)).status()
        assert emulator.wait_for(1) == [b"\x10\x04\x01\x10\x04\x04\x10\x04\x02"]  # DLE EOT 1, 4, then 2


def test_status_of_a_refused_port_is_offline_with_the_reason() -> None:
    with EscposEmulator("refuse") as emulator:
        started = time.monotonic()
        status = ReceiptPrinter(emulator.target(timeout=TIMEOUT)).status()
    assert time.monotonic() - started < 0.5
    assert status == PrinterStatus(
        "offline", f"receipt printer {emulator.uri} refused the connection: is it switched on and connected?"
    )


def test_status_of_a_silent_printer_is_unknown_within_bounds() -> None:
    with EscposEmulator("record", status="silent") as emulator:
        started = time.monotonic()
        status = ReceiptPrinter(emulator.target(timeout=TIMEOUT)).status()
    assert time.monotonic() - started < TIMEOUT + 1.0
    assert status == PrinterStatus("unknown", "the printer does not answer status requests")


def test_status_of_a_printer_that_never_reads_is_bounded() -> None:
    with EscposEmulator("never_read") as emulator:
        started = time.monotonic()
        status = ReceiptPrinter(emulator.target(timeout=TIMEOUT)).status()
    assert time.monotonic() - started < TIMEOUT + 1.0
    assert status.state == "unknown"


class TestDecodeStatus:
    def test_fixed_bits_must_be_present(self) -> None:
        assert decode_status(b"\x00", b"\x12").state == "unknown"  # not 0xx1xx10: no real answer
        assert decode_status(b"", b"").reason == "the printer does not answer status requests"

    def test_either_bit_of_a_pair_counts(self) -> None:
        assert decode_status(b"\x12", b"\x16").paper == "near_end"  # bit 2 alone
        assert decode_status(b"\x12", b"\x32").paper == "out"  # bit 5 alone

    def test_python_escpos_values(self) -> None:
        # escpos.constants: RT_MASK_PAPER 18, RT_MASK_LOWPAPER 30, RT_MASK_NOPAPER 114
        assert [decode_status(b"\x12", bytes([b])).paper for b in (18, 30, 114)] == ["ok", "near_end", "out"]

    def test_missing_paper_answer_leaves_paper_unknown(self) -> None:
        assert decode_status(b"\x12", b"") == PrinterStatus("idle", "", "unknown")


class TestOtherConnections:
    def test_file_receives_the_bytes_and_appends_jobs(self, tmp_path: Path, slip: bytes) -> None:
        path = tmp_path / "printer.bin"
        printer = ReceiptPrinter(ReceiptTarget("file", device=str(path)))
        assert printer.name == f"receipt printer file://{path}"
        assert printer.status() == PrinterStatus("idle", paper="ok")
        printer.submit("J1", "receipt", slip)
        assert path.read_bytes() == slip
        printer.submit("J2", "receipt", b"\x1b@two")
        assert path.read_bytes() == slip + b"\x1b@two"  # like paper on a roll

    def test_missing_device_is_unavailable_and_never_created(self, slip: bytes) -> None:
        printer = ReceiptPrinter(ReceiptTarget("file", device="/dev/usb/kiosk-no-such-lp9"))
        with pytest.raises(PrinterUnavailable, match="cannot be opened"):
            printer.submit("J1", "receipt", slip)
        assert printer.status().state == "offline"
        assert not Path("/dev/usb/kiosk-no-such-lp9").exists()

    def test_usb_printer_that_is_not_there_is_unavailable(self, slip: bytes) -> None:
        printer = ReceiptPrinter(ReceiptTarget("usb", vendor_id=0x0416, product_id=0x5011))
        assert printer.name == "receipt printer usb://0416:5011"
        with pytest.raises(PrinterUnavailable, match="usb://0416:5011"):
            printer.submit("J1", "receipt", slip)
        assert printer.status().state == "offline"

    def test_serial_printer_that_is_not_there_is_unavailable(self, slip: bytes) -> None:
        printer = ReceiptPrinter(ReceiptTarget("serial", device="/dev/ttyKIOSKNONE", baudrate=19200))
        assert printer.name == "receipt printer serial:///dev/ttyKIOSKNONE"
        with pytest.raises(PrinterUnavailable, match="serial:///dev/ttyKIOSKNONE"):
            printer.submit("J1", "receipt", slip)
        assert printer.status().state == "offline"

    def test_spool_target_and_a4_jobs_are_refused(self, tmp_path: Path) -> None:
        with pytest.raises(PrinterConfigError):
            ReceiptPrinter(ReceiptTarget("spool", folder=tmp_path))
        with pytest.raises(ValueError, match="slips only"):
            ReceiptPrinter(ReceiptTarget("file", device=str(tmp_path / "p"))).submit("J1", "a4", b"%PDF")

    def test_nothing_to_cancel(self, tmp_path: Path) -> None:
        assert ReceiptPrinter(ReceiptTarget("file", device=str(tmp_path / "p"))).cancel("12") is False
