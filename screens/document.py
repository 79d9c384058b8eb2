"""Document: the title block (名称, 索引号, 文号, …, 有效性) and the body in large type.

The body's type follows the visitor's one text size (`theme.text.body`); its
paragraphs are added and resized in stages (`screens.staged`), so a tap never
waits for the whole document to be laid out.
"""

from __future__ import annotations

from typing import Any, Protocol

from kivy.core.window import Window
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.button import Button
from kivy.uix.widget import Widget

from content_cache.records import WITHDRAWN_VALIDITIES, ItemDetail
from screens import theme
from screens.base import KioskScreen, load_kv
from screens.formatting import chunk_text, cn_date
from screens.navigator import Params
from screens.staged import StagedText
from screens.touch import QuickTapScrollView  # noqa: F401  (used in the .kv)
from screens.worker import Task, run_in_worker
from screens.wrap import BreakLabel

FIRST_PARAGRAPHS = 2  # laid out in the frame the document arrives: about a screenful


class BodyParagraph(BreakLabel):
    """A piece of the body; literal text, broken into lines by the rules of Chinese typesetting."""


class AttachmentButton(Button):
    """An attachment's name at the end of the text; a tap shows its pages."""


class DocumentServices(Protocol):
    """What Document needs: one item."""

    def item(self, index_no: str) -> ItemDetail:
        """One item by 索引号; raises KeyError when unknown."""


class DocumentScreen(KioskScreen):
    """Reads one item in large type; A− / A+ step the visitor's text size; 打印 opens Print."""

    services: DocumentServices

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
    size_step = NumericProperty(theme.text.step)  # the visitor's text size step (theme.text.step)
    body_font_size = NumericProperty(theme.text.body)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._task: Task | None = None
        self._staged = StagedText(self.ids.scroller, self.ids.body)

    def enter(self, params: Params) -> None:
        """Show the item `params["index_no"]` (kept as is when unchanged)."""
        index_no = str(params["index_no"])
        if index_no == self.index_no and self.ready:
            if not self.navigator.returning:  # opened again from a list: from its beginning
                self.ids.scroller.scroll_y = 1
            return
        self._clear_item()
        self.index_no = index_no
        self.notice = "正在载入…"
        self._task = run_in_worker(lambda: self.services.item(index_no), self._show, self._fail)

    def reset(self) -> None:
        """Close the document; the next visitor starts at the standard text size."""
        self._clear_item()
        theme.text.reset()

    def _clear_item(self) -> None:
        if self._task is not None:
            self._task.cancel()
        self._task = None
        self.index_no = self.title = self.doc_no = self.publisher = ""
        self.written_on = self.published_on = self.validity = self.notice = ""
        self.abolished = False
        self.banner = ""
        self._staged.cancel()
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
        self._fill_body(item.body, item.attachments)
        self.ready = True

    @staticmethod
    def _validity_text(item: ItemDetail) -> str:
        if item.validity == "abolished" and item.abolished_on is not None:
            return f"已废止（{cn_date(item.abolished_on)}起）"
        if item.validity in WITHDRAWN_VALIDITIES:
            return f"已{item.validity_label}"
        return item.validity_label

    def _fill_body(self, body: str, attachments: tuple[str, ...]) -> None:
        """The first paragraphs now, the rest and then the attachments over the next frames."""
        # Made at the width they will have: a label first laid out at the default 100 px
        # wraps at every character, and that costs more than the real layout.
        width = self._body_width()
        size = self.body_font_size
        chunks = chunk_text(body) or ["（本信息无正文）"]
        widgets: list[Widget] = [BodyParagraph(text=chunk, font_size=size, width=width) for chunk in chunks]
        widgets += self._attachment_buttons(attachments)
        self._staged.add(widgets, FIRST_PARAGRAPHS)

    def _body_width(self) -> float:
        """The width of the body's text: the box's, or before it was ever laid out, the window's share."""
        box = self.ids.body
        if box.width > 100:
            return float(box.width - box.padding[0] - box.padding[2])
        share = 0.64 if Window.width > Window.height else 1.0  # the card stands beside the body in landscape
        return float(max(100.0, Window.width * share - dp(48) - box.padding[0] - box.padding[2]))

    def _attachment_buttons(self, names: tuple[str, ...]) -> list[Widget]:
        """A button per attachment at the end of the text: it opens the attachment's pages."""
        buttons: list[Widget] = []
        for name in names:
            button = AttachmentButton(text=f"附件：{name}")
            button.bind(on_release=lambda _b, n=name: self.open_attachment(n))
            buttons.append(button)
        return buttons

    @property
    def laying_out(self) -> bool:
        """True while paragraphs are still being added or resized."""
        return self._staged.busy

    def open_attachment(self, name: str) -> None:
        self.navigator.show("attachment", index_no=self.index_no, title=self.title, attachment=name)

    def _fail(self, exc: Exception) -> None:
        self._task = None
        self.notice = (
            "未找到这条信息，它可能已被撤回。" if isinstance(exc, KeyError) else "信息暂时无法载入，请稍后再试。"
        )
        self.ready = True

    def on_body_font_size(self, _screen: DocumentScreen, size: float) -> None:
        # Only the paragraphs on view are laid out in this frame; the place on the page is kept.
        staged = getattr(self, "_staged", None)  # the rule sets body_font_size before the ids exist
        if staged is not None:
            staged.resize(size, lambda w: isinstance(w, BodyParagraph))

    def bigger(self) -> None:
        """A+: one step larger for every screen, up to the largest."""
        theme.text.bigger()

    def smaller(self) -> None:
        """A−: one step smaller for every screen, down to the standard size."""
        theme.text.smaller()

    def open_print(self) -> None:
        """The 打印 button."""
        if self.index_no and self.title:
            self.navigator.show("print", index_no=self.index_no, title=self.title)


load_kv(__file__)
