"""PDF attachments of hostile shapes: pages counted and drawn only when the screen can hold them, refused in words."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfWriter
from pypdf.generic import NameObject, RectangleObject

from printing.errors import RenderError
from printing.pdf import ENCRYPTED, TOO_TALL, TOO_WIDE, page_image, pdf_pages


def _pdf(
    width: float,
    height: float,
    *,
    pages: int = 1,
    rotate: int = 0,
    boxes: dict[str, list[float]] | None = None,
    user_password: str | None = None,
) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        page = writer.add_blank_page(width=width, height=height)
        for name, box in (boxes or {}).items():
            page[NameObject(name)] = RectangleObject(box)
        if rotate:
            page.rotate(rotate)
    if user_password is not None:
        writer.encrypt(user_password=user_password, owner_password="staff-only")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (_pdf(200, 20_000), TOO_TALL),  # one very tall page: 100,000 pixels tall at the screen's width
        (_pdf(20_000, 200, rotate=90), TOO_TALL),  # wide as stored, tall as shown
        (_pdf(595, 4_000), TOO_TALL),
        (_pdf(20_000, 200), TOO_WIDE),
        (_pdf(200, 20_000, rotate=270), TOO_WIDE),
        (_pdf(595, 842, boxes={"/CropBox": [0, 0, 0, 0], "/MediaBox": [0, 0, 0, 0]}), None),
        (_pdf(595, 842, boxes={"/MediaBox": [0, 0, 300, 0]}), None),
    ],
    ids=["tall strip", "rotated to tall", "four sheets long", "banner", "rotated to wide", "no box", "no height"],
)
def test_a_page_the_screen_cannot_hold_is_refused_in_words_before_it_is_drawn(data: bytes, words: str | None) -> None:
    assert pdf_pages(data) == 1  # it still counts, and prints as it is
    if words is None:  # pdfium gives a page of no size (a box of no area) a letter sheet's: it is drawn
        assert _png_size(page_image(data, 0, 1000))[0] == 1000
        return
    with pytest.raises(RenderError) as refused:
        page_image(data, 0, 1000)
    assert str(refused.value) == words


@pytest.mark.parametrize(
    ("data", "size"),
    [
        (_pdf(14_400, 14_400), (1000, 1000)),  # the largest page PDF allows, square
        (_pdf(842, 595), (1000, 707)),  # A4 landscape
        (_pdf(595, 842, rotate=90), (1000, 707)),  # A4 turned by /Rotate
        (_pdf(1, 1), (1000, 1000)),
        (_pdf(100, 400), (1000, 4000)),  # exactly as tall as allowed
    ],
    ids=["14400 square", "landscape", "rotated", "one point", "limit"],
)
def test_pages_of_any_reasonable_shape_are_drawn_at_the_width_asked(data: bytes, size: tuple[int, int]) -> None:
    width, height = _png_size(page_image(data, 0, 1000))
    assert width == size[0] and abs(height - size[1]) <= 1


def test_a_pdf_of_very_many_pages_is_counted_and_any_page_drawn() -> None:
    data = _pdf(595, 842, pages=20_000)
    assert pdf_pages(data) == 20_000
    assert _png_size(page_image(data, 19_999, 800))[0] == 800
    with pytest.raises(RenderError, match="没有第 20001 页"):
        page_image(data, 20_000, 800)


@pytest.mark.parametrize("user_password", ["", "secret"], ids=["owner password only", "user password"])
def test_an_encrypted_pdf_is_refused_as_locked(user_password: str) -> None:
    data = _pdf(595, 842, user_password=user_password)
    with pytest.raises(RenderError) as refused:
        pdf_pages(data)
    assert str(refused.value) == ENCRYPTED
    with pytest.raises(RenderError) as refused:
        page_image(data, 0, 800)
    assert str(refused.value) == ENCRYPTED
