"""The particulars a title or body names: people, firms, roads, projects, sums, dates, telephone numbers.

`Fields` makes each one the first time a template asks for it, so an item
pays only for the particulars its own templates use.
"""

from __future__ import annotations

import random
from collections.abc import Callable

SURNAMES = (
    "张王李刘陈杨赵黄周吴徐孙朱马胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱"
)
GIVEN = "建华明伟国强志军立新海涛文静丽红秀英玉兰桂芳德胜永春振宇晓东洪涛梅雪凤云飞鹏浩然思远嘉欣子涵俊杰家豪"
ROADS = (
    "汴河路",
    "淮海路",
    "胜利路",
    "银河路",
    "人民路",
    "拂晓大道",
    "浍水路",
    "环城路",
    "东昌路",
    "雪枫路",
    "北京路",
    "南昌路",
    "西昌路",
    "汴北大道",
    "宿马大道",
    "沱河路",
    "迎宾大道",
    "光明街",
    "大泽乡路",
    "鞋城路",
    "唐河路",
    "纺织路",
)
WORKS = (
    "道路改造工程",
    "雨污分流改造工程",
    "绿化提升工程",
    "桥梁建设工程",
    "安置房建设项目",
    "学校建设项目",
    "污水处理厂扩建工程",
    "综合管廊工程",
    "农贸市场改造项目",
    "停车场建设项目",
    "供水管网改造工程",
    "体育公园建设项目",
    "老旧小区改造项目",
    "医院门诊楼建设项目",
    "标准化厂房建设项目",
    "农村公路提质改造工程",
)
GOODS = (
    "办公设备",
    "教学仪器",
    "公务用车",
    "医疗设备",
    "网络设备",
    "课桌椅",
    "图书",
    "电子白板",
    "监控设备",
    "消防器材",
    "环卫车辆",
    "绿化苗木",
    "物业服务",
    "保安服务",
    "食堂食材",
    "印刷服务",
    "信息化系统运维",
    "应急物资",
    "防汛物资",
    "被服",
    "空调",
    "家具",
    "检测服务",
    "审计服务",
    "法律服务",
)
BRANDS = "恒盛鑫达华宇金泰瑞丰永安顺昌宏远佳和百川中兴隆源汇通惠民嘉禾天诚亿安新元"
TRADES = (
    "商贸",
    "建筑工程",
    "食品",
    "科技",
    "物流",
    "建材",
    "餐饮管理",
    "医药",
    "农业科技",
    "环保科技",
    "物业管理",
    "劳务",
)
TERMS = ((2008, "三", "三"), (2012, "四", "四"), (2017, "五", "五"), (2022, "六", "六"))  # (from, 人大届, 政协届)
PLANS = ((2010, "十一五"), (2015, "十二五"), (2020, "十三五"), (2025, "十四五"), (9999, "十五五"))
EVENTS = (
    "自然灾害",
    "事故灾难",
    "公共卫生",
    "社会安全",
    "环境",
    "地震",
    "森林火灾",
    "大面积停电",
    "道路交通",
    "危险化学品",
)


def _pick(chars: str, rng: random.Random) -> str:
    return chars[int(rng.random() * len(chars))]


def _person(rng: random.Random, _: Fields) -> str:
    given = _pick(GIVEN, rng) + (_pick(GIVEN, rng) if rng.random() < 0.7 else "")
    return _pick(SURNAMES, rng) + given


def _company(rng: random.Random, f: Fields) -> str:
    return f"{f['place']}{_pick(BRANDS, rng)}{_pick(BRANDS, rng)}{rng.choice(TRADES)}有限公司"


def _project(rng: random.Random, f: Fields) -> str:
    return f"{f['place']}{rng.choice(ROADS)}{rng.choice(WORKS)}"


def _date(rng: random.Random, f: Fields) -> str:
    return f"{f['year']}年{f['md']}"


def _term(year: object, column: int) -> str:
    """The 人大 (column 1) or 政协 (column 2) term in office in `year`."""
    return next(str(term[column]) for term in reversed(TERMS) if term[0] <= int(str(year)))


MAKERS: dict[str, Callable[[random.Random, Fields], object]] = {
    "person": _person,
    "person2": _person,
    "company": _company,
    "project": _project,
    "date": _date,
    "md": lambda rng, f: f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
    "month": lambda rng, f: rng.randint(1, 12),
    "road": lambda rng, f: rng.choice(ROADS),
    "goods": lambda rng, f: rng.choice(GOODS),
    "event": lambda rng, f: rng.choice(EVENTS),
    "phone": lambda rng, f: f"0557-{rng.randint(2000000, 3999999)}",
    "address": lambda rng, f: f"{f['place']}{rng.choice(ROADS)}{rng.randint(1, 399)}号",
    "window": lambda rng, f: f"{f['place']}政务服务中心{rng.randint(1, 60)}号窗口",
    "n": lambda rng, f: rng.randint(1, 60),
    "k": lambda rng, f: rng.randint(1, 320),
    "bus": lambda rng, f: rng.randint(1, 66),
    "session": lambda rng, f: rng.randint(1, 5),
    "quarter": lambda rng, f: rng.randint(1, 4),
    "amount": lambda rng, f: rng.randint(12, 98000) / 10,
    "small": lambda rng, f: rng.randint(5, 300) * 10,
    "price": lambda rng, f: f"{rng.randint(5, 600) / 100:.2f}",
    "people": lambda rng, f: rng.randint(120, 90000),
    "count": lambda rng, f: rng.randint(3, 900),
    "count2": lambda rng, f: rng.randint(1, 300),
    "pct": lambda rng, f: f"{rng.randint(10, 150) / 10:.1f}",
    "pct2": lambda rng, f: rng.randint(85, 130),
    "days": lambda rng, f: rng.choice((3, 5, 7, 10, 15, 20, 30)),
    "hours": lambda rng, f: rng.choice((1, 2, 4, 12, 24)),
    "months": lambda rng, f: rng.choice((3, 6, 8, 12, 18, 24, 36)),
    "npc": lambda rng, f: _term(f["year"], 1),
    "cppcc": lambda rng, f: _term(f["year"], 2),
    "managed": lambda rng, f: str(f["topic"]) if str(f["topic"]).endswith("管理") else f"{f['topic']}管理",
    "period": lambda rng, f: next(name for last, name in PLANS if int(str(f["year"])) <= last),
}


class Fields(dict[str, object]):
    """The values a template may name; each particular is made on first use, then kept for the whole item."""

    def __init__(self, rng: random.Random, **known: object) -> None:
        super().__init__(known)
        self.rng = rng

    def __missing__(self, key: str) -> object:
        value = MAKERS[key](self.rng, self)
        self[key] = value
        return value

    def fresh(self, keys: frozenset[str]) -> None:
        """Forget these particulars so the next sentences name new ones (a long body's later paragraphs)."""
        for key in keys.intersection(self):
            del self[key]
