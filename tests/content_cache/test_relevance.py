"""The hand-written relevance set (tests/relevance/) scored on the kiosk's search: a floor that only rises."""

from __future__ import annotations

from pathlib import Path

from benchmarks.relevance import build_cache, queries, score

# Found within k now: 161 of 184 (88 %), MRR 0.831, with the set mixed into 3,000 items of the realistic demo
# catalogue (content_cache.demo). Its filler holds documents that truly compete with the set's own (newer
# county versions, 停水 notices of 2026, a department's own notices for its abbreviation, a 残疾人证 guide of
# 2026 above the set's 2019 notice for 办残疾证, the seed report under the very title and date of the set's own);
# on the earlier generator's filler, which never touched the set's subjects, the search found 169 (92 %). Raise
# these as search improves.
SUCCESS_FLOOR = 0.87
MRR_FLOOR = 0.83
CLASS_FLOORS = {"unspaced": 18, "spaced": 18, "doc_no": 18, "title_exact": 17, "question": 16, "current_version": 16,
                "abbreviation": 12, "everyday": 19, "pinyin": 12, "homophone": 15}


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
