from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from printing import spool
from printing.errors import PrintError, PrinterUnavailable
from printing.spool import SpoolPrinter


def test_jobs_land_with_their_names_and_exact_bytes(tmp_path: Path) -> None:
    folder = tmp_path / "spool" / "room1"
    printer = SpoolPrinter(folder)
    pdf = printer.submit("J20240501-0001", "a4", b"%PDF-1.4 copy")
    slip = printer.submit("J20240501-0002", "receipt", b"\x1b@slip\x1dV\x00", title="slip")
    assert pdf == str(folder / "J20240501-0001.pdf") and Path(pdf).read_bytes() == b"%PDF-1.4 copy"
    assert slip == str(folder / "J20240501-0002.escpos") and Path(slip).read_bytes() == b"\x1b@slip\x1dV\x00"
    assert sorted(os.listdir(folder)) == ["J20240501-0001.pdf", "J20240501-0002.escpos"]


def test_resubmitting_replaces_the_file_whole(tmp_path: Path) -> None:
    printer = SpoolPrinter(tmp_path)
    printer.submit("J1", "a4", b"first")
    printer.submit("J1", "a4", b"second copy")
    assert (tmp_path / "J1.pdf").read_bytes() == b"second copy"
    assert os.listdir(tmp_path) == ["J1.pdf"]


def test_describes_itself(tmp_path: Path) -> None:
    printer = SpoolPrinter(tmp_path)
    assert printer.name == printer.describe() == f"spool folder {tmp_path}"


def test_folder_that_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(PrinterUnavailable, match="spool folder") as caught:
        SpoolPrinter(blocker / "spool").submit("J1", "a4", b"data")
    assert isinstance(caught.value, PrintError)
    assert str(blocker / "spool") in str(caught.value)


def test_read_only_file_system(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Root ignores permission bits, so the refusal a read-only mount gives is simulated.
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(spool.tempfile, "mkstemp", refuse)
    with pytest.raises(PrinterUnavailable, match="Read-only file system"):
        SpoolPrinter(tmp_path).submit("J1", "receipt", b"data")
    assert os.listdir(tmp_path) == []


def test_disk_full_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(spool.os, "fsync", disk_full)
    with pytest.raises(PrinterUnavailable, match="No space left on device"):
        SpoolPrinter(tmp_path).submit("J1", "a4", b"x" * 10_000)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("job_no", ["", "../escape", "a/b", ".hidden", "J1\n"])
def test_unsafe_job_numbers_are_refused(tmp_path: Path, job_no: str) -> None:
    with pytest.raises(ValueError):
        SpoolPrinter(tmp_path).submit(job_no, "a4", b"data")
