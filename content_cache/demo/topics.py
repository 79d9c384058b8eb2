"""The topics of government work (topics.txt), drawn with a Zipf-like weight.

A real catalogue speaks of a few things often (安全生产, 财政预决算, 最低生活保障)
and of most things rarely; drawing topic rank r with weight 1/r gives that
curve, so a word of a rare topic finds a handful of documents, not thousands.
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass
from importlib import resources
from itertools import accumulate

from content_cache.demo.publishers import FIRST_YEAR, LAST_YEAR

ZIPF_EXPONENT = 1.0
ENTERPRISE_ROLES = frozenset({"water-supply", "power", "bus", "hospital"})


@dataclass(frozen=True, slots=True)
class Topic:
    name: str
    role: str  # the department that owns it
    kind: str  # benefit, service, governance, project, safety, fee, campaign
    first_year: int = FIRST_YEAR
    last_year: int = LAST_YEAR

    def current(self, year: int) -> bool:
        """Whether the work went by this name in `year` (新型农村合作医疗 until 2016, 河长制 from 2017 …)."""
        return self.first_year <= year <= self.last_year


def _parse(text: str) -> tuple[list[tuple[int, Topic]], list[Topic]]:
    """(pinned rank, topic) for the `!N` lines, and the rest in file order."""
    pinned: list[tuple[int, Topic]] = []
    rest: list[Topic] = []
    role = kind = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            role, kind = line.strip("[]").split()
            continue
        rank = 0
        if line.startswith("!"):
            mark, line = line.split(maxsplit=1)
            rank = int(mark[1:])
        name, _, years = line.partition(" ")
        first, _, last = years.partition("-")
        topic = Topic(name, role, kind, int(first or FIRST_YEAR), int(last or LAST_YEAR))
        (pinned.append((rank, topic)) if rank else rest.append(topic))
    return pinned, rest


def load() -> tuple[tuple[Topic, ...], int]:
    """Every topic, most common first (the pinned ones in their order, then a fixed shuffle of the rest), and
    how many are pinned."""
    text = resources.files("content_cache").joinpath("demo/topics.txt").read_text("utf-8")
    pinned, rest = _parse(text)
    random.Random(2008).shuffle(rest)
    return (*(t for _, t in sorted(pinned, key=lambda p: p[0])), *rest), len(pinned)


class TopicDraw:
    """Draws topics by rank with weight 1/rank^s, only those current in the year asked."""

    def __init__(self, topics: tuple[Topic, ...], head: int = 0) -> None:
        self.topics = topics
        self._unshown = list(topics[:head])
        self._cumulative = list(accumulate(1.0 / rank**ZIPF_EXPONENT for rank in range(1, len(topics) + 1)))
        self._by_role: dict[str, tuple[Topic, ...]] = {}
        for topic in topics:
            self._by_role[topic.role] = (*self._by_role.get(topic.role, ()), topic)

    def draw(self, rng: random.Random, year: int, kinds: frozenset[str] | None = None) -> Topic:
        """A topic of a city's or county's work, current in `year`, of one of `kinds` when given.

        The pinned head comes first, each topic once, so even a demo of forty items shows the common work.
        """
        for n, topic in enumerate(self._unshown):
            if topic.current(year) and (kinds is None or topic.kind in kinds):
                del self._unshown[n]
                return topic
        total = self._cumulative[-1]
        while True:
            topic = self.topics[bisect(self._cumulative, rng.random() * total)]
            if topic.current(year) and topic.role not in ENTERPRISE_ROLES and (kinds is None or topic.kind in kinds):
                return topic

    def of_role(self, rng: random.Random, role: str, year: int) -> Topic:
        """A topic of one role's work (a utility's or hospital's own), current in `year`."""
        choices = [t for t in self._by_role[role] if t.current(year)]
        return rng.choice(choices)

    def related(self, rng: random.Random, topic: Topic) -> Topic:
        """Another topic of the same department, for the keywords."""
        return rng.choice(self._by_role[topic.role])


TOPICS, HEAD = load()
