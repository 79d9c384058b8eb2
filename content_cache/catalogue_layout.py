"""The catalogue of a city's disclosure site: six sections and their sub-columns.

Names and order follow the city's 2008 annual report (the six columns of its
disclosure site, and the sub-columns of 政府信息公开目录).
"""

from __future__ import annotations

from content_cache.records import ColumnRecord

SECTIONS: tuple[tuple[str, str], ...] = (
    ("guide", "政府信息公开指南"),
    ("catalogue", "政府信息公开目录"),
    ("on-application", "依申请公开"),
    ("annual-reports", "政府信息公开年度报告"),
    ("departments", "政府各部门信息"),
    ("enterprises", "公共企事业单位信息"),
)

SUBCOLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "catalogue": (
        ("leaders", "政府领导"),
        ("organisations", "政府机构"),
        ("personnel", "人事信息"),
        ("normative-documents", "政府规范性文件"),
        ("regulations", "行政法规、规章"),
        ("reports-to-congress", "提交市人大报告"),
        ("plans", "国民经济和社会发展规划"),
        ("budgets", "财政预算决算报告"),
        ("statistics", "统计信息"),
        ("meetings", "政府会议"),
        ("key-work", "市政府重点工作"),
        ("major-projects", "重大建设项目"),
        ("procurement", "市政府集中采购"),
        ("emergencies", "应急管理"),
        ("announcements", "公告和新闻发布"),
        ("welfare", "民生公益"),
        ("other", "其他"),
    ),
    "departments": (
        ("city-departments", "市直部门"),
        ("counties", "县区政府"),
        ("townships", "乡镇政府"),
    ),
    "enterprises": (
        ("utilities", "供水供电供气"),
        ("transport", "公共交通"),
        ("education-health", "教育卫生"),
    ),
}


def column_records() -> list[ColumnRecord]:
    """Every column of the catalogue, parents before children."""
    out = [ColumnRecord(code, name, None, pos) for pos, (code, name) in enumerate(SECTIONS)]
    for parent, children in SUBCOLUMNS.items():
        out.extend(ColumnRecord(code, name, parent, pos) for pos, (code, name) in enumerate(children))
    return out


def leaf_codes() -> list[str]:
    """Columns that hold items: sub-columns, and sections without sub-columns."""
    leaves = [code for code, _ in SECTIONS if code not in SUBCOLUMNS]
    for children in SUBCOLUMNS.values():
        leaves.extend(code for code, _ in children)
    return leaves
