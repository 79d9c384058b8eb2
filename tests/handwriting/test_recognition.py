"""Handwriting through the real Zinnia library and Tegaki model: recorded characters written by several hands,
the catalogue's re-ranking, and every kind of bad input."""

from __future__ import annotations

import ctypes.util
import logging
import math
from pathlib import Path

import pytest

from content_cache import ContentCache, handwriting
from content_cache.handwriting import (
    DEFAULT_MODEL,
    Guess,
    HandwritingUnavailable,
    Recogniser,
    open_recogniser,
)
from tests.handwriting.strokes import HANDS, Hand, recorded, written

PAD = 600.0


@pytest.fixture(scope="module")
def recogniser() -> Recogniser:
    found = open_recogniser()
    assert found is not None, "make test installs libzinnia0 and tegaki-zinnia-simplified-chinese"
    return found


def _ranks(recogniser: Recogniser, hand: Hand) -> list[int]:
    """Each recorded character's place among the guesses (1 best; 99 not among the first ten)."""
    ranks = []
    for char, strokes in recorded().items():
        chars = [g.char for g in recogniser.classify(written(strokes, hand, PAD), PAD, PAD, 10)]
        ranks.append(chars.index(char) + 1 if char in chars else 99)
    return ranks


def test_the_recorded_set_is_large_enough_and_every_stroke_has_points() -> None:
    found = recorded()
    assert len(found) >= 40
    assert all(strokes and all(stroke for stroke in strokes) for strokes in found.values())
    assert {"财", "政", "预", "算", "低", "保"} <= set(found)


def test_a_careful_hand_is_read_right(recogniser: Recogniser) -> None:
    ranks = _ranks(recogniser, HANDS[0])
    assert sum(r == 1 for r in ranks) / len(ranks) >= 0.70  # measured 50 of 68
    assert sum(r <= 5 for r in ranks) / len(ranks) >= 0.85  # measured 59 of 68


def test_every_hand_together_size_place_speed_and_wobble(recogniser: Recogniser) -> None:
    ranks = [r for hand in HANDS for r in _ranks(recogniser, hand)]
    assert sum(r == 1 for r in ranks) / len(ranks) >= 0.66  # measured 284 of 408
    assert sum(r <= 5 for r in ranks) / len(ranks) >= 0.80  # measured 339 of 408


@pytest.mark.parametrize("hand", HANDS[1:3], ids=lambda h: h.name)
def test_a_character_written_small_or_in_a_corner_is_read_as_when_written_in_the_middle(
    recogniser: Recogniser, hand: Hand
) -> None:
    middle, moved = _ranks(recogniser, HANDS[0]), _ranks(recogniser, hand)
    assert sum(r == 1 for r in moved) >= sum(r == 1 for r in middle) - 2


def test_the_catalogue_puts_the_character_that_follows_the_query_first(demo_cache: ContentCache) -> None:
    # 箅 and 算 look alike; after 预 the titles hold 预算, never 预箅
    guesses = [Guess("箅", 0.60), Guess("算", 0.20), Guess("笪", 0.1)]
    assert demo_cache.written_candidates(guesses, "预")[0] == "算"
    assert demo_cache.written_candidates(guesses, "")[0] == "箅"  # no context: commonness moves it by a little
    assert demo_cache.written_candidates(guesses, "a")[0] == "箅"  # nor after a letter
    # a clear first guess keeps its place against a merely common character
    assert demo_cache.written_candidates([Guess("政", 1.2), Guess("正", 0.2)], "财")[0] == "政"


def test_writing_the_second_character_of_a_word_is_helped_by_the_first(
    recogniser: Recogniser, demo_cache: ContentCache
) -> None:
    words = ["财政", "预算", "公开", "信息", "年度", "报告", "通知", "规划", "社会", "保险", "医疗", "住房", "教育"]
    words += ["人民", "工作", "申请", "补贴", "低保", "办理", "土地", "环境", "税务", "农村", "卫生", "安全"]
    alone = helped = 0
    for word in words:
        first, second = word
        for hand in HANDS:
            guesses = recogniser.classify(written(recorded()[second], hand, PAD), PAD, PAD, 20)
            alone += guesses[0].char == second
            helped += demo_cache.written_candidates(guesses, first)[:1] == [second]
    assert helped >= alone + 5, (alone, helped)


def test_the_words_that_follow_a_character(demo_cache: ContentCache) -> None:
    assert demo_cache.next_words("财")[:2] == ["财政", "财务"] or "财政" in demo_cache.next_words("财")
    assert all(word.startswith("财") and len(word) >= 2 for word in demo_cache.next_words("财"))
    assert "低保" in demo_cache.next_words("办低")  # the synonym list's term
    assert demo_cache.next_words("") == demo_cache.next_words("abc") == demo_cache.next_words("2026") == []


# -- bad input ------------------------------------------------------------------------------------------------


def _dot() -> list[list[tuple[float, float]]]:
    return [[(300.0, 300.0)]]


BAD_INPUT = {
    "no stroke": [],
    "empty strokes": [[], []],
    "a dot": _dot(),
    "a dot as two equal points": [[(10.0, 10.0), (10.0, 10.0)]],
    "200 strokes": [[(i % 60 * 10.0, 0.0), (i % 60 * 10.0, 600.0)] for i in range(200)],
    "a stroke outside the pad": [[(-500.0, -500.0), (-100.0, 2000.0), (5000.0, 700.0)]],
    "a stroke from inside to far outside": [[(300.0, 300.0), (90000.0, -90000.0)]],
    "not a number": [[(math.nan, 1.0), (2.0, math.nan), (math.inf, -math.inf)]],
    "a very fast stroke": [[(0.0, 0.0), (600.0, 600.0)]],
    "a very slow stroke": [[(300 + 200 * math.cos(i / 900), 300 + 200 * math.sin(i / 900)) for i in range(20_000)]],
    "one stroke of one point in a corner": [[(599.9, 599.9)]],
}


@pytest.mark.parametrize("strokes", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_strokes_give_guesses_or_none_never_an_error(recogniser: Recogniser, strokes: list) -> None:
    guesses = recogniser.classify(strokes, PAD, PAD, 10)
    assert len(guesses) <= 10
    assert all(len(g.char) == 1 and math.isfinite(g.score) for g in guesses)


@pytest.mark.parametrize(("width", "height", "limit"), [(0, 600, 10), (600, 0, 10), (-5, -5, 10), (600, 600, 0)])
def test_a_pad_of_no_size_or_no_guesses_asked_gives_none(
    recogniser: Recogniser, width: float, height: float, limit: int
) -> None:
    assert recogniser.classify(written(recorded()["财"], HANDS[0], PAD), width, height, limit) == []


def test_a_narrow_pad_still_reads_a_character(recogniser: Recogniser) -> None:
    strokes = [[(x * 0.5, y) for x, y in stroke] for stroke in written(recorded()["财"], HANDS[0], PAD)]
    assert "财" in [g.char for g in recogniser.classify(strokes, PAD / 2, PAD, 5)]


# -- the library or the model missing -------------------------------------------------------------------------


def test_a_missing_model_turns_handwriting_off_said_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    missing = tmp_path / "none.model"
    with pytest.raises(HandwritingUnavailable, match="tegaki-zinnia-simplified-chinese"):
        Recogniser(missing)
    with caplog.at_level(logging.WARNING, logger="content_cache.handwriting"):
        assert open_recogniser(missing) is None
        assert open_recogniser(missing) is None
    assert [r.getMessage() for r in caplog.records].count(caplog.records[0].getMessage()) == 1
    assert "handwriting input is off" in caplog.records[0].getMessage()


def test_a_damaged_model_turns_handwriting_off(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.model"
    damaged.write_bytes(b"not a zinnia model" * 100)
    with pytest.raises(HandwritingUnavailable, match="cannot be opened"):
        Recogniser(damaged)


def test_a_missing_library_turns_handwriting_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handwriting, "_LIBRARY_NAMES", ("libzinnia-absent.so.9",))
    monkeypatch.setattr(ctypes.util, "find_library", lambda _name: None)
    with pytest.raises(HandwritingUnavailable, match="libzinnia0"):
        Recogniser(DEFAULT_MODEL)


def test_a_closed_recogniser_says_so() -> None:
    own = Recogniser(DEFAULT_MODEL)
    own.close()
    own.close()  # twice is harmless
    with pytest.raises(HandwritingUnavailable):
        own.classify(_dot(), PAD, PAD)
