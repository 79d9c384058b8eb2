"""Receipt slips: ESC/POS bytes for 58 mm and 80 mm thermal printers.

Chinese text goes out as GB18030 inside the printer's Chinese character mode
(FS & ... FS .), sent raw: python-escpos's own text() never selects that mode.
The text is wrapped here, counting a double-byte character as two columns,
because the printer would otherwise break lines mid-character.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import qrcode
from escpos.constants import PAPER_FULL_CUT
from escpos.printer import Dummy
from qrcode.exceptions import DataOverflowError

from printing.document import CopyStamp, PrintDocument, ReceiptWidth

__all__ = ["RECEIPT_PAPER", "receipt_lines", "render_receipt"]

CHINESE_MODE_ON = b"\x1c\x26"  # FS &
CHINESE_MODE_OFF = b"\x1c\x2e"  # FS .
KANJI_SIZE = b"\x1c\x21"  # FS ! n: size of double-byte characters (ESC ! covers ASCII only)
UNPRINTABLE = "?"
# Characters that must not begin a line (a simple form of the kinsoku rule).
NO_LINE_START = frozenset("，。、；：！？）》」』】〕”’…—,.;:!?)]}%")


@dataclass(frozen=True, slots=True)
class ReceiptPaper:
    """An escpos capabilities profile and what fits across its paper."""

    profile: str
    dots: int
    columns: int
    max_qr_module: int


RECEIPT_PAPER: dict[str, ReceiptPaper] = {
    "58mm": ReceiptPaper(profile="POS-5890", dots=384, columns=32, max_qr_module=6),
    "80mm": ReceiptPaper(profile="TM-T20II", dots=576, columns=48, max_qr_module=8),
}


@dataclass(frozen=True, slots=True)
class _Block:
    """A run of wrapped lines in one style, or a QR code."""

    lines: tuple[str, ...] = ()
    heading: bool = False
    qr: str = ""


def render_receipt(
    doc: PrintDocument, stamp: CopyStamp, width: ReceiptWidth = "58mm", *, job_no: str | None = None
) -> bytes:
    """Render `doc` as ESC/POS bytes for a slip of the given paper width."""
    paper = RECEIPT_PAPER[width]
    printer = Dummy(profile=paper.profile)
    printer.hw("INIT")  # ESC @
    for block in _blocks(doc, stamp, paper, job_no):
        if block.qr:
            _print_qr(printer, block.qr, paper)
        else:
            _print_lines(printer, block)
    _feed_and_cut(printer)
    output: bytes = printer.output
    return output


def receipt_lines(
    doc: PrintDocument, stamp: CopyStamp, width: ReceiptWidth = "58mm", job_no: str | None = None
) -> list[str]:
    """The wrapped text lines of the slip, in order, as they will be printed."""
    paper = RECEIPT_PAPER[width]
    return [line for block in _blocks(doc, stamp, paper, job_no) for line in block.lines]


# -- content -----------------------------------------------------------------


def _blocks(doc: PrintDocument, stamp: CopyStamp, paper: ReceiptPaper, job_no: str | None) -> list[_Block]:
    def wrap(*texts: str, heading: bool = False) -> _Block:
        lines = [line for text in texts for line in wrap_columns(printable(text), paper.columns)]
        return _Block(lines=tuple(lines), heading=heading)

    rule = "-" * paper.columns
    blocks = [
        wrap(stamp.label, heading=True),
        _Block(lines=(rule,)),
        wrap(doc.title, heading=True),
        wrap(*_fields(doc, job_no)),
        _Block(lines=(rule,)),
        _Block(qr=doc.source_url.strip()),
        wrap(*_stamp_lines(stamp)),
    ]
    return [block for block in blocks if block.lines or block.qr]


def _fields(doc: PrintDocument, job_no: str | None) -> list[str]:
    fields = [
        f"索引号：{doc.index_no}",
        f"文号：{doc.doc_no or '无'}",
        f"发布日期：{doc.published_on:%Y-%m-%d}",
        f"有效性：{doc.validity_label}",
    ]
    if job_no:
        fields.append(f"任务号：{job_no}")
    return fields


def _stamp_lines(stamp: CopyStamp) -> list[str]:
    lines = ["扫码查看原文", f"打印时间 {stamp.printed_at:%Y-%m-%d %H:%M}", stamp.kiosk_name]
    if stamp.content_synced_on is not None:
        lines.append(f"内容同步于 {stamp.content_synced_on:%Y-%m-%d}")
    return lines


# -- text --------------------------------------------------------------------


def printable(text: str) -> str:
    """Text as the printer can show it: one line, no control codes, "?" for what it lacks."""
    return "".join(_printable_char(ch) for ch in text)


def _printable_char(ch: str) -> str:
    if ch.isspace():
        return " "
    if unicodedata.category(ch) in ("Cc", "Cf"):
        return ""  # a stray ESC or GS byte would be obeyed as a printer command
    try:
        encoded = ch.encode("gb18030")
    except UnicodeEncodeError:  # lone surrogates
        return UNPRINTABLE
    # Printer fonts hold the double-byte (GBK) repertoire plus CJK Extension A;
    # a four-byte code for anything else (emoji, Extension B...) prints as garbage.
    if len(encoded) <= 2 or 0x3400 <= ord(ch) <= 0x4DBF:
        return ch
    return UNPRINTABLE


def columns(text: str) -> int:
    """Printed width of `text` in columns: one per ASCII character, two per Chinese one."""
    return sum(_char_columns(ch) for ch in text)


def _char_columns(ch: str) -> int:
    return 1 if ord(ch) < 0x80 else 2


def wrap_columns(text: str, width: int) -> list[str]:
    """Greedy wrap of printable text to `width` columns, keeping ASCII words whole when they fit."""
    lines: list[str] = []
    current = ""
    for token in _tokens(text.strip()):
        if columns(current) + columns(token) <= width:
            current += token
            continue
        if current.strip():
            current, token = _keep_punctuation_off_line_start(current, token)
            lines.append(current.rstrip())
        current = ""
        for piece in _split_long(token.lstrip(), width):
            if current:
                lines.append(current)
            current = piece
    if current.strip():
        lines.append(current.rstrip())
    return lines


def _tokens(text: str) -> list[str]:
    """ASCII words and spaces as whole tokens, every other character alone."""
    tokens: list[str] = []
    for ch in text:
        joins = tokens and ch.isascii() and tokens[-1].isascii() and (ch == " ") == (tokens[-1][-1] == " ")
        if joins:
            tokens[-1] += ch
        else:
            tokens.append(ch)
    return tokens


def _keep_punctuation_off_line_start(line: str, token: str) -> tuple[str, str]:
    # Carry the last Chinese character down with the punctuation rather than start a line
    # with "，"; the tail of an ASCII word stays put, since splitting the word is worse.
    if token[:1] in NO_LINE_START and len(line) > 1 and not line[-1].isascii():
        return line[:-1], line[-1] + token
    return line, token


def _split_long(token: str, width: int) -> list[str]:
    """Hard-split a token wider than the paper; shorter tokens come back whole."""
    pieces = [""]
    for ch in token:
        if columns(pieces[-1]) + _char_columns(ch) > width:
            pieces.append("")
        pieces[-1] += ch
    return [piece for piece in pieces if piece]


# -- bytes -------------------------------------------------------------------


def encode_line(line: str) -> bytes:
    """One printed line: ASCII as is, anything else as GB18030 inside Chinese mode."""
    if line.isascii():
        return line.encode("ascii") + b"\n"
    return CHINESE_MODE_ON + line.encode("gb18030") + CHINESE_MODE_OFF + b"\n"


def _print_lines(printer: Dummy, block: _Block) -> None:
    if block.heading:
        printer.set(align="center", bold=True, double_height=True)
        printer._raw(KANJI_SIZE + b"\x08")  # double height, single width: the column count holds
    for line in block.lines:
        printer._raw(encode_line(line))
    if block.heading:
        printer._raw(KANJI_SIZE + b"\x00")
        printer.set(align="left", bold=False, normal_textsize=True)


def _print_qr(printer: Dummy, url: str, paper: ReceiptPaper) -> None:
    module = _qr_module_size(url, paper)
    if module == 0:
        return
    printer.set(align="center")  # native QR codes cannot be centred by escpos itself
    printer.qr(url, native=True, size=module)
    printer.set(align="left")


def _qr_module_size(url: str, paper: ReceiptPaper) -> int:
    """Largest dot size at which the code and its quiet zone fit the paper; 0 if it cannot."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_L)
    try:
        code.add_data(url)
        code.make(fit=True)
    except (DataOverflowError, ValueError):
        return 0
    modules = int(code.modules_count) + 8  # 4-module quiet zone each side
    return min(paper.max_qr_module, paper.dots // modules)


def _feed_and_cut(printer: Dummy) -> None:
    printer.cut()  # feeds, then cuts if the profile lists a cutter
    if not (printer.profile.supports("paperFullCut") or printer.profile.supports("paperPartCut")):
        # escpos's 58 mm profiles list no cutter, yet many 58 mm kiosk printers have
        # one; printers without a cutter ignore GS V.
        printer._raw(PAPER_FULL_CUT)
