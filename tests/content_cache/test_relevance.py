"""The hand-written relevance set (tests/relevance/) scored on the kiosk's search: a floor that only rises."""

from __future__ import annotations

from pathlib import Path

from benchmarks.relevance import build_cache, queries, score

# Found within k now: 168 of 184 (91 %), MRR 0.840, with the set mixed into 3,000 items of the realistic demo
# catalogue (content_cache.demo, seed 11; seeds 12 and 13 give 167 and 164). Its filler holds documents that truly
# compete with the set's own (newer county versions, 停水 notices of 2026, a department's own notices for its
# abbreviation); on the earlier generator's filler, which never touched the set's subjects, the search found 169
# (92 %). Raise these as search improves.
SUCCESS_FLOOR = 0.91
MRR_FLOOR = 0.835
CLASS_FLOORS = {
    "unspaced": 18,
    "spaced": 18,
    "doc_no": 18,
    "title_exact": 18,
    "question": 16,
    "current_version": 17,
    "abbreviation": 13,
    "everyday": 20,
    "pinyin": 14,
    "homophone": 16,
}


def test_the_relevance_set_scores_at_or_above_its_floor(tmp_path: Path) -> None:
    cache = build_cache(tmp_path / "content.db", 3000)
    try:
        result = score(cache.search, queries())
    finally:
        cache.close()
    missed = "\n".join(f"[{kind}] {text}: first expected at {rank}" for kind, text, rank in result.missed)
    assert result.success >= SUCCESS_FLOOR, f"success@k {result.success:.0%}; missed:\n{missed}"
    assert result.mrr >= MRR_FLOOR
    for kind, floor in CLASS_FLOORS.items():
        assert result.by_class[kind][0] >= floor, f"{kind}: {result.by_class[kind]}; missed:\n{missed}"
