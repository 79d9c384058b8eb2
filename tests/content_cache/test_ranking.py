"""How matches rank among themselves: routine records after rules and notices, a title holding the words apart
before a body holding them together, question filler left out."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from content_cache import ContentCache
from content_cache.demo import generate_items
from content_cache.search import asks_for_routine, is_routine
from tests.content_cache.test_store import load


def _items(count: int) -> list:
    """Plain items to dress as the test needs: same year, in force, no 文号."""
    return [
        replace(item, published_on=date(2024, 5, 1), validity="valid", doc_no=None, genre="通知", subject="")
        for item in generate_items(count, seed=11)
    ]


def _order(cache: ContentCache, query: str) -> list[str]:
    return [hit.title for hit in cache.search(query, 10).hits]


def test_a_routine_record_comes_after_a_notice_of_like_score_unless_the_query_names_it(
    empty_cache: ContentCache,
) -> None:
    a, b, c = _items(3)
    tender = replace(
        a,
        title="宿州市龟兔赛跑协会监控设备采购项目招标公告",
        body="见附件。",
        genre="招标公告",
        published_on=date(2026, 3, 1),
    )
    minutes = replace(
        b,
        title="宿州市龟兔赛跑协会工作会议纪要",
        body="见附件。",
        genre="",  # no 体裁: by its title
        published_on=date(2026, 2, 1),
    )
    notice = replace(
        c,
        title="宿州市龟兔赛跑协会关于调整会员收费标准的公告",
        body="见附件。",
        genre="公告",
        published_on=date(2021, 3, 1),
    )
    load(empty_cache, [tender, minutes, notice])
    assert _order(empty_cache, "龟兔赛跑协会")[0] == notice.title
    assert _order(empty_cache, "龟兔赛跑协会 采购")[0] == tender.title
    assert _order(empty_cache, "龟兔赛跑协会纪要")[0] == minutes.title
    explained = empty_cache.explain("龟兔赛跑协会", [tender.index_no, notice.index_no])
    assert "routine" in explained[1] and "routine" not in explained[2]


def test_routine_records_are_known_by_genre_or_title_and_asked_for_by_name() -> None:
    assert is_routine("中标公告", "关于某项目的公告")
    assert is_routine("", "宿州市财政局2025年部门预算")
    assert is_routine("", "萧县2024年度门诊慢特病拟享受对象名单公示")
    assert not is_routine("通知", "关于调整城乡居民基本医疗保险缴费标准的通知")
    assert asks_for_routine("发改委采购")
    assert asks_for_routine("caizheng ys", [("财政",), ("预算", "财政预算")])
    assert not asks_for_routine("发改委")


def test_a_title_holding_the_words_apart_ranks_before_a_body_holding_them_together(empty_cache: ContentCache) -> None:
    a, b = _items(2)
    in_body = replace(
        a, title="关于银河路停车场建设项目的批复", body="职工可申请公积金贷款购买车位。", published_on=date(2026, 1, 1)
    )
    apart = replace(
        b,
        title="关于调整住房公积金个人住房贷款政策的公告",
        body="办理公积金贷款的条件见附件。",
        published_on=date(2022, 1, 1),
    )
    load(empty_cache, [in_body, apart])
    assert _order(empty_cache, "公积金贷款") == [apart.title, in_body.title]


def test_question_filler_around_a_price_is_left_out(empty_cache: ContentCache) -> None:
    (a,) = _items(1)
    notice = replace(
        a, title="关于做好2026年度城乡居民基本医疗保险参保缴费工作的通知", body="个人缴费标准为每人每年400元。"
    )
    load(empty_cache, [notice])
    assert _order(empty_cache, "医保一年交多少钱") == [notice.title]
    assert _order(empty_cache, "哪里可以交医保") == [notice.title]


def test_explain_follows_the_search_when_it_widened_its_matches(empty_cache: ContentCache) -> None:
    a, b = _items(2)
    apart = replace(a, title="关于社保关系网上转移的通知", body="见附件。")  # 社保 … 转移, apart
    other = replace(b, title="关于城市绿化的通知", body="城市绿化。")
    load(empty_cache, [apart, other])
    found = empty_cache.search("社保转移", 10)
    assert [hit.index_no for hit in found.hits] == [apart.index_no] and found.widened
    explained = empty_cache.explain(found.query, [apart.index_no], found.widened)
    assert f"matched as {found.widened}" in explained[0]
    assert " -" not in explained[1].split(";")[0]  # it holds every word, as the search matched them
    mostly = empty_cache.search("社保 火锅", 10)
    assert mostly.partial and mostly.widened == "most of the words"
    line = empty_cache.explain(mostly.query, [apart.index_no], mostly.widened)[1]
    assert "-火锅" in line


def test_a_title_that_names_the_publisher_ranks_before_items_that_only_the_publisher_names(
    empty_cache: ContentCache,
) -> None:
    a, b = _items(2)
    commission = "003232848"  # 宿州市发展和改革委员会: 发改委 is its everyday name
    named = replace(
        a,
        title="宿州市发展和改革委员会关于召开市区居民生活用水价格调整听证会的公告",
        publisher_code=commission,
        body="定于12月召开听证会。",
        published_on=date(2023, 11, 6),
    )
    newer = replace(
        b,
        title="宿州市招商引资暂行办法",
        publisher_code=commission,
        body="为规范招商引资工作，制定本办法。",
        published_on=date(2026, 6, 6),
    )
    load(empty_cache, [named, newer])
    assert _order(empty_cache, "发改委") == [named.title, newer.title]
    explained = empty_cache.explain("发改委", [named.index_no, newer.index_no])
    assert "publisher ×" in explained[2] and "publisher ×" not in explained[1]


def test_of_two_notices_that_match_alike_in_one_year_the_later_comes_first(empty_cache: ContentCache) -> None:
    *filler, a, b = _items(30)
    march = replace(a, title="关于调整12路公交线路的公告", body="见附件。", published_on=date(2024, 1, 5))
    june = replace(b, title="关于调整12路公交车线路的公告", body="见附件。", published_on=date(2024, 12, 20))
    load(empty_cache, [*filler, march, june])
    assert _order(empty_cache, "12路公交")[:2] == [june.title, march.title]


def test_explain_says_what_a_title_s_pinyin_holds(empty_cache: ContentCache) -> None:
    plan, safety = _items(2)
    plan = replace(plan, title="宿州市国土空间总体规划")  # initials szsgtkjztgh: gh on the initials
    safety = replace(safety, title="宿州市安全生产管理办法")  # an in the full pinyin, not on the initials
    load(empty_cache, [plan, safety])
    initials, full = empty_cache.explain("gh", [plan.index_no, safety.index_no])[1:]
    assert "short parts on its initials" in initials and full.endswith("title pinyin -")
    syllable = empty_cache.explain("an", [safety.index_no])[1]
    assert "short parts not on its initials" in syllable
    assert empty_cache.explain("anquan", [safety.index_no])[1].endswith("title pinyin")


def test_a_routine_record_that_holds_the_query_in_its_body_alone_competes_by_its_body(
    empty_cache: ContentCache,
) -> None:
    *filler, a, b = _items(30)
    recipients = replace(
        a,
        title="砀城镇2019年农村危房改造补助对象公示",
        genre="",
        published_on=date(2019, 6, 22),
        body="经审核，以下低保户、分散供养特困人员纳入补助对象：低保户张某、低保户李某、低保户王某。"
        "低保户补助标准为每户1.5万元。",
    )  # a routine record (对象公示), about 低保 in its body
    mention = replace(
        b,
        title="宿州市人民政府领导班子成员及分工",
        genre="",
        published_on=date(2026, 1, 21),
        body="副市长负责民政、低保、医疗救助等方面工作。",
    )
    load(empty_cache, [*filler, recipients, mention])
    assert _order(empty_cache, "低保")[:2] == [recipients.title, mention.title]
    assert "routine" not in empty_cache.explain("低保", [recipients.index_no])[1]
