"""Receipt slips: ESC/POS bytes for 58 mm and 80 mm thermal printers.

Chinese text goes out in one of two ways (`TextMode`):

- "gb18030": GB18030 inside the printer's Chinese character mode (FS & ... FS .),
  sent raw: python-escpos's own text() never selects that mode;
- "raster": each block of text drawn with the CJK TrueType font as a 1-bit
  image the width of the paper and sent as GS v 0, for printers without a
  Chinese font ROM.

Either way the text is wrapped here, counting a double-byte character as two
columns, because the printer would otherwise break lines mid-character; the
raster images use the same columns (12 dots each), so both slips read alike.
"""

from __future__ import annotations

import functools
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import qrcode
from escpos.constants import PAPER_FULL_CUT
from escpos.printer import Dummy
from PIL import Image, ImageDraw, ImageFont
from qrcode.exceptions import DataOverflowError

from content_cache.linebreak import CharWidths, fill_lines
from printing.document import SLIP_LABEL, CopyStamp, PrintDocument, ReceiptWidth, withdrawn_mark
from printing.fonts import find_cjk_font, font_coverage, register_cjk_font
from printing.uri import TextMode

__all__ = ["RECEIPT_PAPER", "receipt_lines", "render_receipt"]

CHINESE_MODE_ON = b"\x1c\x26"  # FS &
CHINESE_MODE_OFF = b"\x1c\x2e"  # FS .
KANJI_SIZE = b"\x1c\x21"  # FS ! n: size of double-byte characters (ESC ! covers ASCII only)
UNPRINTABLE = "?"
RASTER_FONT_DOTS = 24  # the size of a printer's own Chinese font: two 12-dot columns
RASTER_LINE_DOTS = 30  # line pitch, as ESC/POS printers space 24-dot text


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
    rule: bool = False  # a line of dashes across the paper


def render_receipt(
    doc: PrintDocument,
    stamp: CopyStamp,
    width: ReceiptWidth = "58mm",
    *,
    job_no: str | None = None,
    text: TextMode = "gb18030",
    font_path: Path | None = None,
    heading: str = SLIP_LABEL,
) -> bytes:
    """Render `doc` as ESC/POS bytes for a slip of the given paper width.

    The slip carries the document's record (名称, 索引号, …) and a QR code to the
    source, never its text; `heading` names it (信息索引小票, or 取件凭条).
    `text="raster"` draws the text as images with the font at `font_path`
    (default: `find_cjk_font()`); the GB18030 mode needs no font.
    """
    stamp = replace(stamp, label=heading)  # the stamp's own label names the A4 copy
    paper = RECEIPT_PAPER[width]
    printer = Dummy(profile=paper.profile)
    printer.hw("INIT")  # ESC @
    if text == "raster":
        font = _raster_font(Path(font_path or find_cjk_font()))
        with font.lock:
            _print_blocks(printer, _blocks(doc, stamp, paper, job_no, font.wrapper(paper)), paper, font)
    else:
        _print_blocks(printer, _blocks(doc, stamp, paper, job_no), paper)
    _feed_and_cut(printer)
    output: bytes = printer.output
    return output


def receipt_lines(
    doc: PrintDocument,
    stamp: CopyStamp,
    width: ReceiptWidth = "58mm",
    job_no: str | None = None,
    heading: str = SLIP_LABEL,
) -> list[str]:
    """The wrapped text lines of the slip, in order, as they will be printed."""
    stamp = replace(stamp, label=heading)
    paper = RECEIPT_PAPER[width]
    return [line for block in _blocks(doc, stamp, paper, job_no) for line in block.lines]


# -- content -----------------------------------------------------------------


Wrapper = Callable[[str], list[str]]  # any text -> the printable lines it takes on the paper


def _blocks(
    doc: PrintDocument, stamp: CopyStamp, paper: ReceiptPaper, job_no: str | None, wrapper: Wrapper | None = None
) -> list[_Block]:
    def wrap(*texts: str, heading: bool = False) -> _Block:
        lines = [line for text in texts for line in (wrapper or text_wrapper)(text)]
        return _Block(lines=tuple(lines), heading=heading)

    def text_wrapper(text: str) -> list[str]:
        return wrap_columns(printable(text), paper.columns)

    rule = _Block(lines=("-" * paper.columns,), rule=True)
    mark = withdrawn_mark(doc.validity)
    blocks = [
        wrap(stamp.label, heading=True),
        rule,
        wrap(doc.title, heading=True),
        wrap(f"{mark}，仅供查阅参考" if mark else "", heading=True),
        wrap(*_fields(doc, job_no)),
        rule,
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


def wrap_columns(text: str, width: float, measure: Callable[[str], float] = columns) -> list[str]:
    """Printable text in lines of at most `width` columns, by the rules of Chinese line breaking.

    No line starts with a closing mark or ends with an opening one; numbers,
    Latin words, 索引号 and 文号 stay whole when they fit (`content_cache.linebreak`).
    `measure` gives a text's width (default: columns; raster slips measure dots).
    """
    lines = fill_lines(text.strip(), width, _char_widths(measure))
    return [line.strip() for line in lines if line.strip()]


@functools.lru_cache(maxsize=8)
def _char_widths(measure: Callable[[str], float]) -> CharWidths:
    """One per-character width cache per measure: a slip wraps a dozen short texts."""
    return CharWidths(measure)


# -- bytes -------------------------------------------------------------------


def encode_line(line: str) -> bytes:
    """One printed line: ASCII as is, anything else as GB18030 inside Chinese mode."""
    if line.isascii():
        return line.encode("ascii") + b"\n"
    return CHINESE_MODE_ON + line.encode("gb18030") + CHINESE_MODE_OFF + b"\n"


def _print_blocks(printer: Dummy, blocks: list[_Block], paper: ReceiptPaper, font: _RasterFont | None = None) -> None:
    for block in blocks:
        if block.qr:
            _print_qr(printer, block.qr, paper)
        elif font is not None:
            _print_raster(printer, block, font, paper)
        else:
            _print_lines(printer, block)


def _print_lines(printer: Dummy, block: _Block) -> None:
    if block.heading:
        printer.set(align="center", bold=True, double_height=True)
        printer._raw(KANJI_SIZE + b"\x08")  # double height, single width: the column count holds
    for line in block.lines:
        printer._raw(encode_line(line))
    if block.heading:
        printer._raw(KANJI_SIZE + b"\x00")
        printer.set(align="left", bold=False, normal_textsize=True)


@dataclass(frozen=True, slots=True)
class _RasterFont:
    """The CJK TrueType font at the printer's 24-dot size, and the characters it can draw."""

    face: ImageFont.FreeTypeFont
    coverage: frozenset[int]
    lock: threading.Lock  # a FreeType face is not safe to use from two threads at once
    advances: dict[str, float] = field(default_factory=dict)  # per character: FreeType is slow to ask
    glyphs: dict[str, tuple[Image.Image, int, int] | None] = field(default_factory=dict)  # mask, left, top

    def printable(self, text: str) -> str:
        """One line, no control codes, "?" for what the font lacks (emoji, Extension B...)."""
        return "".join(self._char(ch) for ch in text)

    def _char(self, ch: str) -> str:
        if ch.isspace():
            return " "
        if unicodedata.category(ch) in ("Cc", "Cf"):
            return ""
        return ch if ord(ch) in self.coverage else UNPRINTABLE

    def width(self, text: str) -> float:
        """Drawn width of `text` in dots (the sum of advances: the slip's font has no kerning to speak of)."""
        return sum(self.advances.get(ch) or self.advances.setdefault(ch, self.face.getlength(ch)) for ch in text)

    def draw(self, image: Image.Image, x: float, y: int, line: str) -> None:
        """Draw `line` in black from (x, y), glyph by glyph: FreeType renders each character once per process."""
        for ch in line:
            glyph = self._glyph(ch)
            if glyph is not None:
                mask, left, top = glyph
                image.paste(0, (round(x) + left, y + top), mask)
            x += self.width(ch)

    def _glyph(self, ch: str) -> tuple[Image.Image, int, int] | None:
        if ch not in self.glyphs:
            left, top, right, bottom = (int(edge) for edge in self.face.getbbox(ch))
            mask = None
            if right > left and bottom > top:  # a space draws nothing
                mask = Image.new("1", (right - left, bottom - top), 0)
                ImageDraw.Draw(mask).text((-left, -top), ch, font=self.face, fill=1)
            self.glyphs[ch] = (mask, left, top) if mask else None
        return self.glyphs[ch]

    def wrapper(self, paper: ReceiptPaper) -> Wrapper:
        """Wrap by the drawn width in dots: Latin glyphs such as W are wider than half a Chinese one."""
        return lambda text: wrap_columns(self.printable(text), paper.dots, self.width)


@functools.lru_cache(maxsize=4)
def _raster_font(path: Path) -> _RasterFont:
    coverage = font_coverage(register_cjk_font(path))  # the A4 copy's font, read once per process
    # Basic layout: the same dots whether or not libraqm is installed, and faster.
    face = ImageFont.truetype(str(path), RASTER_FONT_DOTS, index=0, layout_engine=ImageFont.Layout.BASIC)
    return _RasterFont(face, coverage, threading.Lock())


def _print_raster(printer: Dummy, block: _Block, font: _RasterFont, paper: ReceiptPaper) -> None:
    """The block as one image the paper's width, sent as GS v 0, which every ESC/POS printer takes."""
    image = Image.new("1", (paper.dots, RASTER_LINE_DOTS * len(block.lines)), 1)
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(block.lines):
        top = row * RASTER_LINE_DOTS
        if block.rule:
            draw.line((0, top + RASTER_LINE_DOTS // 2, paper.dots, top + RASTER_LINE_DOTS // 2), fill=0, width=2)
            continue
        left = (paper.dots - int(font.width(line))) // 2 if block.heading else 0
        font.draw(image, max(left, 0), top + 2, line)
    if block.heading:  # double height, single width, as the GB18030 slip's headings
        image = image.resize((image.width, image.height * 2), Image.Resampling.NEAREST)
    printer.image(image)


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
        version = int(code.best_fit())  # the size alone: make() would also try all eight masks, 10x the time
    except (DataOverflowError, ValueError):
        return 0
    modules = version * 4 + 17 + 8  # a version-v code is 4v+17 modules, plus a 4-module quiet zone each side
    return min(paper.max_qr_module, paper.dots // modules)


def _feed_and_cut(printer: Dummy) -> None:
    printer.cut()  # feeds, then cuts if the profile lists a cutter
    if not (printer.profile.supports("paperFullCut") or printer.profile.supports("paperPartCut")):
        # escpos's 58 mm profiles list no cutter, yet many 58 mm kiosk printers have
        # one; printers without a cutter ignore GS V.
        printer._raw(PAPER_FULL_CUT)
