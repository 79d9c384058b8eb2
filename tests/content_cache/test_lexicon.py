"""Words that live only in the documents' text: found by their pinyin, through a misspelling read alike, and
by their words apart when the phrase the citizen typed is held by few documents."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from content_cache import ContentCache, lexicon
from content_cache.catalogue_layout import column_records
from content_cache.demo import annual_report_2008, publisher_records
from content_cache.store import upsert_columns, upsert_items, upsert_publishers

SEED = annual_report_2008()
BODIES = {  # titles that do not hold the word the citizen types; bodies that do
    "003232741/2019-90023": (
        "宿州市人民政府关于进一步深化户籍制度改革的实施意见",
        "全面放开建制镇和小城市落户限制。在城区有合法稳定住所的人员，本人及其共同居住生活的配偶、子女、父母可以申请登记常住户口。",
    ),
    "003232813/2024-90038": (
        "2024年宿州市区公办中小学施教区范围公告",
        "根据适龄儿童户籍和实际居住情况，合理划分学区，保障就近入学。各校学区范围详见附件。",
    ),
    "003232899/2009-90026": (
        "宿州市城镇低收入家庭住房保障实施办法",
        "廉租房实行实物配租和租赁补贴相结合。申请廉租房的家庭应当具有本市城镇户籍。",
    ),
    "003233115/2019-90053": (
        "埇桥区残疾人联合会关于办理第二代残疾人证的公告",
        "申请办理残疾人证的，由本人或监护人携带户口簿、身份证到指定医院进行残疾评定。",
    ),
    "003232872/2022-90008": (
        "关于做好社会保险关系转移接续工作的通知",
        "参保人员跨地区流动就业的，按规定办理社会保险关系转移接续手续。",
    ),
    "003232872/2017-90007": (
        "宿州市企业职工基本养老保险实施办法",
        "参保人员跨统筹地区流动的，其社保关系随同转移，缴费年限累计计算。",
    ),
}


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ContentCache]:
    cache = ContentCache.open(Path(tmp_path_factory.mktemp("lexicon")) / "content.db")
    records = [
        SEED,
        *(
            replace(SEED, index_no=no, title=title, body=body, doc_no=None, keywords="", subject="")
            for no, (title, body) in BODIES.items()
        ),
    ]
    with cache.transaction() as session:
        upsert_publishers(session, publisher_records())
        upsert_columns(session, column_records())
        upsert_items(session, records)
    yield cache
    cache.close()


def test_common_words_are_read_by_their_pinyin() -> None:
    assert "落户" in lexicon.read_as("luohu")
    assert lexicon.read_as("xuequ")[0] == "学区"
    assert "廉租房" in lexicon.read_as("lianzufang")
    assert "残疾" in lexicon.read_as("canji")
    assert "廉租房" in lexicon.read_as("lzf")  # three initials or more
    assert "户口" in lexicon.read_as("hukou") and lexicon.read_as("xq") == ()  # two initials alone say too little
    assert lexicon.read_as("") == () and lexicon.read_as("qqqqq") == ()


@pytest.mark.parametrize(
    ("letters", "index_no"), [("luohu", "003232741/2019-90023"), ("xuequ", "003232813/2024-90038")]
)
def test_the_pinyin_of_a_word_only_the_body_holds_finds_its_document(
    cache: ContentCache, letters: str, index_no: str
) -> None:
    result = cache.search(letters, 5)
    assert [hit.index_no for hit in result.hits][:1] == [index_no]


def test_a_body_word_typed_with_a_character_read_alike_is_respelt(cache: ContentCache) -> None:
    result = cache.search("廉租放", 5)
    assert result.hits and result.hits[0].index_no == "003232899/2009-90026"
    assert result.respelt_from == "廉租放" and result.query == "廉租房"


def test_an_everyday_phrase_is_found_by_its_words_and_their_other_names(cache: ContentCache) -> None:
    # 办残疾证 (listed with 申领残疾人证) is held by no text; its word 残疾证 is listed with 残疾人证, which is
    result = cache.search("办残疾证", 5)
    assert [hit.index_no for hit in result.hits][:1] == ["003233115/2019-90053"]


def test_pinyin_that_reads_as_no_word_the_documents_hold_finds_nothing(cache: ContentCache) -> None:
    assert cache.search("kongtiao", 5).total == 0  # 空调: a common word, in no document here


def test_a_phrase_held_by_few_documents_brings_those_holding_its_words_apart_after_them(cache: ContentCache) -> None:
    hits = [hit.index_no for hit in cache.search("社保转移", 5).hits]
    assert hits[:2] == ["003232872/2022-90008", "003232872/2017-90007"]  # the phrase (as 社会保险关系转移接续) first


def test_two_characters_the_cut_left_alone_are_respelt_as_a_word_read_alike(cache: ContentCache) -> None:
    result = cache.search("户藉制度", 5)  # 藉 for 籍: 户 and 藉 are no word, 户籍 is
    assert (result.respelt_from, result.query) == ("户藉制度", "户籍制度")
    assert [hit.index_no for hit in result.hits][:1] == ["003232741/2019-90023"]


def test_a_verb_left_beside_a_word_is_not_taken_for_a_misspelling(cache: ContentCache) -> None:
    result = cache.search("办落户", 5)  # 办 is left out; 办落 must not become another word
    assert not result.respelt_from and [hit.index_no for hit in result.hits][:1] == ["003232741/2019-90023"]
