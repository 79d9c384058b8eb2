"""Handwriting: how often the recogniser reads the recorded characters right, and how soon candidates follow a stroke.

The characters are the test set's (tests/handwriting/strokes.txt), written by
each of its hands: careful, small in a corner, large, wobbly, fast and slow.
Latency is what the kiosk does when a finger lifts, off the UI thread: Zinnia's
classification of the strokes so far, then the catalogue's re-ranking, timed
after every stroke of every character.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from content_cache import ContentCache
from content_cache.handwriting import open_recogniser
from tests.handwriting.strokes import HANDS, recorded, written

Row = tuple[str, str, str]
PAD = 600.0
WORDS = "财政 预算 公开 信息 年度 报告 通知 规划 社会 保险 医疗 住房 教育 人民 工作 申请 补贴 低保 办理 土地".split()


def bench_handwriting(items: int = 10_000) -> list[Row]:
    recogniser = open_recogniser()
    if recogniser is None:
        return [
            ("handwriting", "-", "Zinnia or its model is not installed (libzinnia0, tegaki-zinnia-simplified-chinese)")
        ]
    chars = recorded()
    rows: list[Row] = []
    top1_all = top5_all = total = 0
    for hand in HANDS:
        top1 = top5 = 0
        for char, strokes in chars.items():
            found = [g.char for g in recogniser.classify(written(strokes, hand, PAD), PAD, PAD, 10)]
            top1 += found[:1] == [char]
            top5 += char in found[:5]
        top1_all, top5_all, total = top1_all + top1, top5_all + top5, total + len(chars)
        rows.append(
            (
                f"handwriting: {hand.name}",
                f"{len(chars)} characters",
                f"top-1 {top1} ({top1 / len(chars):.0%}), top-5 {top5} ({top5 / len(chars):.0%})",
            )
        )
    rows.append(
        (
            "handwriting: every hand",
            f"{total} written characters",
            f"top-1 {top1_all} ({top1_all / total:.0%}), top-5 {top5_all} ({top5_all / total:.0%})",
        )
    )
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        cache = ContentCache.open(Path(tmp) / "content.db")
        cache.load_demo(items, seed=1)
        alone = helped = 0
        for word in WORDS:
            for hand in HANDS:
                guesses = recogniser.classify(written(chars[word[1]], hand, PAD), PAD, PAD, 20)
                alone += guesses[0].char == word[1]
                helped += cache.written_candidates(guesses, word[0])[:1] == [word[1]]
        cases = len(WORDS) * len(HANDS)
        rows.append(
            (
                "handwriting: 2nd character of a word",
                f"{cases} writings, {items:,} items",
                f"top-1 alone {alone} ({alone / cases:.0%}), after the 1st character {helped} ({helped / cases:.0%})",
            )
        )
        times: list[float] = []
        for strokes in chars.values():
            trace = written(strokes, HANDS[0], PAD)
            for end in range(1, len(trace) + 1):
                start = time.perf_counter()
                guesses = recogniser.classify(trace[:end], PAD, PAD, 20)
                cache.written_candidates(guesses, "财")
                times.append((time.perf_counter() - start) * 1000)
        cache.close()
    times.sort()
    rows.append(
        (
            "handwriting: candidates after a stroke",
            f"{len(times)} strokes, classify + re-rank",
            f"p50 {statistics.median(times):.1f} ms, p95 {times[int(len(times) * 0.95)]:.1f} ms, "
            f"max {times[-1]:.1f} ms",
        )
    )
    return rows


if __name__ == "__main__":
    for row in bench_handwriting():
        print("  ".join(row))
