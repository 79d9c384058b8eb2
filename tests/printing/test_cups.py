"""CupsPrinter against a real, private cupsd with a cups-pdf queue; and its parsers on sample outputs."""

from __future__ import annotations

import io
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from printing.a4 import render_a4
from printing.base import JobProgress, PrinterStatus
from printing.cups import (
    CupsPrinter,
    ipp_job_uri,
    job_title,
    parse_job_state,
    parse_printer_status,
    parse_request_id,
)
from printing.document import CopyStamp, PrintDocument
from printing.errors import PrinterUnavailable
from tests.printing.cupsd import CupsdUnavailable, CupsTestServer, private_cupsd

WAIT = 30.0  # seconds any job may take on a slow CI machine; each wait below is bounded by it


@pytest.fixture(scope="session")
def cupsd() -> Iterator[CupsTestServer]:
    """A private cupsd on 127.0.0.1 with the cups-pdf queue KioskPDF, for the whole session."""
    try:
        with private_cupsd("KioskPDF") as server:
            yield server
    except CupsdUnavailable as exc:
        pytest.fail(f"cannot start the private cupsd: {exc}")


@pytest.fixture
def printer(cupsd: CupsTestServer) -> CupsPrinter:
    return CupsPrinter(cupsd.queue, server=cupsd.server, timeout=10)


@pytest.fixture
def disabled(cupsd: CupsTestServer) -> Iterator[str]:
    """The queue disabled with the reason "out of paper"; enabled again afterwards."""
    assert cupsd.run("cupsdisable", "-r", "out of paper", cupsd.queue).returncode == 0
    yield "out of paper"
    cupsd.run("cancel", "-a", cupsd.queue)
    assert cupsd.run("cupsenable", cupsd.queue).returncode == 0


def wait_for(printer: CupsPrinter, handle: str, wanted: set[JobProgress]) -> JobProgress:
    deadline = time.monotonic() + WAIT
    while (progress := printer.progress(handle)) not in wanted and time.monotonic() < deadline:
        time.sleep(0.1)
    return progress


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- against the private cupsd -------------------------------------------------------------


def test_a4_copy_comes_out_of_cups_pdf_intact(
    printer: CupsPrinter, cupsd: CupsTestServer, document: PrintDocument, stamp: CopyStamp
) -> None:
    pdf, pages = render_a4(document, stamp)
    handle = printer.submit("P0001", "a4", pdf, title=document.title)
    assert handle.startswith(f"{cupsd.queue}-")
    assert wait_for(printer, handle, {"done", "failed", "cancelled"}) == "done", cupsd.error_log()
    printed = cupsd.output_of(handle).read_bytes()
    reader = PdfReader(io.BytesIO(printed))
    assert len(reader.pages) == pages
    assert [round(float(v)) for v in reader.pages[0].mediabox] == [0, 0, 595, 842]
    assert "P0001" in str(reader.metadata.title if reader.metadata else "")  # the job title, with the job number
    # cups-pdf goes PDF -> PostScript -> PDF: Latin text survives as text, Chinese only as
    # glyphs without a Unicode map, so the Chinese title and body are checked as pixels.
    text = "".join(reader.pages[0].extract_text().split())
    assert document.index_no in text
    assert "2024-05-0114:30" in text
    assert_same_pixels(pdf, printed)


def assert_same_pixels(original: bytes, printed: bytes) -> None:
    """Page 1 of both, rasterised by poppler at 40 dpi, differs only by anti-aliasing."""
    before, after = gray_page(original), gray_page(printed)
    assert len(before) == len(after)
    ink_before, ink_after = (sum(1 for px in image if px < 128) for image in (before, after))
    assert ink_before > 1000 and abs(ink_after - ink_before) < ink_before * 0.1
    assert sum(abs(a - b) for a, b in zip(before, after, strict=True)) / len(before) / 255 < 0.02


def gray_page(pdf: bytes) -> bytes:
    tool = shutil.which("pdftoppm")
    if tool is None:
        pytest.fail("pdftoppm not found: install the Debian package poppler-utils (make test does)")
    pgm = subprocess.run(
        [tool, "-gray", "-r", "40", "-f", "1", "-l", "1", "-"], input=pdf, capture_output=True, check=True, timeout=30
    ).stdout
    magic, size, _depth, pixels = pgm.split(b"\n", 3)
    assert magic == b"P5", size
    return pixels


def test_idle_queue_is_idle(printer: CupsPrinter) -> None:
    assert printer.status() == PrinterStatus("idle", "", "unknown")
    assert printer.status().ready


def test_disabled_queue_is_stopped_and_holds_jobs_until_cancelled(
    printer: CupsPrinter, disabled: str, document: PrintDocument, stamp: CopyStamp
) -> None:
    status = printer.status()
    assert (status.state, status.reason, status.ready) == ("stopped", disabled, False)
    handle = printer.submit("P0002", "a4", render_a4(document, stamp)[0])
    time.sleep(0.5)  # a disabled queue must not start it, however long one waits
    assert printer.progress(handle) == "pending"
    assert printer.cancel(handle) is True
    assert wait_for(printer, handle, {"cancelled"}) == "cancelled"
    assert printer.cancel(handle) is False  # nothing left to withdraw


def test_queue_not_accepting_jobs_is_stopped_and_refuses(printer: CupsPrinter, cupsd: CupsTestServer) -> None:
    assert cupsd.run("cupsreject", "-r", "closed for the night", cupsd.queue).returncode == 0
    try:
        assert printer.status() == PrinterStatus("stopped", "not accepting jobs: closed for the night", "unknown")
        with pytest.raises(PrinterUnavailable, match=f"CUPS queue {cupsd.queue} .*not accepting jobs"):
            printer.submit("P0003", "a4", b"%PDF-1.4\n")
    finally:
        cupsd.run("cupsaccept", cupsd.queue)


def test_a_job_the_printer_fails_on_is_failed(cupsd: CupsTestServer, document: PrintDocument, stamp: CopyStamp) -> None:
    # The parallel backend cannot open a folder as its port and exits with "failed";
    # the error policy abort-job turns that into an aborted job instead of a stopped queue.
    added = cupsd.run(
        "lpadmin",
        "-p",
        "KioskBroken",
        "-E",
        "-v",
        "parallel:/tmp",
        "-m",
        "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd",
        "-o",
        "printer-error-policy=abort-job",
    )
    assert added.returncode == 0, added.stderr
    try:
        printer = CupsPrinter("KioskBroken", server=cupsd.server, timeout=10)
        handle = printer.submit("P0004", "a4", render_a4(document, stamp)[0])
        assert wait_for(printer, handle, {"done", "failed", "cancelled"}) == "failed", cupsd.error_log()
        assert printer.status() == PrinterStatus("idle", "Unable to open parallel port: Is a directory", "unknown")
    finally:
        cupsd.run("lpadmin", "-x", "KioskBroken")


def test_finished_and_unknown_jobs_cannot_be_cancelled(
    printer: CupsPrinter, document: PrintDocument, stamp: CopyStamp
) -> None:
    handle = printer.submit("P0005", "a4", render_a4(document, stamp)[0])
    assert wait_for(printer, handle, {"done", "failed", "cancelled"}) == "done"
    assert printer.cancel(handle) is False
    assert printer.cancel(f"{printer.queue}-99999") is False
    assert printer.progress(f"{printer.queue}-99999") == "unknown"
    assert printer.progress("not a job") == "unknown"


def test_the_server_can_be_a_domain_socket(cupsd: CupsTestServer, document: PrintDocument, stamp: CopyStamp) -> None:
    printer = CupsPrinter(cupsd.queue, server=str(cupsd.socket_path), timeout=10)
    assert printer.status().state == "idle"
    handle = printer.submit("P0006", "a4", render_a4(document, stamp)[0], title="via the socket")
    assert wait_for(printer, handle, {"done", "failed", "cancelled"}) == "done", cupsd.error_log()


def test_missing_queue_is_unavailable_and_offline(cupsd: CupsTestServer) -> None:
    printer = CupsPrinter("NoSuchQueue", server=cupsd.server, timeout=10)
    with pytest.raises(
        PrinterUnavailable, match="CUPS queue NoSuchQueue did not take print job P0007: CUPS has no queue"
    ):
        printer.submit("P0007", "a4", b"%PDF-1.4\n")
    status = printer.status()
    assert status.state == "offline"
    assert "no queue named NoSuchQueue" in status.reason


def test_scheduler_not_running_is_unavailable_and_offline_quickly() -> None:
    server = f"127.0.0.1:{free_port()}"
    printer = CupsPrinter("KioskPDF", server=server, timeout=10)
    start = time.monotonic()
    with pytest.raises(PrinterUnavailable, match=f"the CUPS scheduler at {server} is not running"):
        printer.submit("P0008", "a4", b"%PDF-1.4\n")
    status = printer.status()
    assert (status.state, status.reason) == ("offline", f"the CUPS scheduler at {server} is not running")
    assert printer.progress("KioskPDF-1") == "unknown"
    assert printer.cancel("KioskPDF-1") is False
    assert time.monotonic() - start < 5


def test_missing_cups_tools_are_unavailable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    printer = CupsPrinter("KioskPDF", server="127.0.0.1:1", timeout=5)
    with pytest.raises(PrinterUnavailable, match="lp is not installed"):
        printer.submit("P0009", "a4", b"%PDF-1.4\n")
    assert printer.status() == PrinterStatus("offline", "lpstat is not installed (Debian package cups-client)")
    assert printer.progress("KioskPDF-1") == "unknown"


def test_only_a4_copies_go_to_cups() -> None:
    with pytest.raises(ValueError, match="receipt"):
        CupsPrinter("KioskPDF").submit("P0010", "receipt", b"\x1b@")
    assert CupsPrinter("KioskPDF").name == "CUPS queue KioskPDF"


# --- parsers, on sample outputs of CUPS 2.4 in the C locale ---------------------------------

IDLE = """printer KioskPDF is idle.  enabled since Fri Nov 27 07:14:22 2026
\tForm mounted:
\tContent types: any
\tPrinter types: unknown
\tDescription: KioskPDF
\tAlerts: none
\tLocation:\x20
\tConnection: direct
KioskPDF accepting requests since Fri Nov 27 07:14:22 2026
"""
DISABLED = """printer KioskPDF disabled since Fri Nov 27 07:14:22 2026 -
\tout of paper
\tForm mounted:
\tAlerts: paused
KioskPDF accepting requests since Fri Nov 27 07:14:22 2026
"""
PAUSED = "printer KioskPDF disabled since Fri Nov 27 07:14:22 2026 -\n\tPaused\n"
PRINTING = """printer KioskPDF now printing KioskPDF-12.  enabled since Fri Nov 27 07:20:01 2026
\tSending data to printer.
\tForm mounted:
\tAlerts: media-low-report
KioskPDF accepting requests since Fri Nov 27 07:20:01 2026
"""
REJECTING = """printer KioskPDF is idle.  enabled since Fri Nov 27 07:14:22 2026
\tclosed for today
\tForm mounted:
\tAlerts: none
KioskPDF not accepting requests since Fri Nov 27 07:14:22 2026 -
\tclosed for today
"""
NO_PAPER = IDLE.replace("Alerts: none", "Alerts: media-empty-error")
UNPLUGGED = IDLE.replace("Alerts: none", "Alerts: offline-report")


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        (IDLE, PrinterStatus("idle", "", "unknown")),
        (DISABLED, PrinterStatus("stopped", "out of paper", "unknown")),
        (PAUSED, PrinterStatus("stopped", "Paused", "unknown")),
        (PRINTING, PrinterStatus("processing", "Sending data to printer.", "near_end")),
        (REJECTING, PrinterStatus("stopped", "not accepting jobs: closed for today", "unknown")),
        (NO_PAPER, PrinterStatus("idle", "", "out")),
        (UNPLUGGED, PrinterStatus("offline", "the printer reports that it is offline", "unknown")),
        ("lpstat: something new\n", PrinterStatus("unknown", "something new")),
        ("", PrinterStatus("unknown", "")),
    ],
    ids=["idle", "disabled", "paused", "printing", "rejecting", "no-paper", "unplugged", "unexpected", "empty"],
)
def test_parse_printer_status(output: str, expected: PrinterStatus) -> None:
    assert parse_printer_status(output) == expected


def test_no_paper_is_not_ready() -> None:
    assert not parse_printer_status(NO_PAPER).ready


JOB_ATTRIBUTES = """"/usr/share/cups/ipptool/get-job-attributes.test":
    Get-Job-Attributes:
        job-uri (uri) = ipp://127.0.0.1:56649/jobs/1
    Get job info with get-job-attributes                                 [PASS]
        status-code = successful-ok (successful-ok)
        job-id (integer) = 1
        job-state (enum) = {state}
        job-state-reasons (keyword) = processing-to-stop-point
"""
NOT_FOUND = """"/usr/share/cups/ipptool/get-job-attributes.test":
    Get job info with get-job-attributes                                 [FAIL]
        status-code = client-error-not-found (Job #99 does not exist.)
        EXPECTED: job-state
"""


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("pending", "pending"),
        ("pending-held", "pending"),
        ("processing", "printing"),
        ("processing-stopped", "printing"),
        ("completed", "done"),
        ("canceled", "cancelled"),
        ("aborted", "failed"),
        ("something-new", "unknown"),
    ],
)
def test_parse_job_state(state: str, expected: JobProgress) -> None:
    assert parse_job_state(JOB_ATTRIBUTES.format(state=state)) == expected


def test_parse_job_state_without_a_job() -> None:
    assert parse_job_state(NOT_FOUND) == "unknown"
    assert parse_job_state("") == "unknown"


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("request id is KioskPDF-123 (1 file(s))\n", "KioskPDF-123"),
        ("request id is Office-A4-7 (0 file(s))\n", "Office-A4-7"),
        ("lp: Error - The printer or class does not exist.\n", None),
        ("", None),
    ],
)
def test_parse_request_id(output: str, expected: str | None) -> None:
    assert parse_request_id(output) == expected


@pytest.mark.parametrize(
    ("server", "handle", "expected"),
    [
        ("127.0.0.1:6310", "KioskPDF-12", "ipp://127.0.0.1:6310/jobs/12"),
        ("localhost", "12", "ipp://localhost/jobs/12"),
        ("/run/cups/cups.sock", "Q-3", "ipp://%2Frun%2Fcups%2Fcups.sock/jobs/3"),
        ("localhost", "KioskPDF", None),
        ("localhost", "", None),
    ],
)
def test_ipp_job_uri(server: str, handle: str, expected: str | None) -> None:
    assert ipp_job_uri(server, handle) == expected


def test_job_title_is_printable_and_bounded() -> None:
    assert job_title("P0001", "年度报告") == "P0001 年度报告"
    assert job_title("P0001", "a\tb\nc\x00d\u200b") == "P0001 a b c d"
    long = job_title("P0001", "政" * 300)
    assert len(long) <= 100 and len(long.encode()) <= 255 and long.startswith("P0001 政")
    assert job_title("P0001", "") == "P0001"
