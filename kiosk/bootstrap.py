"""Building the services from the configuration: paths, stores, printers, demo content.

The settings are checked first, without opening anything (`check_settings`);
the stores and their SQLAlchemy load only in `build_services`, so that `kiosk
run` can draw its first frame before them.

The two stores are treated as what they are. The content cache is disposable:
a damaged one is said in one line, set aside and made anew, filled from the
demo content on a kiosk without a feed and by a sync on one with a feed (never
with demo documents there). The state store is precious: see kiosk/state.py
for why a lost or damaged one is refused, and kiosk/backup.py for its backups.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.config import Config, attachments_dir
from kiosk.errors import ConfigError, KioskError
from printing.base import Printer
from printing.document import PrintKind
from printing.errors import PrinterConfigError
from printing.factory import document_printer, parse_printers, receipt_printer
from printing.fonts import find_cjk_font
from printing.uri import DocumentTarget, ReceiptTarget

if TYPE_CHECKING:
    from content_cache import ContentCache
    from kiosk.jobs import QueuePolicy
    from kiosk.services import Services
    from kiosk.state import StateStore

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CheckedSettings:
    """What the printing settings say, checked: the two printers and the CJK font."""

    document: DocumentTarget
    receipt: ReceiptTarget
    font: Path


Say = Callable[[str], None]


def to_stderr(line: str) -> None:
    """Say one line to the operator, apart from a command's output."""
    print(line, file=sys.stderr, flush=True)


def setup_logging(config: Config) -> None:
    """Log to KIOSK_HOME/logs/kiosk.log (rotated), never to the citizen's screen.

    Where KIOSK_HOME cannot be written, nothing is logged: `kiosk config` still
    works, and a command that needs the folder says so (`require_writable_home`).
    """
    folder = config.home / "logs"
    handler: logging.Handler
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(folder / "kiosk.log", maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()  # else Python's last resort would print log records on stderr
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
        record.msg, record.args = (
            "Cutbuffer: none (xclip and xsel are not installed; the kiosk needs no cut buffer)",
            (),
        )
    return True


def require_writable_home(config: Config) -> None:
    """A ConfigError in one line when KIOSK_HOME cannot be made or written (the stores, logs and spool live there)."""
    home = config.home
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"KIOSK_HOME {home} cannot be made: {exc.strerror or exc}") from None
    if not os.access(home, os.W_OK | os.X_OK):
        raise ConfigError(
            f"KIOSK_HOME {home} is not writable: the kiosk keeps its stores, logs and copies there "
            "(set KIOSK_HOME to a folder this user can write)"
        )


def feed_configured(config: Config) -> bool:
    """Whether this kiosk takes its content from a publisher's feed (then it never shows demo content)."""
    return bool(config.settings.sync.source.strip())


def open_content(config: Config, *, full_check: bool = False, say: Say = to_stderr) -> ContentCache:
    """The content cache named by the configuration; a damaged one is said, set aside and made anew.

    `full_check` reads every page first, whatever the cache's size (`kiosk sync --full`).
    """
    from content_cache.cache import CacheDamaged, ContentCache
    from content_cache.db import set_aside

    require_writable_home(config)
    path = config.path("content.database", "content.db")
    try:
        return ContentCache.open(path, full_check=full_check)
    except CacheDamaged as exc:
        log.warning("%s: setting it aside", exc)
        damaged = str(exc)
        aside = set_aside(path, "damaged")
    content = ContentCache.open(path)
    if feed_configured(config):
        say(
            f"{damaged}; the content cache is disposable: the damaged file is kept as {aside.name}, and the cache "
            f"is made anew and filled from the feed by the next sync (`kiosk sync`; the kiosk syncs at start)"
        )
        return content
    say(
        f"{damaged}; the content cache is disposable: the damaged file is kept as {aside.name}, and the cache "
        f"is made anew from the demo content"
    )
    ensure_content(content, config)
    return content


def state_url(config: Config) -> str:
    """The state store's URL: the setting, or an SQLite file in KIOSK_HOME."""
    from content_cache.db import sqlite_url

    url = config.settings.state.database
    if url:
        return url
    require_writable_home(config)
    return sqlite_url(config.home / "state.db")


def open_state(config: Config) -> StateStore:
    """The state store, refused in one line when it was lost, is damaged or is being restored."""
    from kiosk.state import open_state_store

    require_writable_home(config)
    return open_state_store(state_url(config), config.home)


def content_is_empty(content: ContentCache) -> bool:
    """True when the cache holds no item: one row looked at, where a count would read them all."""
    from sqlalchemy import select

    from content_cache.models import Item

    with content.session() as session:
        return session.scalar(select(Item.id).limit(1)) is None


def ensure_content(content: ContentCache, config: Config) -> int:
    """Load the demo content into an empty cache of a kiosk without a feed; returns the items loaded.

    0 when the cache is not empty, or when a feed is configured: there the sync
    fills the cache, and documents made up for a demonstration, some with
    real-looking 索引号, must never be read or printed as the publisher's.
    """
    if not content_is_empty(content) or feed_configured(config):
        return 0
    count = int(config.settings.content.demo_count)
    log.info("content cache is empty: loading demo content (%d items)", count)
    return content.load_demo(count, int(config.settings.content.demo_seed))


def prepare_content(content: ContentCache, config: Config, say: Say = print) -> None:
    """At start: an empty cache gets the demo content on a kiosk without a feed; on one with a feed, it waits
    for the sync that starts at once (Home says 内容正在更新 meanwhile). A kiosk given a feed after it showed
    the demo content removes that content first: made-up documents are never shown beside, or instead of, the
    publisher's."""
    if feed_configured(config) and not content_is_empty(content) and content.feed_sequence() is None:
        removed = remove_unsynced_content(content)
        say(f"A feed is configured: the {removed} items not from the feed (demo content) were removed")
        log.warning("a feed is configured: %d items not from it (demo content) removed", removed)
    if not content_is_empty(content):
        return
    if feed_configured(config):
        when = (
            "by a sync now"
            if config.settings.sync.in_app
            else "by the next sync (sync.in_app is off: the system runs it)"
        )
        say(f"The content cache is empty: it is filled from the feed ({config.settings.sync.source}) {when}")
        return
    say(f"The content cache is empty: loading the demo content ({int(config.settings.content.demo_count)} items)")
    ensure_content(content, config)


def remove_unsynced_content(content: ContentCache) -> int:
    """Remove every item of a cache that never synced (demo content); how many there were."""
    from sqlalchemy import select

    from content_cache.models import Item
    from content_cache.store import withdraw_items

    with content.transaction() as session:
        removed = withdraw_items(session, list(session.scalars(select(Item.index_no))))
    return removed


def queue_policy(config: Config) -> QueuePolicy:
    """The room's rules for copies, from the printing.* settings."""
    from kiosk.jobs import QueuePolicy

    return QueuePolicy(
        pages_per_visit=int(config.settings.printing.pages_per_visit),
        pages_per_day=int(config.settings.printing.pages_per_day),
        release_above=int(config.settings.printing.release_above_pages),
        fee_per_page_cents=round(config.settings.printing.fee_per_page * 100),
        hold_hours=config.settings.printing.hold_hours,
    )


def check_settings(config: Config) -> CheckedSettings:
    """The printing settings checked, nothing opened: a bad printer URI or a negative quota is a ConfigError,
    and so is a KIOSK_HOME that cannot be written."""
    require_writable_home(config)
    try:
        document, receipt = parse_printers(
            config.settings.printing.document, config.settings.printing.receipt, config.home
        )
    except PrinterConfigError as exc:
        raise ConfigError(str(exc)) from None
    printing = config.settings.printing
    for key, value in (
        ("printing.pages_per_visit", printing.pages_per_visit),
        ("printing.pages_per_day", printing.pages_per_day),
        ("printing.release_above_pages", printing.release_above_pages),
        ("printing.fee_per_page", printing.fee_per_page),
        ("printing.hold_hours", printing.hold_hours),
    ):
        if value < 0:
            raise ConfigError(f"{key} must not be negative")
    return CheckedSettings(document, receipt, find_cjk_font(config.settings.display.font or None))


def build_services(config: Config, checked: CheckedSettings | None = None) -> Services:
    """The services facade over the configured stores and printers; a bad printer URI is a ConfigError."""
    from kiosk.backup import job_number_floor
    from kiosk.jobs import JobQueue
    from kiosk.services import PrintSettings, Services

    checked = checked or check_settings(config)
    settings = PrintSettings(
        kiosk_name=config.settings.room.name,
        font_path=checked.font,
        receipt_width=checked.receipt.width,
        collect_at=config.settings.printing.collect_at,
        receipt_text=checked.receipt.text,
    )
    state = open_state(config)
    try:
        printers: dict[PrintKind, Printer] = {
            "a4": document_printer(checked.document),
            "receipt": receipt_printer(checked.receipt),
        }
        spools = [target.folder for target in (checked.document, checked.receipt) if target.folder is not None]
        queue = JobQueue(
            state, printers, config.home / "jobs", queue_policy(config), number_floor=job_number_floor(config, spools)
        )
        model = config.settings.display.handwriting_model
        room = config.settings.room
        return Services(
            open_content(config),
            state,
            queue,
            settings,
            attachments_dir(config),
            Path(model) if model else None,
            room=(room.place, room.name),
            usage_days=config.settings.state.usage_days,
        )
    except BaseException:
        state.close()
        raise


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
        except BaseException as exc:
            if isinstance(exc, KioskError):  # foreseen (a lost or damaged state store): its line says it all
                log.error("the kiosk's stores could not be opened: %s", exc)
            else:
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
