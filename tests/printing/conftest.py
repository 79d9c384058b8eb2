"""Fixtures for the printing tests: a realistic document, a stamp, and poppler helpers."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from printing.document import CopyStamp, PrintDocument

TITLE = "宿迁市人民政府关于2008年政府信息公开工作的年度报告"
INDEX_NO = "11320000014000000X/2008-00012"
SOURCE_URL = "https://www.suqian.gov.cn/xxgk/2008/00012.shtml"
BODY = (
    "　　根据《中华人民共和国政府信息公开条例》规定，现公布2008年度本市政府信息公开工作年度报告。\n"
    "\n"
    "　　一、概述：市政府在市档案馆、市图书馆和市行政服务中心设立政府信息查阅场所，配备触摸屏查询机。\n"
)


@pytest.fixture
def document() -> PrintDocument:
    """A short disclosed document with Chinese title and body."""
    return PrintDocument(
        index_no=INDEX_NO,
        title=TITLE,
        doc_no=None,
        publisher="宿迁市人民政府办公室",
        written_on=date(2008, 12, 30),
        published_on=date(2009, 3, 31),
        validity="valid",
        body=BODY,
        source_url=SOURCE_URL,
    )


@pytest.fixture
def stamp() -> CopyStamp:
    """The footer stamp of a copy printed in the archive's reading room."""
    return CopyStamp(
        kiosk_name="宿迁市档案馆 查阅机1",
        printed_at=datetime(2024, 5, 1, 14, 30, 59),
        content_synced_on=date(2024, 4, 30),
    )


@pytest.fixture
def make_document(document: PrintDocument) -> Callable[..., PrintDocument]:
    """The sample document with some fields replaced."""

    def make(**changes: Any) -> PrintDocument:
        return replace(document, **changes)

    return make


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} not found: install the Debian package poppler-utils (make test does)")
    return path


@pytest.fixture
def pdf_tool(tmp_path: Path) -> Callable[..., str]:
    """Run a poppler tool (pdffonts, pdftotext) on PDF bytes and return its stdout."""

    def run(tool: str, pdf: bytes, *args: str) -> str:
        source = tmp_path / "copy.pdf"
        source.write_bytes(pdf)
        command = [_poppler(tool), *args, str(source)]
        if tool == "pdftotext":
            command.append("-")
        return subprocess.run(command, check=True, capture_output=True, text=True).stdout

    return run
