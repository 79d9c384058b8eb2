from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from content_cache.fts import indexed_text, match_expression, normalise, tokens

SAFE_PHRASE = re.compile(r'^"[^"]+"\*?$')


def test_cjk_runs_become_pairs_and_ascii_words() -> None:
    assert tokens("宿政〔2008〕12号") == ["宿", "宿政", "政", "号", "号", "2008", "12"]
    assert tokens("财政预算") == ["财", "财政", "政预", "预算", "算"]


def test_every_character_starts_a_token() -> None:
    text = "财政预算。号，宿州市2008年"
    starts = {token[0] for token in tokens(text)}
    assert starts >= {ch for ch in text if "\u4e00" <= ch <= "\u9fff"}


def test_a_phrase_of_pairs_is_consecutive_in_the_index() -> None:
    indexed = tokens("关于财政预算的通知")
    assert " ".join(indexed).find("财政 政预 预算") >= 0


def test_full_width_forms_fold_to_ascii() -> None:
    assert normalise("ＡＢＣ１２３") == "abc123"
    assert tokens("宿政［2008］12号") == tokens("宿政〔2008〕12号")


def test_one_character_is_a_prefix_query() -> None:
    assert match_expression("财") == '"财"*'


def test_words_are_anded_phrases() -> None:
    assert match_expression("财政预算 2008") == '"财政 政预 预算" AND "2008"'
    assert match_expression("宿政2008 12号") == '"宿政" AND "2008" AND "12" AND "号"'
    assert match_expression("号 宿政") == '"号"* AND "宿政"'


def test_operators_and_quotes_are_plain_text() -> None:
    assert match_expression('a OR b NOT "c" NEAR(d)') == '"a" AND "or" AND "b" AND "not" AND "c" AND "near" AND "d"'
    assert match_expression('"*()\\') is None
    assert match_expression("") is None


@given(st.text(max_size=300))
def test_any_query_gives_only_quoted_phrases(query: str) -> None:
    expression = match_expression(query)
    if expression is not None:
        assert all(SAFE_PHRASE.match(part) for part in expression.split(" AND "))


@given(st.text(max_size=200))
def test_the_indexed_text_is_tokens_for_the_ascii_tokenizer(value: str) -> None:
    indexed = indexed_text(value)
    # The ascii tokenizer splits on ASCII non-alphanumerics; there are none inside a token.
    assert all(token.isalnum() or not token.isascii() for token in indexed.split())
    assert not any(ch.isascii() and not ch.isalnum() and ch != " " for ch in indexed)
