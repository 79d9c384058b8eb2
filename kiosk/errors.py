"""Errors of the composition root, and the one place that says any error to a citizen.

    KioskError            base of everything raised in kiosk/
    ├── ConfigError       a setting is unknown, mistyped, or the config file is unreadable
    └── Refusal           a request refused for a reason written for the citizen (a quota, a missing file)

The CLI maps these, and the errors of content_cache (ContentError) and printing
(PrintError), to one line on stderr and a non-zero exit. A screen never sees an
exception's text: `trouble()` turns whatever went wrong into plain Chinese
(what happened, what to do next), and the services add the true state of the
citizen's job; the log keeps the detail.
"""

from __future__ import annotations

import errno
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from content_cache.errors import AttachmentNotFound
from printing.errors import CopyTooLong, FontNotFound, PrintError, PrinterUnavailable, RenderError, RenderTimedOut
from screens.services import CitizenError

ASK_STAFF = "请到服务台找工作人员帮助。"


class KioskError(Exception):
    """Base of the kiosk's own errors."""


class ConfigError(KioskError):
    """A setting is unknown or has a value of the wrong type."""


class Refusal(KioskError):
    """A request the kiosk turns down; the message is fixed Chinese for the citizen (no exception text in it)."""


@dataclass(frozen=True, slots=True)
class Trouble:
    """What went wrong, for the citizen: what happened and what to do next."""

    what: str
    next_step: str = ""

    @property
    def text(self) -> str:
        """Both sentences, as one paragraph."""
        return self.what + self.next_step


DISK_FULL = Trouble("本机存储空间已满，打印内容无法保存。", ASK_STAFF)
BUSY = Trouble("本机正忙，打印没有登记上。", "请稍等片刻再试一次；如仍不行，" + ASK_STAFF)
PRINTER_OFF = Trouble("打印机暂时无法使用。", "请稍后再试，或" + ASK_STAFF)
NO_FONT = Trouble("本机缺少打印用的中文字体，暂时无法打印。", ASK_STAFF)
TOO_LONG = Trouble("这份文件太长，超过了本机一次能打印的页数。", "可以在屏幕上阅读；如需纸质件，" + ASK_STAFF)
TOO_SLOW = Trouble("这份文件太长，本机没能在规定时间内做好打印件。", "请稍后再试；如仍不行，" + ASK_STAFF)
CANNOT_RENDER = Trouble("这份文件暂时无法生成打印件。", ASK_STAFF)
NOT_FOUND = Trouble("这份文件已不在本机的目录中，可能刚刚更新或撤下。", "请回到主页重新查找。")
ATTACHMENT_GONE = Trouble("这个附件已不在本机的目录中，可能刚刚更新。", "请返回文件页重新打开。")
UNEXPECTED = Trouble("打印时出现了意外故障。", ASK_STAFF)


def trouble(exc: BaseException) -> Trouble:
    """The citizen's words for `exc` (or for what caused it); never the exception's own text."""
    for cause in _chain(exc):
        if isinstance(cause, (Refusal, CitizenError)):
            return Trouble(str(cause))
        if isinstance(cause, OSError) and cause.errno in (errno.ENOSPC, errno.EDQUOT):
            return DISK_FULL
    for cause in _chain(exc):
        found = _by_kind(cause)
        if found is not None:
            return found
    return UNEXPECTED


def is_database_error(exc: BaseException) -> bool:
    """Whether `exc` is SQLAlchemy's; without importing SQLAlchemy, which no error of a process without it can be."""
    loaded = sys.modules.get("sqlalchemy.exc")
    return loaded is not None and isinstance(exc, loaded.SQLAlchemyError)


def _by_kind(exc: BaseException) -> Trouble | None:
    if is_database_error(exc):
        return BUSY  # locked, or the state store briefly out of reach
    if isinstance(exc, FontNotFound):
        return NO_FONT
    if isinstance(exc, PrinterUnavailable):
        return PRINTER_OFF
    if isinstance(exc, CopyTooLong):
        return TOO_LONG
    if isinstance(exc, RenderTimedOut):
        return TOO_SLOW
    if isinstance(exc, (RenderError, PrintError)):
        return CANNOT_RENDER
    if isinstance(exc, AttachmentNotFound):
        return ATTACHMENT_GONE
    if isinstance(exc, KeyError):
        return NOT_FOUND
    return None


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """`exc`, then what it was raised from or during, each once."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__
