"""Any text a feed could carry must print, on A4 and on a slip, without an exception."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from printing.a4 import render_a4
from printing.document import CopyStamp, PrintDocument, ReceiptWidth
from printing.receipt import columns, receipt_lines, render_receipt

AWKWARD = [
    "😀",
    "👨‍👩‍👧",
    "\u200b",
    "\ufeff",
    "\x00",
    "\x1b",
    "\x1d",
    "\x7f",
    "\x85",
    "\u2028",
    "\t",
    "\r\n",
    "𠀀",
    "𪚥",
    "㐀",
    "䶮",
    "〇",
    "〓",
    "<",
    ">",
    "&",
    "&amp;",
    "<b>",
    "[color=ff0000]",
    "。",
    "，",
    "——",
    "\u0301",
    "ﷺ",
    "\U0010ffff",
    " ",
    "　",
]
pieces = st.one_of(st.text(max_size=30), st.sampled_from(AWKWARD), st.text(alphabet="，。！？《》、", max_size=20))
PAPER: tuple[tuple[ReceiptWidth, int], ...] = (("58mm", 32), ("80mm", 48))
hostile_text = st.builds(
    lambda parts, repeat: "".join(parts) * repeat,
    st.lists(pieces, max_size=12),
    st.sampled_from([1, 1, 1, 3, 40]),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=hostile_text, body=hostile_text)
def test_any_text_prints_on_a4_and_on_a_slip(
    make_document: Callable[..., PrintDocument], stamp: CopyStamp, title: str, body: str
) -> None:
    doc = make_document(title=title, body=body)
    pdf, pages = render_a4(doc, stamp)
    assert pdf.startswith(b"%PDF") and pages >= 1
    for width, limit in PAPER:
        slip = render_receipt(doc, stamp, width, job_no="J1")
        assert slip.startswith(b"\x1b@") and slip.endswith(b"\x1dV\x00")
        assert all(columns(line) <= limit for line in receipt_lines(doc, stamp, width))
