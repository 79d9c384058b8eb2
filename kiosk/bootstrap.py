"""Building the services from the configuration: paths, stores, printers, demo content."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from typing import Literal, cast

from content_cache import ContentCache
from content_cache.db import sqlite_url
from kiosk.config import Config
from kiosk.services import PrintSettings, Services
from kiosk.state import StateStore
from printing import SpoolPrinter, find_cjk_font

log = logging.getLogger(__name__)


def setup_logging(config: Config) -> None:
    """Log to KIOSK_HOME/logs/kiosk.log (rotated), never to the citizen's screen."""
    folder = config.home / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(folder / "kiosk.log", maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.raiseExceptions = False  # a full disk must not turn a log line into a traceback on stderr
    root = logging.getLogger()
    # python-escpos calls logging.basicConfig() on import; the log file replaces that stderr handler.
    for old in [h for h in root.handlers if type(h) is logging.StreamHandler]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def open_content(config: Config) -> ContentCache:
    """The content cache named by the configuration."""
    return ContentCache.open(config.path("content.database", "content.db"))


def state_url(config: Config) -> str:
    """The state store's URL: the setting, or an SQLite file in KIOSK_HOME."""
    url = config.text("state.database")
    if url:
        return url
    config.home.mkdir(parents=True, exist_ok=True)
    return sqlite_url(config.home / "state.db")


def ensure_content(content: ContentCache, config: Config) -> int:
    """Load the demo content into an empty cache; returns the items loaded (0 when not empty)."""
    if content.item_count():
        return 0
    count = int(config.number("content.demo_count"))
    log.info("content cache is empty: loading demo content (%d items)", count)
    return content.load_demo(count, int(config.number("content.demo_seed")))


def build_services(config: Config) -> Services:
    """The services facade over the configured stores and printers."""
    font = find_cjk_font(config.text("display.font") or None)
    settings = PrintSettings(
        kiosk_name=config.text("room.name"),
        font_path=font,
        receipt_width=cast(Literal["58mm", "80mm"], config.text("printing.receipt_width")),
        collect_at=config.text("printing.collect_at"),
    )
    printer = SpoolPrinter(config.path("printing.spool_dir", "spool"))
    return Services(open_content(config), StateStore(state_url(config)), printer, settings)
