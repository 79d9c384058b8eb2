"""The demo world's publishers: 宿州市, its departments through the reorganisations, counties, towns, utilities.

A department keeps one unit code for one name: when the 2009-2010 and
2018-2019 reorganisations renamed or merged it, the new body is a new
publisher, so an item's publisher always carries the name it had that year.
The first twenty-nine codes are the ones tests and the relevance set use;
new publishers are added after them, never renumbered.
"""

from __future__ import annotations

from dataclasses import dataclass

from content_cache.records import PublisherRecord

FIRST_YEAR, LAST_YEAR = 2008, 2026


@dataclass(frozen=True, slots=True)
class DemoPublisher:
    code: str
    name: str
    level: str
    doc_prefix: str  # 文号 prefix: 宿政, 宿财, 砀政 …
    parent_code: str | None = None
    role: str = "gov"  # the work it owns (topics.txt), the same across renamings
    first_year: int = FIRST_YEAR
    last_year: int = LAST_YEAR
    area: str = "宿州市"  # the city, county or town it serves

    def record(self) -> PublisherRecord:
        """The publisher as the content cache stores it."""
        return PublisherRecord(self.code, self.name, self.level, self.parent_code)

    def active(self, year: int) -> bool:
        """Whether the body existed under this name in `year`."""
        return self.first_year <= year <= self.last_year


CITY = DemoPublisher("003232741", "宿州市人民政府", "city", "宿政")
COUNTIES = (
    ("003233115", "埇桥区", "埇"),
    ("003233123", "砀山县", "砀"),
    ("003233131", "萧县", "萧"),
    ("00323314X", "灵璧县", "灵"),
    ("003233158", "泗县", "泗"),
)


def _city(
    code: str, name: str, prefix: str, role: str, years: tuple[int, int] = (FIRST_YEAR, LAST_YEAR), level: str = "city"
) -> DemoPublisher:
    return DemoPublisher(code, name, level, prefix, CITY.code, role, *years)


def _county(code: str, area: str, prefix: str) -> DemoPublisher:
    return DemoPublisher(code, f"{area}人民政府", "county", prefix, CITY.code, "gov", area=area)


ORIGINAL: tuple[DemoPublisher, ...] = (
    CITY,
    _city("003232768", "宿州市人民政府办公室", "宿政办", "gov-office"),
    _city("003232805", "宿州市财政局", "宿财", "finance"),
    _city("003232813", "宿州市教育局", "宿教", "education"),
    _city("003232821", "宿州市民政局", "宿民", "civil"),
    _city("003232848", "宿州市发展和改革委员会", "宿发改", "development"),
    _city("003232856", "宿州市统计局", "宿统", "statistics"),
    _city("003232864", "宿州市卫生局", "宿卫", "health", (2008, 2014)),
    _city("003232872", "宿州市劳动和社会保障局", "宿劳社", "hrss", (2008, 2009)),
    _city("003232899", "宿州市建设委员会", "宿建", "housing", (2008, 2018)),
    _city("003232901", "宿州市国土资源局", "宿国土", "land", (2008, 2018)),
    _city("003232928", "宿州市环境保护局", "宿环", "environment", (2008, 2018)),
    _city("003232936", "宿州市交通局", "宿交", "transport", (2008, 2009)),
    _city("003232944", "宿州市农业委员会", "宿农", "agriculture", (2008, 2018)),
    _city("00323306X", "宿州市档案局", "宿档", "archives"),
    *(_county(code, area, f"{short}政") for code, area, short in COUNTIES),
    DemoPublisher("003233211", "埇桥区符离镇人民政府", "township", "符政", "003233115", area="符离镇"),
    DemoPublisher("003233238", "砀山县砀城镇人民政府", "township", "砀城政", "003233123", area="砀城镇"),
    DemoPublisher("003233246", "萧县龙城镇人民政府", "township", "龙政", "003233131", area="龙城镇"),
    DemoPublisher("003233254", "灵璧县灵城镇人民政府", "township", "灵城政", "00323314X", area="灵城镇"),
    DemoPublisher("003233262", "泗县泗城镇人民政府", "township", "泗城政", "003233158", area="泗城镇"),
    DemoPublisher("91341300MA2N0001X7", "宿州市供水有限公司", "enterprise", "宿供水", role="water-supply"),
    DemoPublisher("91341300MA2N0002X5", "宿州供电公司", "enterprise", "宿供电", role="power"),
    DemoPublisher("91341300MA2N0003X3", "宿州市公共交通有限公司", "enterprise", "宿公交", role="bus"),
    DemoPublisher("12341300MB0000104K", "宿州市立医院", "enterprise", "宿医", role="hospital"),
)

# (role, name without 宿州市, 文号 prefix, first year, last year): the departments added to the originals,
# with the names of each era (the 2010 and 2015 renamings, the 2019 reorganisation).
DEPARTMENTS: tuple[tuple[str, str, str, int, int], ...] = (
    ("health", "卫生和计划生育委员会", "宿卫计", 2015, 2018),
    ("health", "卫生健康委员会", "宿卫健", 2019, LAST_YEAR),
    ("population", "人口和计划生育委员会", "宿人口", 2008, 2014),
    ("hrss", "人力资源和社会保障局", "宿人社", 2010, LAST_YEAR),
    ("housing", "住房和城乡建设局", "宿建", 2019, LAST_YEAR),
    ("land", "自然资源和规划局", "宿自然资规", 2019, LAST_YEAR),
    ("planning", "规划局", "宿规", 2008, 2018),
    ("forestry", "林业局", "宿林", 2008, 2018),
    ("environment", "生态环境局", "宿环", 2019, LAST_YEAR),
    ("transport", "交通运输局", "宿交", 2010, LAST_YEAR),
    ("agriculture", "农业农村局", "宿农", 2019, LAST_YEAR),
    ("medical-insurance", "医疗保障局", "宿医保", 2019, LAST_YEAR),
    ("veterans", "退役军人事务局", "宿退役军人", 2019, LAST_YEAR),
    ("data", "数据资源管理局", "宿数据", 2019, LAST_YEAR),
    ("government-services", "政务服务中心管理办公室", "宿政务", 2008, 2018),
    ("market", "工商行政管理局", "宿工商", 2008, 2018),
    ("quality", "质量技术监督局", "宿质监", 2008, 2018),
    ("food-drug", "食品药品监督管理局", "宿食药监", 2013, 2018),
    ("market", "市场监督管理局", "宿市监", 2019, LAST_YEAR),
    ("safety", "安全生产监督管理局", "宿安监", 2008, 2018),
    ("safety", "应急管理局", "宿应急", 2019, LAST_YEAR),
    ("public-security", "公安局", "宿公", FIRST_YEAR, LAST_YEAR),
    ("justice", "司法局", "宿司", FIRST_YEAR, LAST_YEAR),
    ("audit", "审计局", "宿审", FIRST_YEAR, LAST_YEAR),
    ("tax", "地方税务局", "宿地税", 2008, 2018),
    ("disabled", "残疾人联合会", "宿残联", FIRST_YEAR, LAST_YEAR),
    ("housing-fund", "住房公积金管理中心", "宿房金", FIRST_YEAR, LAST_YEAR),
    ("water", "水利局", "宿水", FIRST_YEAR, LAST_YEAR),
    ("commerce", "商务局", "宿商务", FIRST_YEAR, LAST_YEAR),
    ("culture", "文化广电新闻出版局", "宿文广", 2008, 2018),
    ("culture", "文化和旅游局", "宿文旅", 2019, LAST_YEAR),
    ("city-management", "城市管理行政执法局", "宿城管", 2008, 2018),
    ("city-management", "城市管理局", "宿城管", 2019, LAST_YEAR),
    ("price", "物价局", "宿价", 2008, 2018),
    ("grain", "粮食局", "宿粮", 2008, 2018),
    ("economy", "经济委员会", "宿经", 2008, 2009),
    ("economy", "经济和信息化委员会", "宿经信", 2010, 2018),
    ("economy", "经济和信息化局", "宿经信", 2019, LAST_YEAR),
)
# The tax bureau became a vertical unit under the State Taxation Administration in 2018.
TAX_2019 = ("tax", "国家税务总局宿州市税务局", "宿税", 2019, LAST_YEAR)
# Where a role had no body of its own that year, the body that did its work.
FALLBACK = {
    "medical-insurance": "hrss",
    "veterans": "civil",
    "data": "government-services",
    "government-services": "gov-office",
    "planning": "land",
    "forestry": "land",
    "price": "development",
    "grain": "development",
    "quality": "market",
    "food-drug": "market",
    "population": "health",
    "statistics": "gov-office",
    "archives": "gov-office",
}
# The departments each county has its own of (named like the city's, 砀山县教育局 …).
COUNTY_ROLES = (
    "education",
    "civil",
    "hrss",
    "finance",
    "housing",
    "health",
    "agriculture",
    "land",
    "environment",
    "market",
    "safety",
    "medical-insurance",
    "public-security",
    "transport",
    "water",
)
TOWNSHIPS = {
    "埇桥区": "夹沟镇 褚兰镇 曹村镇 栏杆镇 大店镇 桃园镇 永安镇 灰古镇 蒿沟镇 时村镇 大营镇 杨庄乡",
    "砀山县": "李庄镇 唐寨镇 葛集镇 周寨镇 玄庙镇 官庄坝镇 程庄镇 曹庄镇 关帝庙镇 朱楼镇 良梨镇",
    "萧县": "黄口镇 杨楼镇 闫集镇 新庄镇 刘套镇 马井镇 张庄寨镇 永堌镇 丁里镇 王寨镇 祖楼镇 白土镇 圣泉乡",
    "灵璧县": "韦集镇 黄湾镇 娄庄镇 杨疃镇 尹集镇 浍沟镇 尤集镇 高楼镇 冯庙镇 渔沟镇 虞姬镇 朝阳镇 禅堂乡",
    "泗县": "墩集镇 丁湖镇 草沟镇 长沟镇 黄圩镇 大庄镇 山头镇 刘圩镇 屏山镇 草庙镇 大路口乡",
}
MORE_ENTERPRISES = (
    DemoPublisher("12341300MB0000208P", "宿州市中医医院", "enterprise", "宿中医", role="hospital"),
    DemoPublisher("91341321MA2N0004X1", "砀山县自来水公司", "enterprise", "砀供水", role="water-supply", area="砀山县"),
)


def _added() -> tuple[DemoPublisher, ...]:
    serial = iter(range(1, 10_000))

    def code() -> str:
        return f"00324{next(serial):04d}"

    out = [
        _city(code(), f"宿州市{name}", prefix, role, (first, last)) for role, name, prefix, first, last in DEPARTMENTS
    ]
    out.append(_city(code(), TAX_2019[1], TAX_2019[2], "tax", TAX_2019[3:], level="vertical"))
    departments = [p for p in (*ORIGINAL, *out) if p.role in COUNTY_ROLES]
    for county_code, area, short in COUNTIES:
        for dep in departments:
            out.append(
                DemoPublisher(
                    code(),
                    dep.name.replace("宿州市", area, 1),
                    "county",
                    short + dep.doc_prefix[1:],
                    county_code,
                    dep.role,
                    dep.first_year,
                    dep.last_year,
                    area,
                )
            )
        for town in TOWNSHIPS[area].split():
            out.append(
                DemoPublisher(code(), f"{area}{town}人民政府", "township", f"{town[:2]}政", county_code, area=town)
            )
    return tuple(out)


PUBLISHERS: tuple[DemoPublisher, ...] = (*ORIGINAL, *_added(), *MORE_ENTERPRISES)


class Directory:
    """Finds the publisher that did a role's work in a year, in the city or in one county."""

    def __init__(self, publishers: tuple[DemoPublisher, ...] = PUBLISHERS) -> None:
        self._by_key: dict[tuple[str, str, int], DemoPublisher] = {}
        for pub in publishers:
            if pub.level in {"city", "vertical", "county"} and pub.role != "gov" or pub is CITY:
                area = pub.area if pub.level == "county" else "宿州市"
                for year in range(pub.first_year, pub.last_year + 1):
                    self._by_key.setdefault((pub.role, area, year), pub)
        for code, area, _ in COUNTIES:
            county = next(p for p in publishers if p.code == code)
            for year in range(FIRST_YEAR, LAST_YEAR + 1):
                self._by_key[("gov", area, year)] = county
        self.townships = tuple(p for p in publishers if p.level == "township")
        self.enterprises = tuple(p for p in publishers if p.level == "enterprise")
        self.counties = tuple(area for _, area, _ in COUNTIES)

    def holder(self, role: str, year: int, area: str = "宿州市") -> DemoPublisher:
        """The body doing `role`'s work in `area` in `year`; the area's government when none does."""
        while True:
            found = self._by_key.get((role, area, year))
            if found is not None:
                return found
            if role in FALLBACK:
                role = FALLBACK[role]
            elif area != "宿州市" and role != "gov":
                role = "gov"
            else:
                return self._by_key.get(("gov-office", area, year)) or self._by_key[("gov", area, year)]
