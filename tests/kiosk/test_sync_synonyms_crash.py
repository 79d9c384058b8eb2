"""`kiosk sync` killed with SIGKILL while it applies a feed with a new synonym list: list and content stay together.

Feed A (sequence 1) carries list version 1, feed B (sequence 2) changes 1,000
titles, withdraws 200 items and carries list version 2. Whenever the process
dies, the kiosk serves A's content with A's list or B's content with B's list.
"""

from __future__ import annotations

import shutil
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from content_cache import ContentCache
from content_cache.cache import PublisherSynonyms
from tests.content_cache.feed.support import read_jsonl, write_jsonl
from tests.kiosk.test_cli import kiosk
from tests.kiosk.test_sync_crash import ITEMS, _wait_running, content, integrity, start

pytestmark = pytest.mark.slow  # separate processes: `make test-fast` leaves these out

LIST_A = "汴河路\t汴河大道\n"
LIST_B = "农业综合开发\t农综开\n汴河路\t汴河大道\t汴大道\n"


@dataclass
class ListFeeds:
    feed: Path
    trust: Path
    at_a: Path  # a kiosk home synced to sequence 1
    a: tuple[dict[str, Any], PublisherSynonyms | None]
    b: tuple[dict[str, Any], PublisherSynonyms | None]

    def sync_args(self) -> tuple[str, ...]:
        return ("sync", "--source", str(self.feed), "--trust", str(self.trust))


def served(home: Path) -> tuple[dict[str, Any], PublisherSynonyms | None]:
    """The records and the publisher list the kiosk in `home` serves."""
    records = content(home)[0]
    cache = ContentCache.open(home / "content.db")
    try:
        return records, cache.publisher_synonyms()
    finally:
        cache.close()


@pytest.fixture(scope="module")
def feeds(tmp_path_factory: pytest.TempPathFactory) -> ListFeeds:
    root = tmp_path_factory.mktemp("crash-list")
    pub, src, feed, at_a = root / "publisher", root / "src", root / "feed", root / "at-a"
    key = str(root / "keys/publisher.key")
    for args in (
        ("demo-content", "--count", str(ITEMS), "--seed", "8"),
        ("keygen", str(root / "keys")),
        ("export", str(src)),
    ):
        assert kiosk(pub, *args).returncode == 0
    (src / "synonyms.tsv").write_text(LIST_A, "utf-8")
    assert kiosk(pub, "publish", str(src), str(feed), "--key", key).returncode == 0
    trust = root / "keys" / "publisher.pub"
    assert kiosk(at_a, "sync", "--source", str(feed), "--trust", str(trust)).returncode == 0
    rows = read_jsonl(src / "items.jsonl")
    for row in rows[:1000]:
        row["title"] = row["title"] + "(修订)"
    write_jsonl(src / "items.jsonl", rows[:-200])
    (src / "synonyms.tsv").write_text(LIST_B, "utf-8")
    assert kiosk(pub, "publish", str(src), str(feed), "--key", key).returncode == 0
    fresh = root / "fresh"
    assert kiosk(fresh, "sync", "--source", str(feed), "--trust", str(trust)).returncode == 0
    a, b = served(at_a), served(fresh)
    assert a[1] is not None and b[1] is not None and (a[1].version, b[1].version) == (1, 2)
    return ListFeeds(feed, trust, at_a, a, b)


def test_a_kill_at_any_moment_leaves_list_and_content_of_one_sequence(feeds: ListFeeds, tmp_path: Path) -> None:
    timing = Path(shutil.copytree(feeds.at_a, tmp_path / "timing"))
    proc = start(timing, *feeds.sync_args())
    _wait_running(timing, proc)
    began = time.monotonic()
    proc.communicate(timeout=120)
    duration = time.monotonic() - began
    outcomes = []
    for fraction in (0.05, 0.35, 0.65, 0.95):
        home = Path(shutil.copytree(feeds.at_a, tmp_path / f"kill-{fraction}"))
        proc = start(home, *feeds.sync_args())
        _wait_running(home, proc)
        time.sleep(duration * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        assert integrity(home) == "ok"
        now = served(home)
        assert now in (feeds.a, feeds.b), f"a kill at {fraction} left one sequence's content with another's list"
        outcomes.append("new" if now == feeds.b else "old")
        rerun = kiosk(home, *feeds.sync_args())
        assert rerun.returncode == 0, rerun.stderr
        assert served(home) == feeds.b
    print(f"a sync with a new list runs {duration:.1f} s; kills left {outcomes}")
