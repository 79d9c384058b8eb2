"""Hostile metadata and bodies lay out on A4 and on slips of both widths in both text modes."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from printing.a4 import render_a4
from printing.document import CopyStamp, PrintDocument, ReceiptWidth
from printing.receipt import columns, receipt_lines, render_receipt
from printing.uri import TextMode

AWKWARD = (
    "😀",
    "👩‍💻",
    "𠀀",  # CJK Extension B
    "𪚥",
    "䶮",  # Extension A
    "<b>&amp;[color=ff0000]",
    "</para><font name='x'>",
    "&#x1F600;",
    "\x00\x1b@\x1dV\x00\x10\x04\x01",  # NUL, ESC @, GS V, DLE EOT: printer commands in the text
    "\r\n\t\x0b\x0c\x85\u2028",
    "\u200b\ufeff\u202e",  # zero-width space, BOM, right-to-left override
    "，。；：！？、……——《》",
    "ﷺ\u0301\U0010ffff\ud800",
    "W" * 60,
    "　",
)
RASTER_IMAGE = re.compile(rb"\x1dv0[\x00-\x03](..)(..)", re.DOTALL)
MODES: tuple[tuple[ReceiptWidth, TextMode], ...] = (
    ("58mm", "gb18030"),
    ("80mm", "gb18030"),
    ("58mm", "raster"),
    ("80mm", "raster"),
)
piece = st.one_of(
    st.text(max_size=40),
    st.sampled_from(AWKWARD),
    st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0x20000, max_codepoint=0x2A6DF), max_size=5),
)
hostile = st.builds(
    lambda parts, repeat: "".join(parts) * repeat, st.lists(piece, max_size=8), st.sampled_from([1, 1, 2, 30])
)
punctuation_only = st.text(alphabet="，。！？《》、；：“”…—-.,!?()[]<>&", min_size=1, max_size=200)
field = st.one_of(hostile, punctuation_only, st.just(""), st.just("标" * 10_000))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=field, body=st.one_of(hostile, st.just("")), doc_no=st.one_of(st.none(), field), publisher=field)
def test_any_metadata_renders_an_a4_copy(
    make_document: Callable[..., PrintDocument],
    stamp: CopyStamp,
    title: str,
    body: str,
    doc_no: str | None,
    publisher: str,
) -> None:
    pdf, pages = render_a4(make_document(title=title, body=body, doc_no=doc_no, publisher=publisher), stamp)
    assert pages >= 1
    assert len(PdfReader(io.BytesIO(pdf)).pages) == pages


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=field, body=st.one_of(hostile, st.just("")), doc_no=st.one_of(st.none(), field), publisher=field)
def test_any_metadata_renders_a_slip_in_every_width_and_mode(
    make_document: Callable[..., PrintDocument],
    stamp: CopyStamp,
    title: str,
    body: str,
    doc_no: str | None,
    publisher: str,
) -> None:
    doc = make_document(title=title, body=body, doc_no=doc_no, publisher=publisher)
    for width, text in MODES:
        slip = render_receipt(doc, stamp, width, job_no="J1", text=text)
        assert slip.startswith(b"\x1b@") and slip.endswith(b"\x1dV\x00")
        dots = {"58mm": 384, "80mm": 576}[width]
        assert all(int.from_bytes(m.group(1), "little") * 8 == dots for m in RASTER_IMAGE.finditer(slip))
    for width, limit in (("58mm", 32), ("80mm", 48)):
        assert all(columns(line) <= limit for line in receipt_lines(doc, stamp, width))  # type: ignore[arg-type]
