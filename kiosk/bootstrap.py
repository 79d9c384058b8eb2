"""Building the services from the configuration: paths, stores, printers, demo content."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler

from sqlalchemy import select

from content_cache import ContentCache
from content_cache.db import sqlite_url
from content_cache.models import Item
from kiosk.config import Config, attachments_dir
from kiosk.errors import ConfigError
from kiosk.jobs import JobQueue, QueuePolicy
from kiosk.services import PrintSettings, Services
from kiosk.state import StateStore
from printing.fonts import find_cjk_font
from printing.errors import PrinterConfigError
from printing.factory import document_printer, parse_printers, receipt_printer

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


def content_is_empty(content: ContentCache) -> bool:
    """True when the cache holds no item: one row looked at, where a count would read them all."""
    with content.session() as session:
        return session.scalar(select(Item.id).limit(1)) is None


def ensure_content(content: ContentCache, config: Config) -> int:
    """Load the demo content into an empty cache; returns the items loaded (0 when not empty)."""
    if not content_is_empty(content):
        return 0
    count = int(config.number("content.demo_count"))
    log.info("content cache is empty: loading demo content (%d items)", count)
    return content.load_demo(count, int(config.number("content.demo_seed")))


def queue_policy(config: Config) -> QueuePolicy:
    """The room's rules for copies, from the printing.* settings."""
    return QueuePolicy(
        pages_per_visit=int(config.number("printing.pages_per_visit")),
        pages_per_day=int(config.number("printing.pages_per_day")),
        release_above=int(config.number("printing.release_above_pages")),
        fee_per_page_cents=round(config.number("printing.fee_per_page") * 100),
        hold_hours=config.number("printing.hold_hours"),
    )


def build_services(config: Config) -> Services:
    """The services facade over the configured stores and printers; a bad printer URI is a ConfigError."""
    try:
        document, receipt = parse_printers(
            config.text("printing.document"), config.text("printing.receipt"), config.home
        )
    except PrinterConfigError as exc:
        raise ConfigError(str(exc)) from None
    for setting in ("printing.pages_per_visit", "printing.pages_per_day", "printing.release_above_pages",
                    "printing.fee_per_page", "printing.hold_hours"):
        if config.number(setting) < 0:
            raise ConfigError(f"{setting} must not be negative")
    font = find_cjk_font(config.text("display.font") or None)
    settings = PrintSettings(
        kiosk_name=config.text("room.name"),
        font_path=font,
        receipt_width=receipt.width,
        collect_at=config.text("printing.collect_at"),
        receipt_text=receipt.text,
    )
    state = StateStore(state_url(config))
    printers = {"a4": document_printer(document), "receipt": receipt_printer(receipt)}
    queue = JobQueue(state, printers, config.home / "jobs", queue_policy(config))
    return Services(open_content(config), state, queue, settings, attachments_dir(config))
