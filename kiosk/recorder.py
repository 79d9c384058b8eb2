"""Records a visit's usage events off the UI thread; a store that cannot take them drops them with one log line.

The recorder keeps what it needs to count a visit once per thing: the screens
it saw, the zero-hit queries it asked, whether it read or printed (then the
rating screen is offered). A search is the query the citizen settled on: while
they type, each longer or shorter form of the same query replaces the one
before; it is counted when they read a document, leave Search or end the visit.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from kiosk import usage
from kiosk.state import StateStore, now
from kiosk.usage import Event

log = logging.getLogger(__name__)

BATCH = 500  # events written in one transaction at most
INDEX_NO = re.compile(r"^[0-9a-z]{4,}/\d{4}-\d+$", re.IGNORECASE)
DOC_NO = re.compile(r"[〔\[(（]\s*\d{4}\s*[〕\])）]|\d{4}.*号|第?\d+号")
QUERY_CLASSES: dict[str, str] = {
    "text": "文字",
    "letters": "拼音或首字母",
    "doc_no": "文号",
    "index_no": "索引号",
    "mixed": "文字与字母",
}


def query_class(query: str) -> str:
    """What kind of search a query is (its text is never kept): a key of QUERY_CLASSES."""
    typed = query.strip()
    if INDEX_NO.match(typed):
        return "index_no"
    if DOC_NO.search(typed):
        return "doc_no"
    letters = any(char.isascii() and char.isalpha() for char in typed)
    if letters and all(char.isascii() for char in typed):
        return "letters"
    return "mixed" if letters else "text"


@dataclass(frozen=True, slots=True)
class _ZeroAsked:
    """A visit asked this query and it found nothing (counted once a visit)."""

    query: str
    at: datetime


@dataclass(frozen=True, slots=True)
class _Flushed:
    """Set once everything handed over before it is written."""

    done: threading.Event


Item = Event | _ZeroAsked | _Flushed | None


@dataclass(slots=True)
class _Pending:
    query: str
    hits: int
    at: datetime


class UsageRecorder:
    """Takes events from any thread and writes them in its own; `flush()` waits until they are written."""

    def __init__(self, store: StateStore | Callable[[], StateStore]) -> None:
        self._store = store  # or how to get it, in the writer's thread (the App's services open after its first frame)
        self._queue: queue.Queue[Item] = queue.Queue()
        self._lock = threading.Lock()
        self._visit = ""
        self._began = 0.0
        self._seen: set[str] = set()
        self._zero_asked: set[str] = set()
        self._acted = False
        self._pending: _Pending | None = None
        self._failing = False
        self._thread = threading.Thread(target=self._write_loop, name="usage-recorder", daemon=True)
        self._thread.start()

    # -- a visit -------------------------------------------------------------------------------------

    @property
    def visit(self) -> str:
        return self._visit

    @property
    def acted(self) -> bool:
        """The visit read or printed something: it is offered the rating screen at its end."""
        return self._acted

    def touched(self) -> None:
        """A touch: a visit begins, unless one has."""
        with self._lock:
            if not self._visit:
                self._begin(uuid.uuid4().hex[:16])

    def _begin(self, token: str) -> None:
        self._visit, self._began = token, time.monotonic()
        self._seen, self._zero_asked, self._acted, self._pending = set(), set(), False, None
        self._put(Event("visit", token))

    def end_visit(self, reason: str) -> None:
        """The visit ended (`idle` or `end`); nothing more is counted until the next touch."""
        with self._lock:
            if not self._visit:
                return
            self._commit_search()
            seconds = int(time.monotonic() - self._began)
            self._put(Event("visit_end", self._visit, reason, amount=seconds))
            self._visit, self._pending, self._acted = "", None, False

    def saw(self, screen: str) -> None:
        """The visit showed `screen` (counted once a visit); leaving Search counts the search settled on."""
        with self._lock:
            if not self._visit:
                return
            if screen != "search":
                self._commit_search()
            if screen not in self._seen:
                self._seen.add(screen)
                self._put(Event("screen", self._visit, screen))

    def searched(self, query: str, hits: int) -> None:
        """A search's first page came back: it replaces the one before while the citizen refines it."""
        typed = query.strip()
        with self._lock:
            if not self._visit or not typed:
                return
            pending = self._pending
            if pending is not None and not (typed.startswith(pending.query) or pending.query.startswith(typed)):
                self._commit_search()
            self._pending = _Pending(typed, hits, now())

    def _commit_search(self) -> None:
        pending, self._pending = self._pending, None
        if pending is None:
            return
        zero = pending.hits == 0
        self._put(Event("search", self._visit, query_class(pending.query), amount=int(zero), at=pending.at))
        normal = usage.normalised_query(pending.query)
        if zero and normal and normal not in self._zero_asked:
            self._zero_asked.add(normal)
            self._queue.put(_ZeroAsked(pending.query, pending.at))

    def read(self, index_no: str, seconds: float) -> None:
        """A document was on screen for `seconds`."""
        self._act(Event("read", "", index_no=index_no, amount=round(seconds)))

    def printed(self) -> None:
        """A print was confirmed (the print worker counts the copy when it is done)."""
        with self._lock:
            self._acted = self._acted or bool(self._visit)

    def opened_attachment(self, index_no: str) -> None:
        self._act(Event("attachment", "", index_no=index_no))

    def rated(self, rating: str, reasons: tuple[str, ...] = ()) -> None:
        """The citizen's rating of the visit, with the reasons given with 不满意."""
        with self._lock:
            if not self._visit:
                return
            self._put(Event("rating", self._visit, rating))
            for reason in reasons:
                self._put(Event("reason", self._visit, reason))

    def _act(self, event: Event) -> None:
        with self._lock:
            if not self._visit:
                return
            self._commit_search()
            self._acted = True
            self._put(Event(event.kind, self._visit, event.label, event.index_no, amount=event.amount))

    def _put(self, event: Event) -> None:
        self._queue.put(event if event.at is not None else replace(event, at=now()))

    # -- the writer ----------------------------------------------------------------------------------

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every event handed over is written (or dropped); False when `timeout` ran out."""
        flushed = _Flushed(threading.Event())
        self._queue.put(flushed)
        return flushed.done.wait(timeout) if self._thread.is_alive() else False

    def close(self) -> None:
        """Count the search settled on, write what is left and stop the writer."""
        with self._lock:
            self._commit_search()
        self._queue.put(None)
        self._thread.join(timeout=10)

    def _write_loop(self) -> None:
        while True:
            batch = [self._queue.get(), *self._drain()]
            self._write([item for item in batch if isinstance(item, Event | _ZeroAsked)])
            for item in batch:
                if isinstance(item, _Flushed):
                    item.done.set()
            if None in batch:
                return

    def _drain(self) -> list[Item]:
        found: list[Item] = []
        while len(found) < BATCH:
            try:
                found.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return found

    def _write(self, batch: list[Event | _ZeroAsked]) -> None:
        if not batch:
            return
        try:
            store = self._store if isinstance(self._store, StateStore) else self._store()
            with store.begin() as session:
                usage.add_events(session, [item for item in batch if isinstance(item, Event)])
                for asked in batch:
                    if isinstance(asked, _ZeroAsked):
                        usage.count_zero_query(session, asked.query, asked.at)
        except Exception as exc:  # a full disk, a locked store: the figures lose these events, nothing else
            if not self._failing:
                log.warning("usage events dropped: the state store did not take them (%s)", exc)
            self._failing = True
        else:
            self._failing = False
