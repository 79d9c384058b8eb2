"""Document: the title block (名称, 索引号, 文号, …, 有效性) and the body in large type."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.button import Button
from kivy.uix.label import Label

from content_cache.records import WITHDRAWN_VALIDITIES, ItemDetail
from screens.base import KioskScreen, load_kv
from screens.formatting import chunk_text, cn_date
from screens.navigator import Params
from screens.worker import Task, run_in_worker

BODY_SIZES: tuple[int, ...] = (28, 34, 40, 48, 56, 64, 72)
DEFAULT_SIZE_STEP = 2  # 40 px


class BodyParagraph(Label):
    """A piece of the body; literal text, wrapped to the width of the page."""


class AttachmentButton(Button):
    """An attachment's name at the end of the text; a tap shows its pages."""


class DocumentScreen(KioskScreen):
    """Reads one item in large type; A− / A+ change the size; 打印 opens Print."""

    index_no = StringProperty("")
    title = StringProperty("")
    doc_no = StringProperty("")
    publisher = StringProperty("")
    written_on = StringProperty("")
    published_on = StringProperty("")
    validity = StringProperty("")
    abolished = BooleanProperty(False)
    banner = StringProperty("")
    notice = StringProperty("")
    size_step = NumericProperty(DEFAULT_SIZE_STEP)
    body_font_size = NumericProperty(BODY_SIZES[DEFAULT_SIZE_STEP])

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._task: Task | None = None

    def enter(self, params: Params) -> None:
        """Show the item `params["index_no"]` (kept as is when unchanged)."""
        index_no = str(params["index_no"])
        if index_no == self.index_no and self.ready:
            return
        self._clear_item()
        self.index_no = index_no
        self.notice = "正在载入…"
        self._task = run_in_worker(lambda: self.services.item(index_no), self._show, self._fail)

    def reset(self) -> None:
        """Close the document and return the type size to the default."""
        self._clear_item()
        self.size_step = DEFAULT_SIZE_STEP

    def _clear_item(self) -> None:
        if self._task is not None:
            self._task.cancel()
        self._task = None
        self.index_no = self.title = self.doc_no = self.publisher = ""
        self.written_on = self.published_on = self.validity = self.notice = ""
        self.abolished = False
        self.banner = ""
        self.ids.body.clear_widgets()
        self.ids.scroller.scroll_y = 1
        self.ready = False

    def _show(self, item: ItemDetail) -> None:
        self._task = None
        self.title = item.title
        self.doc_no = item.doc_no or "—"
        self.publisher = item.publisher
        self.written_on = cn_date(item.written_on)
        self.published_on = cn_date(item.published_on)
        self.abolished = item.validity in WITHDRAWN_VALIDITIES  # 废止 or 失效: no longer in force
        self.banner = f"本文件已{item.validity_label}，仅供查阅参考" if self.abolished else ""
        self.validity = self._validity_text(item)
        self.notice = ""
        self._fill_body(item.body)
        self._list_attachments(item.attachments)
        self.ready = True

    @staticmethod
    def _validity_text(item: ItemDetail) -> str:
        if item.validity == "abolished" and item.abolished_on is not None:
            return f"已废止（{cn_date(item.abolished_on)}起）"
        if item.validity in WITHDRAWN_VALIDITIES:
            return f"已{item.validity_label}"
        return item.validity_label

    def _fill_body(self, body: str) -> None:
        box = self.ids.body
        for chunk in chunk_text(body) or ["（本信息无正文）"]:
            box.add_widget(BodyParagraph(text=chunk, font_size=self.body_font_size))

    def _list_attachments(self, names: tuple[str, ...]) -> None:
        """A button per attachment at the end of the text: it opens the attachment's pages."""
        for name in names:
            button = AttachmentButton(text=f"附件：{name}")
            button.bind(on_release=lambda _b, n=name: self.open_attachment(n))
            self.ids.body.add_widget(button)

    def open_attachment(self, name: str) -> None:
        self.navigator.show("attachment", index_no=self.index_no, title=self.title, attachment=name)

    def _fail(self, exc: Exception) -> None:
        self._task = None
        self.notice = "未找到这条信息，它可能已被撤回。" if isinstance(exc, KeyError) else "信息暂时无法载入，请稍后再试。"
        self.ready = True

    def on_size_step(self, _screen: DocumentScreen, step: int) -> None:
        self.body_font_size = BODY_SIZES[int(step)]

    def on_body_font_size(self, _screen: DocumentScreen, size: float) -> None:
        for paragraph in self.ids.body.children:
            if isinstance(paragraph, BodyParagraph):
                paragraph.font_size = size

    def bigger(self) -> None:
        """A+: one step larger, up to the largest size."""
        self.size_step = min(self.size_step + 1, len(BODY_SIZES) - 1)

    def smaller(self) -> None:
        """A−: one step smaller, down to the smallest size."""
        self.size_step = max(self.size_step - 1, 0)

    def open_print(self) -> None:
        """The 打印 button."""
        if self.index_no and self.title:
            self.navigator.show("print", index_no=self.index_no, title=self.title)


load_kv(__file__)
