"""What the empty search screen offers to tap: common searches, and two examples of each way to search.

Until the room has figures of its own searches, the common searches are the
catalogue's own most telling title words, one from each of its fullest columns
(a term of the synonym list, the words citizens use, before any other):
a word counts for a column by how many of the column's recent titles hold it,
weighed down by how many titles of every column hold it (宿州, 关于 and 通知 are
in every column's titles and tell nothing). The examples show the other ways in:
the pinyin initials of two of those words (czys finds 财政预算), and the 文号 and
索引号 of recent documents, each as the catalogue holds it, so each finds something.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from sqlalchemy import text
from sqlalchemy.orm import Session

from content_cache.pinyin import pinyin_keys
from content_cache.query import is_word, vocabulary_of, words_of
from content_cache.records import Suggestion

COMMON = "常用搜索"
INITIALS = "拼音首字母"
DOC_NO = "文号"
INDEX_NO = "索引号"

COLUMNS = 6  # common words: one from each of the fullest columns
SAMPLE = 300  # recent titles read per column
EXAMPLES = 2  # examples of each other way to search
EVERYWHERE = 0.2  # a word in more than this share of all the titles read names the city, not a subject
# Words of every kind of title: they name no subject a citizen looks for.
GENERIC = frozenset(
    "关于 工作 通知 公告 公示 情况 报告 年度 办法 实施 意见 方案 有关 开展 做好 印发 决定 规定 进一步 加强 管理 "
    "我市 全市 市级 政府 人民 人民政府 信息 公开 政府信息 结果 名单 批复 通报 公布 发布 会议 组织 单位 部门 "
    "市政府 县政府 区政府 办公室 实施方案 实施意见 工作方案 工作报告 暂行 试行 若干 规范 项目 有限公司 公司 "
    "标准 第一 第二".split()
)
_NAMES = ("市", "县", "区", "镇", "乡", "政府", "委员会", "局", "厅", "办公室", "中心", "公司")  # places, bodies
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")


def suggestions(session: Session) -> list[Suggestion]:
    """The common searches, then examples of pinyin initials, 文号 and 索引号."""
    common = common_title_words(session)
    found = [Suggestion(COMMON, word, word) for word in common]
    for word in sorted(common, key=lambda w: abs(len(w) - 4))[:EXAMPLES]:  # four characters spell well
        initials = pinyin_keys(word)[1]
        if len(initials) >= 2:
            found.append(Suggestion(INITIALS, initials, f"{initials}（{word}）"))
    rows = session.execute(
        text(
            "SELECT doc_no FROM items WHERE doc_no IS NOT NULL AND doc_no <> '' "
            "ORDER BY published_on DESC, id DESC LIMIT :n"
        ),
        {"n": EXAMPLES},
    )
    found += [Suggestion(DOC_NO, doc_no, doc_no) for (doc_no,) in rows]
    rows = session.execute(
        text("SELECT index_no FROM items ORDER BY published_on DESC, id DESC LIMIT :n"), {"n": EXAMPLES}
    )
    found += [Suggestion(INDEX_NO, index_no, index_no) for (index_no,) in rows]
    return found


def common_title_words(session: Session, columns: int = COLUMNS, sample: int = SAMPLE) -> list[str]:
    """One telling word of each of the fullest columns' recent titles, the fullest column's first."""
    vocabulary = vocabulary_of(session)
    bodies = " ".join(name for (name,) in session.execute(text("SELECT name FROM publishers")))
    fullest = session.execute(
        text("SELECT column_code FROM items GROUP BY column_code ORDER BY count(*) DESC, column_code LIMIT :n"),
        {"n": columns * 2},
    ).all()
    by_column: list[Counter[str]] = []
    everywhere: Counter[str] = Counter()
    titles = 0
    for (code,) in fullest:
        rows = session.execute(
            text("SELECT title FROM items WHERE column_code = :c ORDER BY published_on DESC, id DESC LIMIT :n"),
            {"c": code, "n": sample},
        )
        counts: Counter[str] = Counter()
        for (title,) in rows:
            titles += 1
            counts.update(
                {w for run in _HAN_RUN.findall(title) for w in words_of(run, vocabulary) if _telling(w, bodies)}
            )
        by_column.append(counts)
        everywhere.update(counts)
    chosen: list[str] = []
    for counts in by_column:
        ranked = sorted(
            (
                # the synonym list's terms are the words citizens use (低保, 社保): they come first
                (bool(vocabulary.synonyms_of(w)), n * math.log(titles / everywhere[w]), w)
                for w, n in counts.items()
                if n >= 2 and w not in chosen and everywhere[w] <= titles * EVERYWHERE and is_word(w, vocabulary)
            ),
            reverse=True,
        )
        if ranked:
            chosen.append(ranked[0][2])
        if len(chosen) >= columns:
            break
    return chosen


def _telling(word: str, bodies: str) -> bool:
    """A word a citizen may look for: not a place's or a body's name (宿州 of 宿州市财政局), nor a word of every
    kind of title."""
    return 2 <= len(word) <= 6 and word not in GENERIC and not word.endswith(_NAMES) and word not in bodies
