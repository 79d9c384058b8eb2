"""A fake of the services the App hands its screens (`kiosk.app_services.AppServices`), with realistic Chinese content.

Six sections in catalogue order; 政府信息公开目录 with sub-columns; one column
(政府规范性文件) of 10,000 generated items; documents with long bodies; one
abolished item; a title full of Kivy markup that must be shown literally.
Search answers characters, 文号, 索引号 and a few pinyin initials (czys = 财政预算).
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from content_cache.catalogue_layout import SECTIONS
from content_cache.handwriting import Recognised, Stroke
from content_cache.records import (
    Candidate,
    ColumnInfo,
    Facet,
    Filters,
    ItemDetail,
    ItemSummary,
    SearchResult,
    Suggestion,
)
from printing.document import PrintKind, PrintOutcome, PrintQuote
from printing.errors import PrinterUnavailable
from screens.services import ActionDone, JobView, PrinterView, SignIn, StaffOverview

ORG = "01404553-7"  # 宿州市人民政府办公室, a 9-character organisation code
BIG_COLUMN = "normative-documents"
BIG_COUNT = 10_000
MARKUP_TITLE = "关于[color=ff0000]x[/color]与[b]加粗[/b]字样的说明"
JOB_NO = "P20261101-0042"
COLLECT_AT = "一楼服务台（一号窗口）"
STAFF_PIN = "246810"
ATTACHMENT_PAGES = 3
ATTACHMENT = "2025年市级预算草案表.pdf"

SUBCOLUMNS: tuple[tuple[str, str], ...] = (
    ("leaders", "政府领导"),
    ("organisations", "政府机构"),
    ("personnel", "人事信息"),
    (BIG_COLUMN, "政府规范性文件"),
    ("regulations", "行政法规、规章"),
    ("plans", "国民经济和社会发展规划"),
    ("budgets", "财政预算决算报告"),
    ("statistics", "统计信息"),
    ("meetings", "政府会议"),
    ("procurement", "市政府集中采购"),
    ("emergencies", "应急管理"),
    ("welfare", "民生公益"),
)
NAMES = dict(SECTIONS + SUBCOLUMNS)
PARENTS = {code: "catalogue" for code, _ in SUBCOLUMNS}

PARAGRAPH = (
    "　　为进一步推进政府信息公开工作，保障公民、法人和其他组织依法获取政府信息，"
    "提高政府工作的透明度，促进依法行政，充分发挥政府信息对人民群众生产、生活和经济社会活动的服务作用，"
    "根据《中华人民共和国政府信息公开条例》和省政府有关规定，结合本市实际，现就有关事项通知如下。"
)
TOPICS = ("城市管理", "安全生产", "社会保障", "教育收费", "环境保护", "农村土地", "医疗卫生", "住房公积金")


@dataclass
class _Doc:
    detail: ItemDetail
    initials: str = ""  # pinyin initials the fake search answers


def _detail(index_no: str, title: str, column: str, published: date, **extra: object) -> ItemDetail:
    values: dict[str, object] = {
        "doc_no": None,
        "publisher": "宿州市人民政府办公室",
        "publisher_code": ORG,
        "written_on": published - timedelta(days=3),
        "effective_on": published,
        "abolished_on": None,
        "validity": "valid",
        "subject": "综合政务",
        "genre": "通知",
        "keywords": "",
        "body": "\n".join([PARAGRAPH] * 6),
        "source_url": f"http://www.ahsz.gov.cn/{index_no}",
    }
    values.update(extra)
    return ItemDetail(
        index_no=index_no, title=title, column_code=column, column=NAMES[column], published_on=published, **values
    )  # type: ignore[arg-type]


def _generated(n: int) -> ItemDetail:
    """Item n of the big column; n = 0 is the newest."""
    published = date(2026, 10, 31) - timedelta(days=n // 3)
    seq = BIG_COUNT - n
    topic = TOPICS[n % len(TOPICS)]
    return _detail(
        f"{ORG}/{published.year}-{seq:05d}",
        f"宿州市人民政府关于印发宿州市{topic}管理办法（第{seq}号）的通知，请各县区政府、市政府各部门认真贯彻执行",
        BIG_COLUMN,
        published,
        doc_no=f"宿政〔{published.year}〕{seq}号",
    )


def _special_docs() -> list[_Doc]:
    long_body = "\n".join(f"第{i}条　" + PARAGRAPH for i in range(1, 61))
    return [
        _Doc(
            _detail(
                f"{ORG}/2026-90001",
                "宿州市2026年市级财政预算执行情况的报告",
                "budgets",
                date(2026, 9, 1),
                doc_no="宿财〔2026〕8号",
                publisher="宿州市财政局",
                body=long_body,
            ),
            initials="szs2026nsjczysz",
        ),
        _Doc(
            _detail(
                f"{ORG}/2025-90002",
                "宿州市2025年财政预算草案",
                "budgets",
                date(2025, 1, 20),
                publisher="宿州市财政局",
                attachments=(ATTACHMENT,),
            ),
            initials="szs2025nczysca",
        ),
        _Doc(
            _detail(
                f"{ORG}/2008-00012",
                "宿州市城市房屋拆迁管理暂行办法",
                "regulations",
                date(2008, 3, 5),
                doc_no="宿政〔2008〕12号",
                validity="abolished",
                abolished_on=date(2015, 1, 1),
            ),
            initials="szscsfwcqglzxbf",
        ),
        _Doc(
            _detail(
                f"{ORG}/2026-90003",
                MARKUP_TITLE,
                "statistics",
                date(2026, 8, 8),
                body="正文里也有 [i]标记[/i] 与 [size=80]字号[/size]，应当原样显示。",
            ),
            initials="",
        ),
        _Doc(
            _detail(
                f"{ORG}/2026-90004",
                "2026年上半年宿州市国民经济运行情况",
                "statistics",
                date(2026, 7, 20),
                publisher="宿州市统计局",
            ),
            initials="2026nsbnszsgmjjyxqk",
        ),
    ]


def _summary(detail: ItemDetail) -> ItemSummary:
    return ItemSummary(
        detail.index_no,
        detail.title,
        detail.doc_no,
        detail.publisher,
        detail.published_on,
        detail.column_code,
        detail.column,
        detail.validity,
    )


@dataclass
class FakeServices:
    """Implements every screen's services Protocol in memory and records the calls."""

    updated_on: date | None = date(2026, 11, 1)
    sync_failing: bool = False
    print_error: Exception | None = None
    fee_cents_per_page: int = 0
    refusal: str = ""
    handwriting: bool = False  # the real recogniser's tests use the real services
    jobs: dict[str, str] = field(default_factory=lambda: {"0002": "awaiting_release", "0001": "done"})
    calls: list[tuple[str, tuple[object, ...]]] = field(default_factory=list)
    searches: list[tuple[str, Filters, str]] = field(default_factory=list)  # query, filters, sort

    def __post_init__(self) -> None:
        self._docs = {doc.detail.index_no: doc for doc in _special_docs()}
        self._big = [_summary(_generated(n)) for n in range(BIG_COUNT)]
        self._big_index = {item.index_no: n for n, item in enumerate(self._big)}

    def _record(self, name: str, *args: object) -> None:
        self.calls.append((name, args))

    def _column_items(self, code: str) -> list[ItemSummary]:
        if code == BIG_COLUMN:
            return self._big
        docs = [d.detail for d in self._docs.values() if d.detail.column_code == code]
        return [_summary(d) for d in sorted(docs, key=lambda d: d.published_on, reverse=True)]

    def _info(self, code: str, position: int) -> ColumnInfo:
        children = [c for c, parent in PARENTS.items() if parent == code]
        total = len(self._column_items(code)) + sum(len(self._column_items(c)) for c in children)
        return ColumnInfo(code, NAMES[code], PARENTS.get(code), position, total, len(children))

    def sections(self) -> list[ColumnInfo]:
        self._record("sections")
        return [self._info(code, i) for i, (code, _) in enumerate(SECTIONS)]

    def column(self, code: str) -> ColumnInfo:
        self._record("column", code)
        if code not in NAMES:
            raise KeyError(code)
        return self._info(code, 0)

    def subcolumns(self, code: str) -> list[ColumnInfo]:
        self._record("subcolumns", code)
        return [self._info(c, i) for i, (c, _) in enumerate(SUBCOLUMNS) if PARENTS[c] == code]

    def count_items(self, column_code: str, year: int | None = None) -> int:
        self._record("count_items", column_code)
        return len(self._in_year(column_code, year))

    def year_counts(self, column_code: str) -> list[tuple[int, int]]:
        self._record("year_counts", column_code)
        years = Counter(item.published_on.year for item in self._column_items(column_code))
        return sorted(years.items(), reverse=True)

    def list_items(self, column_code: str, offset: int, limit: int, year: int | None = None) -> list[ItemSummary]:
        self._record("list_items", column_code, offset, limit)
        return self._in_year(column_code, year)[offset : offset + limit]

    def _in_year(self, column_code: str, year: int | None) -> list[ItemSummary]:
        items = self._column_items(column_code)
        return items if year is None else [i for i in items if i.published_on.year == year]

    def item(self, index_no: str) -> ItemDetail:
        self._record("item", index_no)
        if index_no in self._docs:
            return self._docs[index_no].detail
        return _generated(self._big_index[index_no])

    def search(
        self,
        query: str,
        limit: int = 50,
        *,
        filters: Filters | None = None,
        sort: str = "relevance",
        facets: bool = False,
        offset: int = 0,
    ) -> SearchResult:
        self._record("search", query, limit)
        self.searches.append((query, filters or Filters(), sort))
        q = query.strip().lower()
        hits = [_summary(d.detail) for d in self._docs.values() if q and self._matches(d, q)]
        if filters and filters.year is not None:
            hits = [h for h in hits if h.published_on.year == filters.year]
        if sort == "date":
            hits.sort(key=lambda h: h.published_on, reverse=True)
        years = Counter(h.published_on.year for h in hits)
        found = {"year": tuple(Facet(str(y), f"{y}年", n) for y, n in years.most_common())} if facets and hits else {}
        return SearchResult(query=query, total=len(hits), hits=tuple(hits[offset : offset + limit]), facets=found)

    def job_notes(self, job_nos: list[str], *, visit_over: bool = False) -> list[str]:
        self._record("job_notes", tuple(job_nos), visit_over)
        return [f"您的打印任务 {job_no}：请到服务台领取" for job_no in job_nos]

    def prepare_search(self) -> None:
        self._record("prepare_search")

    def handwriting_ready(self) -> bool:
        self._record("handwriting_ready")
        return self.handwriting

    def recognise(self, strokes: Sequence[Stroke], width: float, height: float, before: str) -> Recognised:
        """One stroke is 财, two are 政: enough to follow the pad's steps without the recogniser."""
        self._record("recognise", len(strokes), before)
        return Recognised(("财", "材") if len(strokes) == 1 else ("政", "正"), False)

    def next_words(self, before: str) -> list[str]:
        self._record("next_words", before)
        return {"财": ["财政", "财务"], "政": ["政府", "政策"]}.get(before[-1:], [])

    def suggested_searches(self) -> list[Suggestion]:
        self._record("suggested_searches")
        return [
            Suggestion("常用搜索", "低保", "低保"),
            Suggestion("常用搜索", "财政预算", "财政预算"),
            Suggestion("拼音首字母", "czys", "czys（财政预算）"),
            Suggestion("文号", "宿财〔2026〕8号", "宿财〔2026〕8号"),
        ]

    def candidates(self, letters: str, limit: int = 10) -> list[Candidate]:
        self._record("candidates", letters, limit)
        words = [("财政", "caizheng", "cz"), ("材质", "caizhi", "cz"), ("财", "cai", "c"), ("预算", "yusuan", "ys")]
        found = [
            Candidate(w, len(letters))
            for w, full, initials in words
            if full.startswith(letters) or initials.startswith(letters)
        ]
        found += [
            Candidate(w, len(full)) for w, full, _ in words if letters.startswith(full) and len(full) < len(letters)
        ]
        return found[:limit]

    @staticmethod
    def _matches(doc: _Doc, q: str) -> bool:
        d = doc.detail
        return q in d.title.lower() or q in (d.doc_no or "") or q in d.index_no or (q.isascii() and q in doc.initials)

    def content_updated_on(self) -> date | None:
        self._record("content_updated_on")
        return self.updated_on

    def sync_failed(self) -> bool:
        self._record("sync_failed")
        return self.sync_failing

    def _pages(self, index_no: str, kind: PrintKind) -> int:
        body = self.item(index_no).body
        return 1 + len(body) // (900 if kind == "a4" else 300)

    def print_quote(self, index_no: str, kind: PrintKind, attachment: str | None = None) -> PrintQuote:
        self._record("print_quote", index_no, kind, *([attachment] if attachment else []))
        detail = self.item(index_no)
        if attachment:
            return PrintQuote("a4", ATTACHMENT_PAGES)
        warning = "本文件已废止，打印件仅供查阅参考。" if detail.validity == "abolished" else ""
        return PrintQuote(
            kind,
            self._pages(index_no, kind),
            self.fee_cents_per_page * (kind == "a4"),
            warning=warning,
            refusal=self.refusal,
        )

    def new_visit(self) -> None:
        self._record("new_visit")

    def staff_sign_in(self, pin: str) -> SignIn:
        self._record("staff_sign_in", pin)
        return SignIn(pin == STAFF_PIN, "" if pin == STAFF_PIN else "密码错误，还可尝试 4 次")

    def staff_overview(self, today_only: bool) -> StaffOverview:
        self._record("staff_overview", today_only)
        jobs = tuple(
            JobView(no, state, "a4", 3, "关于2008年政府信息公开工作的年度报告", "09:30:00")
            for no, state in self.jobs.items()
        )
        printers = (
            PrinterView("a4", "CUPS queue KioskPDF", "idle", "", "unknown", ""),
            PrinterView(
                "receipt",
                "receipt printer tcp://127.0.0.1:9100",
                "offline",
                "connection refused",
                "unknown",
                "打印机暂不可用",
            ),
        )
        return StaffOverview(jobs, printers, len(jobs), 6, 0, 1, ("09:00:00  ok  +3 ~1 -0",))

    def staff_locked_for(self) -> float:
        self._record("staff_locked_for")
        return 0.0

    def job_action(self, job_no: str, action: str) -> ActionDone:
        self._record("job_action", job_no, action)
        self.jobs[job_no] = {"release": "done", "cancel": "cancelled", "collected": "done"}.get(action, "done")
        return ActionDone(f"任务 {job_no}：{action}", job_no)

    def staff_test_print(self, kind: PrintKind) -> ActionDone:
        self._record("staff_test_print", kind)
        return ActionDone("已发送测试页（任务 0009）", "0009")

    def attachment_pages(self, index_no: str, name: str) -> int:
        self._record("attachment_pages", index_no, name)
        return ATTACHMENT_PAGES

    def attachment_page(self, index_no: str, name: str, page: int, width: int) -> bytes:
        self._record("attachment_page", index_no, name, page)
        from PIL import Image, ImageDraw

        image = Image.new("RGB", (width, int(width * 1.414)), "white")
        ImageDraw.Draw(image).rectangle((40, 40 + 30 * page, width - 40, 120 + 30 * page), fill="black")
        out = io.BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()

    def print_item(self, index_no: str, kind: PrintKind, *, attachment: str | None = None) -> PrintOutcome:
        self._record("print_item", index_no, kind, *([attachment] if attachment else []))
        if self.print_error is not None:
            raise self.print_error
        pages = self._pages(index_no, kind)
        return PrintOutcome(JOB_NO, kind, pages, COLLECT_AT, f"/var/spool/kiosk/{JOB_NO}.pdf")


def printer_offline() -> PrinterUnavailable:
    """The error a real print service raises when the printer is off."""
    return PrinterUnavailable("打印机暂时无法使用，请到服务台联系工作人员。")
