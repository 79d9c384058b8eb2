"""Demo content: the city's real 2008 annual report, plus a deterministic generated catalogue.

The generated catalogue looks like 宿州市's own: hundreds of topics of real
government work drawn with a Zipf-like weight (topics.txt), the departments
under the names they had each year (publishers.py), titles of the real genres
in each catalogue column (titles.py), bodies written from the topic's own
sentences (bodies.py), more items in later years, some documents amended or
abolished and reissued later under the same title. Unit codes are
well-formed, not real. The same count and seed always give the same items,
so loading them twice changes nothing; `iter_items` streams them.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from math import sqrt

from content_cache.catalogue_layout import SUBCOLUMNS, leaf_codes
from content_cache.demo.bodies import compose
from content_cache.demo.fields import Fields
from content_cache.demo.publishers import CITY, PUBLISHERS, DemoPublisher, Directory
from content_cache.demo.titles import (
    COLUMNS,
    ENTERPRISE_ROLES_BY_COLUMN,
    ENTERPRISE_TITLES,
    FITTING,
    NUMBERED,
    REISSUED,
    Template,
)
from content_cache.demo.topics import HEAD, TOPICS, Topic, TopicDraw
from content_cache.records import ItemRecord, PublisherRecord, Validity

__all__ = [
    "CITY",
    "PUBLISHERS",
    "SOURCE_BASE",
    "DemoPublisher",
    "annual_report_2008",
    "generate_items",
    "iter_items",
    "publisher_records",
]

SOURCE_BASE = "https://xxgk.example.org/detail/"
FIRST_DAY, LAST_DAY = date(2008, 1, 2), date(2026, 10, 30)
GROWTH = 3.0  # the last year publishes about four times as much as the first
# A body numbers its documents in series: 宿民发 for what it issues, 宿民函 for replies, 宿民罚 for penalties.
SERIES = {"决定书": "罚", "答复": "函", "批复": "函"}
SUBJECTS = {  # 主题分类 of the national catalogue, by the department that owns the topic
    "civil": "民政、扶贫、救灾",
    "hrss": "劳动、人事、监察",
    "health": "卫生、体育",
    "medical-insurance": "卫生、体育",
    "housing": "城乡建设、环境保护",
    "housing-fund": "城乡建设、环境保护",
    "land": "国土资源、能源",
    "planning": "城乡建设、环境保护",
    "environment": "城乡建设、环境保护",
    "transport": "交通",
    "agriculture": "农业、林业、水利",
    "water": "农业、林业、水利",
    "development": "综合政务",
    "finance": "财政、金融、审计",
    "audit": "财政、金融、审计",
    "tax": "财政、金融、审计",
    "education": "科技、教育",
    "public-security": "公安、安全、司法",
    "justice": "公安、安全、司法",
    "safety": "公安、安全、司法",
    "statistics": "统计",
    "market": "工业、交通",
    "economy": "工业、交通",
    "commerce": "商贸、海关、旅游",
    "culture": "文化、广电、新闻出版",
    "disabled": "民政、扶贫、救灾",
    "veterans": "民政、扶贫、救灾",
}


@dataclass
class _Reissues:
    """Rules amended or abolished, waiting for the later version that replaces them under the same title."""

    due: list[tuple[int, int, str, str, str, Topic, DemoPublisher]] = field(default_factory=list)  # (day, n, …)
    limit: int = 20_000
    pushed: int = 0

    def push(self, day: date, column: str, title: str, genre: str, topic: Topic, pub: DemoPublisher) -> None:
        """Remember a rule replaced on `day`, while there is room (a bounded heap keeps streaming cheap)."""
        if len(self.due) < self.limit:
            self.pushed += 1
            heapq.heappush(self.due, (day.toordinal(), self.pushed, column, title, genre, topic, pub))

    def pop_due(self, rng: random.Random, today: date) -> tuple[str, str, str, Topic, DemoPublisher] | None:
        """A rule whose replacement is due by `today`, half the time (the other items of the day come first)."""
        if self.due and self.due[0][0] <= today.toordinal() and rng.random() < 0.5:
            _, _, column, title, genre, topic, pub = heapq.heappop(self.due)
            return column, title, genre, topic, pub
        return None


class _Generator:
    """One stream of items: the shared tables, the serial numbers so far, the rules awaiting reissue."""

    def __init__(self, seed: int, body_chars: int) -> None:
        self.rng = random.Random(seed)
        self.body_chars = body_chars
        self.directory = Directory()
        self.topics = TopicDraw(TOPICS, HEAD)
        self.deck: list[str] = []
        self.dealt = 0
        self.shown: set[str] = set()  # the columns whose headline form (their first title) has been shown
        self.abolished_shown = False
        self.serials: dict[tuple[str, int], int] = {}
        self.reissues = _Reissues()
        self.year = 0
        self.departments = sorted({p.role for p in PUBLISHERS if p.level == "city" and p.role != "gov"})
        self.issued: set[tuple[str, str]] = set()

    def item(self, published: date) -> ItemRecord:
        """The next item, published on `published`."""
        rng = self.rng
        due = self.reissues.pop_due(rng, published)
        if due is not None:
            return self._reissue(published, *due)
        column = self._next_column()
        _, area_mode, templates = COLUMNS[column]
        if area_mode == "ent":
            return self._enterprise_item(column, published)
        if published.year != self.year:  # a body issues a title once a year: remember this year's only
            self.year, self.issued = published.year, set()
        for _ in range(4):
            _, genre, who, template = _weighted(rng, templates) if column in self.shown else templates[0]
            self.shown.add(column)
            topic = self.topics.draw(rng, published.year, FITTING.get(template))
            pub = self._issuer(who, area_mode, topic, published.year)
            fields = self._fields(pub, topic, genre, published)
            title = template.format_map(fields)
            if (pub.code, title) not in self.issued:
                break
        self.issued.add((pub.code, title))
        return self._record(column, pub, topic, genre, title, fields, published)

    def _next_column(self) -> str:
        """The column of the next item, dealt from a shuffled deck holding each column as often as its weight,
        so that every stretch of the catalogue has each column in its share. The first deck holds each column
        once: even a demo of forty items leaves no column empty."""
        if not self.deck:
            weight = (lambda w: w) if self.dealt else (lambda w: 1)
            self.deck = [code for code, (w, _, _) in COLUMNS.items() for _ in range(weight(w))]
            self.rng.shuffle(self.deck)
            self.dealt += 1
        return self.deck.pop()

    def _enterprise_item(self, column: str, published: date) -> ItemRecord:
        roles = ENTERPRISE_ROLES_BY_COLUMN[column]
        pub = self.rng.choice([p for p in self.directory.enterprises if p.role in roles])
        topic = self.topics.of_role(self.rng, pub.role, published.year)
        _, genre, _, template = _weighted(self.rng, ENTERPRISE_TITLES[pub.role])
        fields = self._fields(pub, topic, genre, published)
        return self._record(column, pub, topic, genre, template.format_map(fields), fields, published)

    def _reissue(
        self, published: date, column: str, title: str, genre: str, topic: Topic, before: DemoPublisher
    ) -> ItemRecord:
        """The later version of a rule: the same title, from the body doing that work now."""
        pub = before
        if before.level not in {"township", "enterprise"}:
            pub = self.directory.holder(before.role, published.year, before.area)
        fields = self._fields(pub, topic, genre, published)
        return self._record(column, pub, topic, genre, title, fields, published)

    def _issuer(self, who: str, area_mode: str, topic: Topic, year: int) -> DemoPublisher:
        """Who issues a document of this template, in the column's area, that year."""
        rng = self.rng
        if who == "town" or area_mode == "town":
            return rng.choice(self.directory.townships)
        area = "宿州市"
        if area_mode == "county" or (area_mode == "mixed" and rng.random() < 0.3):
            area = rng.choice(self.directory.counties)
        if who == "gov":
            return self.directory.holder("gov", year, area)
        role = topic.role if who == "role" else rng.choice(self.departments)  # each body its own guide, budget …
        return self.directory.holder(role, year, area)

    def _fields(self, pub: DemoPublisher, topic: Topic, genre: str, published: date) -> Fields:
        place = pub.area
        unit = place[-1] if place[-1] in "市县区镇" else "镇"
        return Fields(
            self.rng,
            topic=topic.name,
            place=place,
            pub=pub.name,
            year=published.year,
            prev=published.year - 1,
            unit=unit,
            area=f"全{unit}",
            genre=genre,
        )

    def _record(
        self, column: str, pub: DemoPublisher, topic: Topic, genre: str, title: str, fields: Fields, published: date
    ) -> ItemRecord:
        rng = self.rng
        year = published.year
        key = (pub.code, year)
        serial = self.serials[key] = self.serials.get(key, 100) + 1
        index_no = f"{pub.code}/{year}-{serial:05d}"
        validity, abolished_on = self._validity(column, title, genre, published, topic, pub)
        prefix = pub.doc_prefix + SERIES.get(genre, "发")
        numbered = genre in NUMBERED and rng.random() < 0.85
        if "《" in title:
            fields["rule"] = title[title.index("《") : title.index("》") + 1]
        subject = SUBJECTS.get(topic.role, "综合政务")
        return ItemRecord(
            index_no=index_no,
            title=title,
            publisher_code=pub.code,
            column_code=column,
            published_on=published,
            body=compose(fields, topic.kind, genre, self.body_chars, numbered),
            doc_no=f"{prefix}〔{year}〕{serial - 100}号" if numbered else None,
            written_on=published - timedelta(days=int(rng.random() * 13)),
            effective_on=published if genre in {"办法", "细则", "规定"} else None,
            abolished_on=abolished_on,
            validity=validity,
            subject=subject,
            genre=genre,
            keywords=_keywords(title, topic, subject, self.topics.related(rng, topic)),
            source_url=SOURCE_BASE + index_no,
        )

    def _validity(
        self, column: str, title: str, genre: str, published: date, topic: Topic, pub: DemoPublisher
    ) -> tuple[Validity, date | None]:
        """Most items stay in force; some rules are amended or abolished (and reissued), old yearly notices lapse."""
        rng = self.rng
        roll = rng.random()
        rule = genre in REISSUED or genre == "通知" and "《" in title
        if rule and (roll < 0.17 or not self.abolished_shown):
            replaced = published + timedelta(days=rng.randint(300, 2600))
            if replaced <= LAST_DAY:
                if pub.name not in title:  # a later body under another name reissues it
                    self.reissues.push(replaced, column, title, genre, topic, pub)
                first, self.abolished_shown = not self.abolished_shown, True  # a small demo shows one too
                return ("abolished", replaced) if roll < 0.12 or first else ("amended", None)
        if roll > 0.93 and f"{published.year}年" in title and published.year < LAST_DAY.year - 2:
            return "expired", None
        return "valid", None


def _weighted(rng: random.Random, templates: tuple[Template, ...]) -> Template:
    total = sum(t[0] for t in templates)
    point = rng.random() * total
    for template in templates:
        point -= template[0]
        if point < 0:
            return template
    return templates[-1]


def publication_day(n: int, count: int) -> date:
    """The day item `n` of `count` is published: 2008 to 2026, more each year (density growing linearly)."""
    share = (n + 0.5) / max(count, 1)
    # Invert F(t) = (t + GROWTH·t²/2) / (1 + GROWTH/2), the share of items published by time t in [0, 1].
    t = (-1 + sqrt(1 + 2 * GROWTH * (1 + GROWTH / 2) * share)) / GROWTH
    return FIRST_DAY + timedelta(days=int(t * (LAST_DAY - FIRST_DAY).days))


def generate_items(count: int, seed: int = 1) -> list[ItemRecord]:
    """`count` deterministic items across every column, in publication order."""
    return list(iter_items(count, seed))


def iter_items(count: int, seed: int = 1, body_chars: int = 0) -> Iterator[ItemRecord]:
    """The items of `generate_items`, one at a time (a million of them do not fit in memory at once).

    With `body_chars`, every body is at least that long (benchmarks use 1,200).
    """
    generator = _Generator(seed, body_chars)
    for n in range(count):
        yield generator.item(publication_day(n, count))


def annual_report_2008() -> ItemRecord:
    """The city's real 2008 annual report on its disclosure work (the seed document)."""
    body = resources.files("content_cache").joinpath("demo/suzhou-2008-annual-report.txt").read_text("utf-8")
    index_no = f"{CITY.code}/2008-00001"
    return ItemRecord(
        index_no=index_no,
        title="宿州市2008年政府信息公开工作年度报告",
        publisher_code=CITY.code,
        column_code="annual-reports",
        published_on=date(2008, 12, 30),
        written_on=date(2008, 12, 30),
        body=body.strip(),
        subject="政府信息公开",
        genre="报告",
        keywords="政府信息公开 年度报告",
        source_url=SOURCE_BASE + index_no,
    )


def _keywords(title: str, topic: Topic, subject: str, related: Topic) -> str:
    """The 主题词 of an item, as a cataloguer gives them: what the document is about, then its subject. The
    topic only when the title is about it (a department's budget is not about the topic its template was drawn
    with); a related topic of the same department only when the title names it too."""
    return " ".join(dict.fromkeys([*(name for name in (topic.name, related.name) if name in title), subject]))


def publisher_records() -> list[PublisherRecord]:
    """Every demo publisher, parents first."""
    return [p.record() for p in PUBLISHERS]


assert set(SUBCOLUMNS) <= {"catalogue", "departments", "enterprises"}
assert set(COLUMNS) == set(leaf_codes()), "every leaf column has its titles"
