"""Demo content: the city's real 2008 annual report, plus deterministic generated items.

Generated items are realistic in form (titles of real kinds, 文号, 索引号,
publishers at city, county and township level, several paragraphs of body)
but invented; unit codes are well-formed, not real. The same count and seed
always give the same items, so loading them twice changes nothing.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources

from content_cache.catalogue_layout import SUBCOLUMNS, leaf_codes
from content_cache.records import ItemRecord, PublisherRecord, Validity

SOURCE_BASE = "https://xxgk.example.org/detail/"


@dataclass(frozen=True, slots=True)
class DemoPublisher:
    code: str
    name: str
    level: str
    doc_prefix: str  # 文号 prefix: 宿政, 宿财, 砀政 …
    parent_code: str | None = None

    def record(self) -> PublisherRecord:
        return PublisherRecord(self.code, self.name, self.level, self.parent_code)


CITY = DemoPublisher("003232741", "宿州市人民政府", "city", "宿政")
PUBLISHERS: tuple[DemoPublisher, ...] = (
    CITY,
    DemoPublisher("003232768", "宿州市人民政府办公室", "city", "宿政办", CITY.code),
    DemoPublisher("003232805", "宿州市财政局", "city", "宿财", CITY.code),
    DemoPublisher("003232813", "宿州市教育局", "city", "宿教", CITY.code),
    DemoPublisher("003232821", "宿州市民政局", "city", "宿民", CITY.code),
    DemoPublisher("003232848", "宿州市发展和改革委员会", "city", "宿发改", CITY.code),
    DemoPublisher("003232856", "宿州市统计局", "city", "宿统", CITY.code),
    DemoPublisher("003232864", "宿州市卫生局", "city", "宿卫", CITY.code),
    DemoPublisher("003232872", "宿州市劳动和社会保障局", "city", "宿劳社", CITY.code),
    DemoPublisher("003232899", "宿州市建设委员会", "city", "宿建", CITY.code),
    DemoPublisher("003232901", "宿州市国土资源局", "city", "宿国土", CITY.code),
    DemoPublisher("003232928", "宿州市环境保护局", "city", "宿环", CITY.code),
    DemoPublisher("003232936", "宿州市交通局", "city", "宿交", CITY.code),
    DemoPublisher("003232944", "宿州市农业委员会", "city", "宿农", CITY.code),
    DemoPublisher("00323306X", "宿州市档案局", "city", "宿档", CITY.code),
    DemoPublisher("003233115", "埇桥区人民政府", "county", "埇政", CITY.code),
    DemoPublisher("003233123", "砀山县人民政府", "county", "砀政", CITY.code),
    DemoPublisher("003233131", "萧县人民政府", "county", "萧政", CITY.code),
    DemoPublisher("00323314X", "灵璧县人民政府", "county", "灵政", CITY.code),
    DemoPublisher("003233158", "泗县人民政府", "county", "泗政", CITY.code),
    DemoPublisher("003233211", "埇桥区符离镇人民政府", "township", "符政", "003233115"),
    DemoPublisher("003233238", "砀山县砀城镇人民政府", "township", "砀城政", "003233123"),
    DemoPublisher("003233246", "萧县龙城镇人民政府", "township", "龙政", "003233131"),
    DemoPublisher("003233254", "灵璧县灵城镇人民政府", "township", "灵城政", "00323314X"),
    DemoPublisher("003233262", "泗县泗城镇人民政府", "township", "泗城政", "003233158"),
    DemoPublisher("91341300MA2N0001X7", "宿州市供水有限公司", "enterprise", "宿供水"),
    DemoPublisher("91341300MA2N0002X5", "宿州供电公司", "enterprise", "宿供电"),
    DemoPublisher("91341300MA2N0003X3", "宿州市公共交通有限公司", "enterprise", "宿公交"),
    DemoPublisher("12341300MB0000104K", "宿州市立医院", "enterprise", "宿医"),
)

TOPICS = (
    "城镇居民最低生活保障", "农村义务教育经费保障", "新型农村合作医疗", "安全生产", "食品安全",
    "城市供水", "道路交通安全", "环境保护", "防汛抗旱", "企业退休人员基本养老金",
    "住房公积金", "廉租住房保障", "农业综合开发", "招商引资", "国有土地使用权出让",
    "棚户区改造", "城市规划管理", "公共卫生服务", "就业再就业", "政府信息公开",
    "行政审批制度改革", "城市绿化", "农村危房改造", "家电下乡补贴", "粮食直接补贴",
)
REPORT_ITEMS = ("财政预算执行情况", "财政决算", "国民经济和社会发展计划执行情况", "审计工作")
PROJECTS = ("宿州市区汴河路改造", "宿州市污水处理厂扩建", "合徐高速宿州连接线", "市第二人民医院门诊楼", "新汴河景观带")
GOODS = ("办公设备", "教学仪器", "公务用车", "医疗设备", "网络设备")
SURNAMES = "张王李刘陈杨赵黄周吴徐孙朱马胡郭"
GIVEN = "建华明伟国强志军立新海涛文静丽红"


def _annual_report_title(rng: random.Random, pub: DemoPublisher, year: int) -> tuple[str, str]:
    return f"{pub.name}{year}年政府信息公开工作年度报告", "报告"


def _place(pub: DemoPublisher) -> str:
    """The place a publisher governs: 宿州市, 砀山县, 埇桥区符离镇 …"""
    if pub.level in {"county", "township"}:
        return pub.name.removesuffix("人民政府")
    return "宿州市"


def _title(rng: random.Random, column: str, pub: DemoPublisher, year: int) -> tuple[str, str]:
    """A title of a real kind for a column, and its genre (体裁)."""
    topic = rng.choice(TOPICS)
    place = _place(pub)
    builders = {
        "guide": lambda: (f"{pub.name}政府信息公开指南", "指南"),
        "on-application": lambda: (f"{pub.name}依申请公开政府信息工作规程", "规程"),
        "annual-reports": lambda: _annual_report_title(rng, pub, year - 1),
        "leaders": lambda: (f"关于调整{place}政府领导工作分工的通知", "通知"),
        "organisations": lambda: (f"{pub.name}主要职责内设机构和人员编制规定", "规定"),
        "personnel": lambda: (f"关于{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{rng.choice(GIVEN)}等同志职务任免的通知", "通知"),
        "normative-documents": lambda: (f"关于印发《{place}{topic}管理办法》的通知", "通知"),
        "regulations": lambda: (f"{place}{topic}管理办法", "办法"),
        "reports-to-congress": lambda: (f"关于{year}年{rng.choice(REPORT_ITEMS)}的报告", "报告"),
        "plans": lambda: (f"{place}{topic}“十一五”发展规划", "规划"),
        "budgets": lambda: (f"关于{year - 1}年财政预算执行情况和{year}年财政预算草案的报告", "报告"),
        "statistics": lambda: (f"{year - 1}年{place}国民经济和社会发展统计公报", "公报"),
        "meetings": lambda: (f"{place}政府第{rng.randint(1, 40)}次常务会议纪要", "纪要"),
        "key-work": lambda: (f"{place}{year}年{topic}工作方案", "方案"),
        "major-projects": lambda: (f"关于{rng.choice(PROJECTS)}项目建设的公告", "公告"),
        "procurement": lambda: (f"{pub.name}{rng.choice(GOODS)}采购项目中标公告", "公告"),
        "emergencies": lambda: (f"{place}{topic}突发事件应急预案", "预案"),
        "announcements": lambda: (f"关于{topic}有关事项的公告", "公告"),
        "welfare": lambda: (f"关于{year}年{topic}补助资金发放情况的公示", "公示"),
    }
    default = (f"关于进一步做好{topic}工作的通知", "通知")
    build = builders.get(column)
    return build() if build else default


PARAGRAPHS = (
    "为进一步做好{topic}工作,根据国家和省有关规定,结合我{unit}实际,制定本{genre}。",
    "一、指导思想。以科学发展观为指导,坚持以人为本,围绕{topic}中的突出问题,完善制度,落实责任,切实维护人民群众的合法权益。",
    "二、工作目标。到{year}年底,全{unit}{topic}工作机制基本健全,各项措施全面落实,群众满意度明显提高。",
    "三、主要任务。各地、各部门要按照职责分工,明确分管领导和具体负责人员,制定实施细则,加强督促检查,确保各项任务按期完成。",
    "四、保障措施。加强组织领导,落实工作经费,建立健全考核评价和责任追究制度;通过政府网站、新闻媒体、政府信息公开栏等渠道,及时向社会公开工作进展情况,接受社会监督。",
    "五、其他事项。本{genre}自发布之日起施行。执行中遇到的问题,请及时向{publisher}反映。",
    "各级各部门要高度重视{topic}工作,把这项工作列入重要议事日程,主要负责同志亲自抓,分管负责同志具体抓,一级抓一级,层层抓落实,形成齐抓共管的工作格局。",
    "要坚持公开、公平、公正的原则,规范办事程序,简化办事环节,提高办事效率。凡涉及群众切身利益的事项,除依法应当保密的以外,都要通过政府信息公开网、公开栏和触摸屏等渠道向社会公开,方便群众查阅和监督。",
    "各县区人民政府、市政府各部门要于每季度末将{topic}工作进展情况报送{publisher},年底前报送全年工作总结。对工作不力、造成不良影响的单位和个人,依照有关规定追究责任。",
    "附件:1.{topic}工作任务分解表;2.{topic}工作联系人名单。",
    "在实施过程中,要加强调查研究,及时总结推广好的经验和做法,研究解决工作中出现的新情况、新问题,不断提高{topic}工作水平。",
    "{year}年,全{unit}共投入资金{money}万元,惠及群众{people}人次,{topic}工作取得明显成效。",
)


def _body(rng: random.Random, topic: str, genre: str, pub: DemoPublisher, year: int, chars: int = 0) -> str:
    """Six to nine paragraphs (about 530 characters); with `chars`, more until the body is that long."""
    unit = "县" if pub.name.endswith("县人民政府") else "区" if "区" in pub.name else "市"
    fields = {
        "topic": topic, "genre": genre, "unit": unit, "year": year, "publisher": pub.name,
        "money": rng.randint(120, 9800), "people": rng.randint(1000, 90000),
    }
    picks = sorted(rng.sample(range(1, len(PARAGRAPHS)), k=rng.randint(6, 9)))
    chosen = [PARAGRAPHS[0], *(PARAGRAPHS[i] for i in picks)]
    body = "\n".join(p.format(**fields) for p in chosen)
    while len(body) < chars:
        fields |= {"money": rng.randint(120, 9800), "people": rng.randint(1000, 90000), "topic": rng.choice(TOPICS)}
        body += "\n" + PARAGRAPHS[rng.randrange(1, len(PARAGRAPHS))].format(**fields)
    return body


def _publisher_for(rng: random.Random, column: str) -> DemoPublisher:
    levels = {
        "city-departments": ("city",), "counties": ("county",), "townships": ("township",),
        "utilities": ("enterprise",), "transport": ("enterprise",), "education-health": ("enterprise",),
    }.get(column, ("city", "county"))
    if column in {"leaders", "meetings", "budgets", "reports-to-congress", "plans"}:
        return CITY
    return rng.choice([p for p in PUBLISHERS if p.level in levels])


def _validity(rng: random.Random, published: date) -> tuple[Validity, date | None]:
    roll = rng.random()
    if roll < 0.08:
        return "abolished", published + timedelta(days=rng.randint(200, 900))
    return ("amended" if roll < 0.12 else "valid"), None


def generate_items(count: int, seed: int = 1) -> list[ItemRecord]:
    """`count` deterministic items across every column, in publication order."""
    return list(iter_items(count, seed))


def iter_items(count: int, seed: int = 1, body_chars: int = 0) -> Iterator[ItemRecord]:
    """The items of `generate_items`, one at a time (a million of them do not fit in memory at once).

    With `body_chars`, every body is at least that long (benchmarks use 1,200).
    """
    rng = random.Random(seed)
    columns = leaf_codes()
    serials: dict[tuple[str, int], int] = {}
    start = date(2008, 5, 1)
    for n in range(count):
        published = start + timedelta(days=(n * 900) // max(count, 1))
        yield _item(rng, rng.choice(columns), published, serials, body_chars)


def _item(
    rng: random.Random, column: str, published: date, serials: dict[tuple[str, int], int], body_chars: int = 0
) -> ItemRecord:
    pub = _publisher_for(rng, column)
    year = published.year
    title, genre = _title(rng, column, pub, year)
    key = (pub.code, year)
    serials[key] = serials.get(key, 100) + 1
    index_no = f"{pub.code}/{year}-{serials[key]:05d}"
    has_doc_no = genre in {"通知", "办法", "规定", "方案", "预案", "报告"} and rng.random() < 0.85
    validity, abolished_on = _validity(rng, published)
    topic = next((t for t in TOPICS if t in title), rng.choice(TOPICS))
    return ItemRecord(
        index_no=index_no, title=title, publisher_code=pub.code, column_code=column,
        published_on=published, body=_body(rng, topic, genre, pub, year, body_chars),
        doc_no=f"{pub.doc_prefix}〔{year}〕{serials[key] - 100}号" if has_doc_no else None,
        written_on=published - timedelta(days=rng.randint(0, 12)),
        effective_on=published if genre in {"办法", "规定"} else None,
        abolished_on=abolished_on, validity=validity, subject=topic, genre=genre,
        keywords=" ".join(rng.sample(TOPICS, k=2)), source_url=SOURCE_BASE + index_no,
    )


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


def publisher_records() -> list[PublisherRecord]:
    """Every demo publisher, parents first."""
    return [p.record() for p in PUBLISHERS]


assert set(SUBCOLUMNS) <= {"catalogue", "departments", "enterprises"}
