"""Building the services from the configuration: paths, stores, printers, demo content.

The settings are checked first, without opening anything (`check_settings`);
the stores and their SQLAlchemy load only in `build_services`, so that `kiosk
run` can draw its first frame before them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.config import Config, attachments_dir
from kiosk.errors import ConfigError
from printing.errors import PrinterConfigError
from printing.factory import document_printer, parse_printers, receipt_printer
from printing.uri import DocumentTarget, ReceiptTarget
from printing.fonts import find_cjk_font

if TYPE_CHECKING:
    from content_cache import ContentCache
    from kiosk.jobs import QueuePolicy
    from kiosk.services import Services

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CheckedSettings:
    """What the printing settings say, checked: the two printers and the CJK font."""

    document: DocumentTarget
    receipt: ReceiptTarget
    font: Path


def setup_logging(config: Config) -> None:
    """Log to KIOSK_HOME/logs/kiosk.log (rotated), never to the citizen's screen."""
    folder = config.home / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(folder / "kiosk.log", maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_no_cut_buffer_alarm)
    logging.raiseExceptions = False  # a full disk must not turn a log line into a traceback on stderr
    root = logging.getLogger()
    # python-escpos calls logging.basicConfig() on import; the log file replaces that stderr handler.
    for old in [h for h in root.handlers if type(h) is logging.StreamHandler]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def _no_cut_buffer_alarm(record: logging.LogRecord) -> bool:
    """Kivy's CRITICAL entry, with a traceback, when xclip and xsel are missing: the kiosk copies and pastes
    nothing, so it is one INFO line, not an alarm that staff would take for a failure."""
    if record.levelno >= logging.CRITICAL and str(record.msg).startswith("Cutbuffer: Unable to find"):
        record.levelno, record.levelname = logging.INFO, "INFO"
        record.msg, record.args = "Cutbuffer: none (xclip and xsel are not installed; the kiosk needs no cut buffer)", ()
    return True


def open_content(config: Config) -> ContentCache:
    """The content cache named by the configuration."""
    from content_cache import ContentCache

    return ContentCache.open(config.path("content.database", "content.db"))


def state_url(config: Config) -> str:
    """The state store's URL: the setting, or an SQLite file in KIOSK_HOME."""
    from content_cache.db import sqlite_url

    url = config.text("state.database")
    if url:
        return url
    config.home.mkdir(parents=True, exist_ok=True)
    return sqlite_url(config.home / "state.db")


def content_is_empty(content: ContentCache) -> bool:
    """True when the cache holds no item: one row looked at, where a count would read them all."""
    from sqlalchemy import select

    from content_cache.models import Item

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
    from kiosk.jobs import QueuePolicy

    return QueuePolicy(
        pages_per_visit=int(config.number("printing.pages_per_visit")),
        pages_per_day=int(config.number("printing.pages_per_day")),
        release_above=int(config.number("printing.release_above_pages")),
        fee_per_page_cents=round(config.number("printing.fee_per_page") * 100),
        hold_hours=config.number("printing.hold_hours"),
    )


def check_settings(config: Config) -> CheckedSettings:
    """The printing settings checked, nothing opened: a bad printer URI or a negative quota is a ConfigError."""
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
    return CheckedSettings(document, receipt, find_cjk_font(config.text("display.font") or None))


def build_services(config: Config, checked: CheckedSettings | None = None) -> Services:
    """The services facade over the configured stores and printers; a bad printer URI is a ConfigError."""
    from kiosk.jobs import JobQueue
    from kiosk.services import PrintSettings, Services
    from kiosk.state import StateStore

    checked = checked or check_settings(config)
    settings = PrintSettings(
        kiosk_name=config.text("room.name"),
        font_path=checked.font,
        receipt_width=checked.receipt.width,
        collect_at=config.text("printing.collect_at"),
        receipt_text=checked.receipt.text,
    )
    state = StateStore(state_url(config))
    printers = {"a4": document_printer(checked.document), "receipt": receipt_printer(checked.receipt)}
    queue = JobQueue(state, printers, config.home / "jobs", queue_policy(config))
    return Services(open_content(config), state, queue, settings, attachments_dir(config))


class ServicesOpening:
    """The services, opened in a thread of their own once `open_in_background()` is called.

    `kiosk run` draws Home's first frame before the stores and SQLAlchemy are
    loaded, then opens them here while Home says 正在载入…: the App calls
    `open_in_background()` when its first frame is drawn, so that the opening
    does not compete with it for the processor. Any attribute of the services
    facade read before then waits; if opening failed, it raises what opening
    raised, every time.
    """

    def __init__(self, open_services: Callable[[], Services], on_failed: Callable[[BaseException], None]) -> None:
        self._open_services = open_services
        self._on_failed = on_failed
        self._done = threading.Event()
        self._services: Services | None = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def open_in_background(self) -> None:
        """Start opening the services (once)."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._open, name="open-services", daemon=True)
                self._thread.start()

    def _open(self) -> None:
        try:
            self._services = self._open_services()
        except BaseException as exc:  # noqa: BLE001 - kept and raised again to every caller
            log.exception("the kiosk's stores could not be opened")
            self._error = exc
            self._on_failed(exc)
        finally:
            self._done.set()

    def opened(self) -> Services:
        """The services, once `open_in_background()` has opened them; what opening raised, if it failed."""
        self._done.wait()
        if self._error is not None:
            raise self._error
        assert self._services is not None
        return self._services

    def __getattr__(self, name: str) -> Any:
        return getattr(self.opened(), name)

    def raise_failure(self) -> None:
        """Raise what opening raised, if it was tried and failed."""
        if self._done.is_set() and self._error is not None:
            raise self._error

    def close(self) -> None:
        """Close the services if they were opened; wait for an opening under way."""
        with self._lock:
            started = self._thread is not None
        if started:
            self._done.wait()
        if self._services is not None:
            self._services.close()
