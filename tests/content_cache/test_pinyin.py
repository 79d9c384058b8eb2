from __future__ import annotations

import pytest
from pypinyin import Style, lazy_pinyin

from content_cache.demo import generate_items
from content_cache.pinyin import looks_like_pinyin, pinyin_keys, syllables


def test_the_readings_agree_with_pypinyin_on_the_demo_titles() -> None:
    for title in {item.title for item in generate_items(3000, seed=11)}:
        expected = [w for w in lazy_pinyin(title.lower(), style=Style.NORMAL) if w.isascii() and w.isalnum()]
        assert syllables(title) == expected, title


@pytest.mark.parametrize(
    "place, full",
    [
        ("重庆市长寿区", "chongqingshichangshouqu"),
        ("埇桥区", "yongqiaoqu"),
        ("砀山县", "dangshanxian"),
        ("市长讲话", "shizhangjianghua"),
        ("城市绿化", "chengshilvhua"),
    ],
)
def test_place_names_and_polyphones(place: str, full: str) -> None:
    assert pinyin_keys(place)[0] == full


def test_initials_keep_digits_whole() -> None:
    assert pinyin_keys("2008年财政预算") == ("2008niancaizhengyusuan", "2008nczys")


def test_pinyin_queries_are_latin_letters_only() -> None:
    assert looks_like_pinyin("caizheng ys") and not looks_like_pinyin("财政") and not looks_like_pinyin("2008")


def test_a_character_without_a_reading_parts_its_neighbours_in_the_vocabulary() -> None:
    from content_cache.pinyin import title_keys, words

    found = [w.text for w in words(title_keys("财\u3402政预算")[2])]
    assert "财政" not in found and "政预" in found and "\u3402" not in "".join(found)
