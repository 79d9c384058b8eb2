"""Titles by genre, the way a disclosure catalogue's columns hold them, and how often each column is used.

Each template says its genre (体裁) and who issues it: `gov` the city or a
county government, `role` the department that owns the topic, `dept` any
department (its own guide, budget or purchase), `town` a township, `ent` a
utility or hospital.
"""

from __future__ import annotations

Template = tuple[int, str, str, str]  # (weight, genre, who, title template)

NORMATIVE: tuple[Template, ...] = (
    (5, "通知", "role", "关于印发《{place}{managed}办法》的通知"),
    (2, "通知", "role", "关于印发《{place}{topic}实施细则》的通知"),
    (2, "通知", "gov", "关于印发{place}{topic}工作方案的通知"),
    (2, "意见", "gov", "{pub}关于加快推进{topic}工作的实施意见"),
    (2, "通知", "role", "关于进一步做好{topic}工作的通知"),
    (3, "通知", "role", "关于做好{year}年度{topic}工作的通知"),
    (1, "通知", "role", "关于调整{place}{topic}标准的通知"),
    (1, "意见", "gov", "关于进一步加强{managed}的意见"),
)
REGULATIONS: tuple[Template, ...] = (
    (4, "办法", "gov", "{place}{managed}办法"),
    (2, "细则", "role", "{place}{managed}办法实施细则"),
    (1, "规定", "gov", "{place}{topic}若干规定"),
    (1, "办法", "role", "{place}{topic}暂行办法"),
)
WELFARE: tuple[Template, ...] = (
    (3, "公示", "role", "关于{year}年{topic}补助资金发放情况的公示"),
    (2, "公示", "role", "{place}{year}年度{topic}拟享受对象名单公示"),
    (2, "指南", "role", "{topic}办事指南"),
    (1, "解读", "role", "政策解读：如何申请{topic}"),
    (1, "通知", "role", "关于调整{place}{topic}标准的通知"),
)
KEY_WORK: tuple[Template, ...] = (
    (3, "方案", "role", "{place}{year}年{topic}工作方案"),
    (2, "要点", "dept", "{pub}{year}年工作要点"),
    (2, "要点", "role", "{place}{year}年{topic}工作要点"),
    (2, "总结", "dept", "{pub}{prev}年工作总结"),
    (1, "总结", "role", "{place}{prev}年{topic}工作总结"),
    (1, "通报", "gov", "关于{year}年{topic}工作督查情况的通报"),
)
ANNOUNCEMENTS: tuple[Template, ...] = (
    (3, "公告", "role", "关于{topic}有关事项的公告"),
    (2, "通告", "role", "关于{topic}的通告"),
    (2, "解读", "role", "政策解读：《{place}{managed}办法》"),
    (3, "决定书", "role", "{company}行政处罚决定书"),
    (1, "新闻", "role", "{place}召开{topic}工作新闻发布会"),
)
OTHER: tuple[Template, ...] = (
    (2, "答复", "role", "关于市政协{cppcc}届{session}次会议第{k}号提案的答复"),
    (2, "答复", "role", "关于市{npc}届人大{session}次会议第{k}号建议的答复"),
    (1, "批复", "gov", "关于{place}{topic}有关问题的批复"),
    (1, "决定书", "role", "{company}行政处罚决定书"),
)
# code → (weight, area, titles): "mixed" columns hold the city's documents and, now and then, a county's.
COLUMNS: dict[str, tuple[int, str, tuple[Template, ...]]] = {
    "guide": (1, "mixed", ((1, "指南", "dept", "{pub}政府信息公开指南"), (1, "目录", "dept", "{pub}政府信息公开目录"))),
    "on-application": (
        1,
        "mixed",
        (
            (1, "规程", "dept", "{pub}依申请公开政府信息工作规程"),
            (1, "指南", "dept", "{pub}依申请公开政府信息办事指南"),
        ),
    ),
    "annual-reports": (2, "mixed", ((1, "报告", "dept", "{pub}{prev}年政府信息公开工作年度报告"),)),
    "leaders": (
        2,
        "mixed",
        (
            (3, "通知", "gov", "关于调整{place}人民政府领导工作分工的通知"),
            (1, "信息", "gov", "{place}人民政府领导班子成员及分工"),
        ),
    ),
    "organisations": (
        2,
        "mixed",
        ((2, "规定", "dept", "{pub}主要职责内设机构和人员编制规定"), (1, "信息", "dept", "{pub}机构职能")),
    ),
    "personnel": (
        10,
        "mixed",
        (
            (3, "通知", "gov", "关于{person}等同志职务任免的通知"),
            (2, "公示", "dept", "{pub}{year}年公开招聘工作人员拟聘用人员公示"),
            (1, "公告", "dept", "{pub}{year}年公开招聘工作人员公告"),
            (1, "公示", "gov", "{place}{year}年第{session}批干部任前公示"),
        ),
    ),
    "normative-documents": (7, "mixed", NORMATIVE),
    "regulations": (4, "mixed", REGULATIONS),
    "reports-to-congress": (
        2,
        "city",
        (
            (3, "报告", "role", "关于{year}年{topic}工作情况的报告"),
            (1, "报告", "gov", "{year}年{place}人民政府工作报告"),
            (1, "报告", "gov", "关于{prev}年度审计查出问题整改情况的报告"),
        ),
    ),
    "plans": (
        2,
        "mixed",
        (
            (3, "规划", "role", "{place}{topic}“{period}”规划"),
            (1, "规划", "gov", "{place}国民经济和社会发展“{period}”规划纲要"),
            (1, "规划", "role", "{place}{topic}专项规划"),
        ),
    ),
    "budgets": (
        5,
        "mixed",
        (
            (3, "报告", "gov", "关于{prev}年财政预算执行情况和{year}年财政预算草案的报告"),
            (2, "报告", "gov", "{place}{year}年财政预算执行情况的报告"),
            (1, "报告", "gov", "关于{place}{year}年财政预算调整方案的报告"),
            (2, "预算", "dept", "{pub}{year}年部门预算"),
            (1, "决算", "dept", "{pub}{prev}年部门决算"),
            (1, "说明", "dept", "{pub}{year}年“三公”经费预算情况说明"),
        ),
    ),
    "statistics": (
        6,
        "mixed",
        (
            (3, "公报", "gov", "{prev}年{place}国民经济和社会发展统计公报"),
            (2, "统计信息", "gov", "{year}年{month}月{place}主要经济指标"),
            (1, "统计信息", "role", "{place}{prev}年{topic}统计数据"),
        ),
    ),
    "meetings": (
        5,
        "mixed",
        (
            (3, "纪要", "gov", "{place}人民政府第{n}次常务会议纪要"),
            (1, "纪要", "role", "{topic}工作专题会议纪要"),
            (1, "通知", "role", "关于召开{topic}工作会议的通知"),
        ),
    ),
    "key-work": (6, "mixed", KEY_WORK),
    "major-projects": (
        9,
        "mixed",
        (
            (2, "公告", "role", "关于{project}建设的公告"),
            (2, "批复", "gov", "关于{project}可行性研究报告的批复"),
            (1, "公示", "role", "{project}环境影响评价公众参与公示"),
            (1, "公示", "role", "{project}征地补偿安置方案公示"),
        ),
    ),
    "procurement": (
        14,
        "mixed",
        (
            (3, "招标公告", "dept", "{pub}{goods}采购项目招标公告"),
            (3, "中标公告", "dept", "{pub}{goods}采购项目中标公告"),
            (1, "招标公告", "role", "{project}施工招标公告"),
            (1, "公示", "role", "{project}中标候选人公示"),
        ),
    ),
    "emergencies": (
        4,
        "mixed",
        (
            (3, "预案", "role", "{place}{topic}应急预案"),
            (2, "预案", "gov", "{place}突发{event}事件应急预案"),
            (1, "通知", "role", "关于做好{year}年{topic}工作的通知"),
            (1, "通知", "role", "关于切实做好{topic}工作的紧急通知"),
        ),
    ),
    "announcements": (8, "mixed", ANNOUNCEMENTS),
    "welfare": (5, "mixed", WELFARE),
    "other": (3, "mixed", OTHER),
    "city-departments": (8, "city", (*NORMATIVE, *WELFARE, *KEY_WORK, *ANNOUNCEMENTS)),
    "counties": (7, "county", (*NORMATIVE, *REGULATIONS, *WELFARE, *KEY_WORK, *ANNOUNCEMENTS)),
    "townships": (
        6,
        "town",
        (
            (2, "公示", "town", "{place}{year}年度{topic}拟享受对象名单公示"),
            (2, "方案", "town", "{place}{year}年{topic}工作方案"),
            (1, "通知", "town", "关于做好{topic}工作的通知"),
            (1, "总结", "town", "{place}{prev}年工作总结"),
            (3, "公开", "town", "{place}{year}年第{quarter}季度村级财务公开"),
        ),
    ),
    "utilities": (2, "ent", ()),
    "transport": (2, "ent", ()),
    "education-health": (2, "ent", ()),
}
# A utility's or hospital's own notices, by the role that issues them.
ENTERPRISE_TITLES: dict[str, tuple[Template, ...]] = {
    "water-supply": (
        (3, "通知", "ent", "关于{md}{road}一带临时停水的通知"),
        (1, "公告", "ent", "{pub}关于{topic}有关事项的公告"),
        (1, "信息", "ent", "{pub}{year}年{topic}情况"),
    ),
    "power": (
        (3, "公告", "ent", "{md}{road}等线路停电检修公告"),
        (1, "公告", "ent", "{pub}关于{topic}有关事项的公告"),
        (1, "信息", "ent", "{pub}{year}年{topic}情况"),
    ),
    "bus": (
        (3, "公告", "ent", "关于调整{bus}路公交线路的公告"),
        (1, "公告", "ent", "{pub}关于{topic}有关事项的公告"),
        (1, "信息", "ent", "{pub}{year}年{topic}情况"),
    ),
    "hospital": (
        (2, "信息", "ent", "{pub}{year}年{month}月专家门诊安排"),
        (1, "公告", "ent", "{pub}关于{topic}有关事项的公告"),
        (1, "公示", "ent", "{pub}{year}年{topic}信息公示"),
    ),
}
ENTERPRISE_ROLES_BY_COLUMN = {
    "utilities": ("water-supply", "power"),
    "transport": ("bus",),
    "education-health": ("hospital",),
}
# Templates that fit only topics of some kinds (a list of beneficiaries is published for a benefit, not for 普法).
_HELP = frozenset({"benefit", "service"})
FITTING: dict[str, frozenset[str]] = {
    "关于{year}年{topic}补助资金发放情况的公示": frozenset({"benefit", "project"}),
    "{place}{year}年度{topic}拟享受对象名单公示": frozenset({"benefit"}),
    "{topic}办事指南": _HELP,
    "政策解读：如何申请{topic}": _HELP,
    "关于调整{place}{topic}标准的通知": frozenset({"benefit", "fee"}),
    "关于{topic}的通告": frozenset({"safety", "campaign", "fee", "service"}),
    "{company}行政处罚决定书": frozenset({"safety", "campaign", "service", "fee"}),
    "{place}{topic}应急预案": frozenset({"safety"}),
    "关于切实做好{topic}工作的紧急通知": frozenset({"safety", "campaign"}),
    "{place}{topic}“{period}”规划": frozenset({"governance", "project", "safety", "service"}),
    "{place}{managed}办法": frozenset({"benefit", "service", "governance", "project", "fee", "safety"}),
}

# Genres that carry a 文号, and the ones whose later versions replace them.
NUMBERED = frozenset(
    {"通知", "意见", "办法", "细则", "规定", "方案", "预案", "报告", "批复", "要点", "通报", "通告", "决定书"}
)
REISSUED = frozenset({"办法", "细则", "规定", "意见", "预案"})  # and any 通知 that issues a 《rule》
