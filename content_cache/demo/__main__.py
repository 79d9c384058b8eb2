"""`python -m content_cache.demo [COUNT] [--body-chars N]`: generate the demo catalogue and print how fast.

Nothing is stored; it measures the generator alone (a million items must take
at most about three minutes) and shows the shape of what it made.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

from content_cache.demo import iter_items


def main() -> None:
    """Stream COUNT items and print items per second, the topics used and the items per year."""
    parser = argparse.ArgumentParser(prog="python -m content_cache.demo")
    parser.add_argument("count", type=int, nargs="?", default=100_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--body-chars", type=int, default=0, help="bodies at least this long (benchmarks use 1200)")
    args = parser.parse_args()
    topics: Counter[str] = Counter()
    years: Counter[int] = Counter()
    start = time.perf_counter()
    for item in iter_items(args.count, args.seed, args.body_chars):
        topics[item.keywords.split(" ", 1)[0]] += 1
        years[item.published_on.year] += 1
    elapsed = time.perf_counter() - start
    print(f"{args.count:,} items in {elapsed:.1f} s: {args.count / elapsed:,.0f} items/s")
    print(f"{len(topics)} topics; the most common: " + ", ".join(f"{t} {n:,}" for t, n in topics.most_common(5)))
    print("items per year: " + ", ".join(f"{y} {n:,}" for y, n in sorted(years.items())))


if __name__ == "__main__":
    main()
