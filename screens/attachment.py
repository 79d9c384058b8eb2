"""An attachment's pages, one at a time, large enough to read, with 上一页 / 下一页 and 打印."""

from __future__ import annotations

import io
from typing import Any, Protocol

from kivy.core.image import Image as CoreImage
from kivy.logger import Logger
from kivy.properties import NumericProperty, StringProperty

from screens.base import KioskScreen, load_kv
from screens.navigator import Params
from screens.services import CitizenError
from screens.worker import Task, run_in_worker

PAGE_WIDTH = 1000  # pixels a page is drawn at (the screen scales it to fit)
# A fault the services did not put into words.
UNREADABLE = "附件暂时无法显示。请返回后再打开一次；如仍不行，请到服务台找工作人员帮助。"
# The way on when one page cannot be shown but the attachment can still be printed or paged through.
PAGE_WAY_ON = "可以点“打印附件”打印，或点左上角“返回”。"


class AttachmentServices(Protocol):
    """What an attachment's pages need."""

    def attachment_pages(self, index_no: str, name: str) -> int:
        """How many pages a PDF attachment has; raises CitizenError when it cannot be read."""

    def attachment_page(self, index_no: str, name: str, page: int, width: int) -> bytes:
        """Page `page` (0-based) of a PDF attachment drawn `width` pixels wide, as PNG bytes; CitizenError if not."""


class AttachmentScreen(KioskScreen):
    """Pages of one attachment of an item; its print button prints the attachment as it is."""

    services: AttachmentServices

    index_no = StringProperty("")
    title = StringProperty("")
    file_name = StringProperty("")
    page = NumericProperty(0)  # 0-based
    pages = NumericProperty(0)
    notice = StringProperty("")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._task: Task | None = None

    def enter(self, params: Params) -> None:
        self.reset()
        self.index_no, self.title = str(params["index_no"]), str(params.get("title", ""))
        self.file_name = str(params["attachment"])
        self.notice = "正在打开附件…"
        index_no, name = self.index_no, self.file_name
        self._task = run_in_worker(lambda: self.services.attachment_pages(index_no, name), self._opened, self._failed)

    def reset(self) -> None:
        if self._task is not None:
            self._task.cancel()
        self._task = None
        self.index_no = self.title = self.file_name = self.notice = ""
        self.page = self.pages = 0
        self.ids.page_image.texture = None
        self.ready = False

    def _opened(self, pages: int) -> None:
        self.pages = pages
        self._show(0)

    def _show(self, page: int) -> None:
        self.page = page
        self.notice = ""
        self.ids.page_image.texture = None  # never the last page's picture under this page's number
        self.ready = False
        index_no, name = self.index_no, self.file_name
        self._task = run_in_worker(
            lambda: self.services.attachment_page(index_no, name, page, PAGE_WIDTH), self._drawn, self._failed
        )

    def _drawn(self, png: bytes) -> None:
        try:
            texture = CoreImage(io.BytesIO(png), ext="png").texture
        except Exception as exc:  # a picture the graphics cannot hold is a page not shown, never a crash
            Logger.error(
                "Attachment: page %d of %s not shown: %s: %s", self.page + 1, self.file_name, type(exc).__name__, exc
            )
            self._failed(exc)
            return
        self._task = None
        self.ids.page_image.texture = texture
        self.ready = True

    def _failed(self, exc: Exception) -> None:
        # Only a CitizenError's message is written for the citizen; anything else is said in our words.
        self._task = None
        self.ids.page_image.texture = None
        what = str(exc) if isinstance(exc, CitizenError) and str(exc) else UNREADABLE
        self.notice = f"{what}\n{PAGE_WAY_ON}" if self.pages else what
        self.ready = True

    def next_page(self) -> None:
        if self.page + 1 < self.pages:
            self._show(self.page + 1)

    def previous_page(self) -> None:
        if self.page > 0:
            self._show(self.page - 1)

    def open_print(self) -> None:
        if self.pages:
            self.navigator.show(
                "print",
                index_no=self.index_no,
                title=f"{self.title}（附件：{self.file_name}）",
                attachment=self.file_name,
            )


load_kv(__file__)
