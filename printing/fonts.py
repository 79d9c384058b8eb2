"""Finding and registering the Chinese TrueType font used on A4 copies.

reportlab embeds TrueType (glyf) outlines only; Noto CJK and Source Han are
CFF-based and are rejected, so they are deliberately not in the search list.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from printing.errors import FontNotFound

if TYPE_CHECKING:
    from reportlab.pdfbase.ttfonts import TTFont

KNOWN_CJK_FONTS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),  # fonts-wqy-microhei
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),  # fonts-wqy-zenhei
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),  # fonts-arphic-uming
    Path("/usr/share/fonts/truetype/arphic/ukai.ttc"),  # fonts-arphic-ukai
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),  # fonts-droid-fallback
)

INSTALL_HINT = (
    "Install the Debian package fonts-wqy-microhei "
    "(sudo apt-get install fonts-wqy-microhei) or set a TrueType CJK font path "
    "in the kiosk configuration."
)

_lock = threading.Lock()
_registered: dict[Path, str] = {}
_coverage: dict[str, frozenset[int]] = {}


def find_cjk_font(preferred: str | None = None) -> Path:
    """Return `preferred` if it exists, else the first installed known CJK TrueType font."""
    candidates = ([Path(preferred)] if preferred else []) + list(KNOWN_CJK_FONTS)
    for path in candidates:
        if path.is_file():
            return path
    looked = ", ".join(str(p) for p in candidates)
    raise FontNotFound(f"No Chinese font for printed copies was found (looked for {looked}). {INSTALL_HINT}")


def register_cjk_font(path: Path) -> str:
    """Register the font at `path` with reportlab once per process and return its name."""
    key = Path(path).resolve()
    with _lock:
        name = _registered.get(key)
        if name is None:
            name = f"KioskCJK{len(_registered)}"
            font = _load_font(name, key)
            from reportlab.pdfbase import pdfmetrics  # reportlab loads only when something is printed

            pdfmetrics.registerFont(font)
            _coverage[name] = frozenset(font.face.charToGlyph)
            _registered[key] = name
    return name


def font_coverage(name: str) -> frozenset[int]:
    """Code points the registered font `name` has glyphs for."""
    return _coverage[name]


def _load_font(name: str, path: Path) -> TTFont:
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    # subfontIndex=0 picks the proportional face of a .ttc collection.
    try:
        return TTFont(name, str(path), subfontIndex=0)
    except TTFError as exc:
        raise FontNotFound(
            f"The font {path} cannot be embedded in PDF copies ({exc}); "
            f"it must be a TrueType font, not CFF/OpenType like Noto CJK. {INSTALL_HINT}"
        ) from exc
    except OSError as exc:
        raise FontNotFound(f"The font {path} cannot be read ({exc}). {INSTALL_HINT}") from exc
