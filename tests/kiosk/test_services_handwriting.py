"""The services behind the 手写 pad and the searches to tap, on the real stores and the real recogniser."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.services import Services
from tests.handwriting.strokes import HANDS, recorded, written

PAD = 500.0


def test_written_strokes_become_candidates_that_know_the_query(real_services: Services) -> None:
    assert real_services.handwriting_ready()
    found = real_services.recognise(written(recorded()["政"], HANDS[0], PAD), PAD, PAD, "财")
    assert found.chars[0] == "政" and not found.unsure
    assert len(found.chars) <= 8 and len(set(found.chars)) == len(found.chars)


def test_a_scribble_is_unsure(real_services: Services) -> None:
    scribble = [[(i * 37 % 500, i * 53 % 500), (500 - i * 11 % 500, 500 - i * 29 % 500)] for i in range(60)]
    found = real_services.recognise(scribble, PAD, PAD, "")
    assert found.unsure or found.chars  # 请再写一次, or something offered: never an error


def test_nothing_written_offers_nothing(real_services: Services) -> None:
    found = real_services.recognise([], PAD, PAD, "财")
    assert found.chars == () and found.unsure


@pytest.mark.parametrize("model", [None, Path("/nonexistent/handwriting.model")])
def test_without_a_model_the_pad_is_not_offered_and_asking_does_no_harm(
    real_services: Services, model: Path | None
) -> None:
    real_services.handwriting_model = model
    assert not real_services.handwriting_ready()
    found = real_services.recognise(written(recorded()["财"], HANDS[0], PAD), PAD, PAD, "")
    assert found.chars == () and found.unsure


def test_the_words_that_follow_and_the_searches_to_tap(real_services: Services) -> None:
    assert all(word.startswith("财") for word in real_services.next_words("财"))
    first = real_services.suggested_searches()
    assert first and real_services.suggested_searches() is first  # worked out once for the content held
    real_services.warm_search()
    assert real_services.suggested_searches() is first
