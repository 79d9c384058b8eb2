from __future__ import annotations

from pathlib import Path

import pytest

from printing import fonts
from printing.errors import FontNotFound, PrintError

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


def test_finds_wqy_microhei_first() -> None:
    assert fonts.KNOWN_CJK_FONTS[0] == WQY
    assert fonts.find_cjk_font() == WQY


def test_existing_preferred_font_wins(tmp_path: Path) -> None:
    preferred = tmp_path / "house.ttf"
    preferred.write_bytes(b"")
    assert fonts.find_cjk_font(str(preferred)) == preferred


def test_missing_preferred_font_falls_back(tmp_path: Path) -> None:
    assert fonts.find_cjk_font(str(tmp_path / "absent.ttf")) == WQY


def test_no_font_names_the_debian_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(fonts, "KNOWN_CJK_FONTS", (tmp_path / "none.ttc",))
    with pytest.raises(FontNotFound, match="fonts-wqy-microhei") as caught:
        fonts.find_cjk_font()
    assert isinstance(caught.value, PrintError)


def test_no_cff_fonts_in_the_search_list() -> None:
    assert not any("noto" in str(path).lower() for path in fonts.KNOWN_CJK_FONTS)


def test_registration_is_cached_by_path(monkeypatch: pytest.MonkeyPatch) -> None:
    name = fonts.register_cjk_font(WQY)
    loads: list[Path] = []
    monkeypatch.setattr(fonts, "_load_font", lambda font_name, path: loads.append(path))
    assert fonts.register_cjk_font(WQY) == name and fonts.register_cjk_font(Path(str(WQY) + "/../" + WQY.name)) == name
    assert loads == []  # the second registration, by the same path however spelt, reads no file
    assert ord("国") in fonts.font_coverage(name)


def test_a_file_that_is_no_truetype_font_is_reported(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.ttf"
    bogus.write_bytes(b"OTTO" + b"\0" * 64)
    with pytest.raises(FontNotFound, match="fonts-wqy-microhei"):
        fonts.register_cjk_font(bogus)
