from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from content_cache.fts import match_expression, normalise, tails, tokens

SAFE_PHRASE = re.compile(r'^"[^"]+"\*?$')


def test_cjk_runs_become_bigrams_and_ascii_words() -> None:
    assert tokens("宿政〔2008〕12号") == ["宿政", "2008", "12", "号"]
    assert tokens("财政预算") == ["财政", "政预", "预算"]


def test_tails_hold_the_last_character_of_longer_runs() -> None:
    assert tails("财政预算。号") == ["算"]


def test_full_width_forms_fold_to_ascii() -> None:
    assert normalise("ＡＢＣ１２３") == "abc123"
    assert tokens("宿政［2008］12号") == tokens("宿政〔2008〕12号")


def test_one_character_is_a_prefix_query() -> None:
    assert match_expression("财") == '"财"*'


def test_words_are_anded_phrases() -> None:
    assert match_expression("财政预算 2008") == '"财政 政预 预算" AND "2008"'


def test_operators_and_quotes_are_plain_text() -> None:
    assert match_expression('a OR b NOT "c" NEAR(d)') == '"a" AND "or" AND "b" AND "not" AND "c" AND "near d"'
    assert match_expression('"*()\\') is None
    assert match_expression("") is None


@given(st.text(max_size=300))
def test_any_query_gives_only_quoted_phrases(query: str) -> None:
    expression = match_expression(query)
    if expression is not None:
        assert all(SAFE_PHRASE.match(part) for part in expression.split(" AND "))


@given(st.text(alphabet=st.sampled_from("财政预算 宿州市〔2008〕12号ABCａｂ。,"), max_size=40))
def test_the_fast_cut_agrees_with_the_token_stream(value: str) -> None:
    from content_cache.fts import _cut

    assert _cut(value) == (" ".join(tokens(value)), tails(value))
