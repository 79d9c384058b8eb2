"""Search at a million items: latency per query class, recall, index size, build and update cost.

The cache (bodies of about 1,200 characters) is built once by the content
cache's own write path, its items prepared by worker processes, and kept in
benchmarks/.cache/ with a tantivy index of the same cut text beside it; later
runs reuse both. The same queries run on the kiosk's search, on a naive LIKE
scan of the items table and on tantivy, so the table shows ratios.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import shutil
import statistics
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import replace
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import text

from content_cache import ContentCache, fts, store
from content_cache.catalogue_layout import column_records
from content_cache.demo import iter_items, publisher_records
from content_cache.records import Filters, ItemRecord
from content_cache.sync.prepare import worker_start

Row = tuple[str, str, str]
CACHE_DIR = Path(__file__).parent / ".cache"
BODY_CHARS = 1200
SAMPLES = 20  # queries per class
REPEAT = 5  # timed runs of each
LIKE_SAMPLES = 1  # queries of each class also timed as a LIKE scan (about 5 s each at a million)

CLASSES: dict[str, list[str]] = {
    "one character": [
        "桥",
        "绿",
        "审",
        "档",
        "灾",
        "卫",
        "环",
        "劳",
        "汛",
        "璧",
        "萧",
        "砀",
        "埇",
        "矿",
        "粮",
        "税",
        "险",
        "疫",
        "港",
        "渔",
    ],
    "two-character word": [
        "绿化",
        "审计",
        "防汛",
        "档案",
        "就业",
        "环保",
        "卫生",
        "交通",
        "教育",
        "土地",
        "养老",
        "救助",
        "招商",
        "统计",
        "农业",
        "供水",
        "公交",
        "医疗",
        "收费",
        "补贴",
    ],
    "four-character word": [
        "财政预算",
        "城市绿化",
        "公共卫生",
        "安全生产",
        "防汛抗旱",
        "社会保障",
        "环境保护",
        "农村土地",
        "医疗保障",
        "教育收费",
        "招商引资",
        "最低生活",
        "突发事件",
        "应急预案",
        "职务任免",
        "管理办法",
        "工作方案",
        "年度报告",
        "信息公开",
        "执行情况",
    ],
    "two words": [
        "城市 绿化",
        "财政 审计",
        "防汛 方案",
        "教育 收费",
        "安全 生产",
        "土地 管理",
        "卫生 应急",
        "交通 通知",
        "养老 保险",
        "环境 报告",
        "农业 补贴",
        "档案 管理",
        "就业 再就业",
        "公共 卫生",
        "社会 保障",
        "医疗 救助",
        "招商 引资",
        "统计 公报",
        "供水 价格",
        "公交 线路",
    ],
    "pinyin initials": [
        "czys",
        "cslh",
        "ggws",
        "aqsc",
        "fxkh",
        "shbz",
        "hjbh",
        "ncdt",
        "ylbz",
        "jysf",
        "zsyz",
        "tfsj",
        "yjya",
        "zwrm",
        "glbf",
        "gzfa",
        "ndbg",
        "xxgk",
        "zxqk",
        "szs",
    ],
    "very common word": ["通知", "政府", "工作", "宿州", "关于", "人民", "信息", "公开", "管理", "市"],
    # as citizens type: words run together, everyday names, questions, pinyin of a word, and a word nothing holds
    "unspaced words": [
        "社保转移",
        "学区划分",
        "低保申请",
        "公积金提取",
        "养老保险缴费",
        "医保报销",
        "廉租房申请",
        "残疾人补贴",
        "危房改造补助",
        "招生入学",
        "预算执行",
        "安全生产检查",
        "环境保护督察",
        "征地补偿标准",
        "失业保险金申领",
        "创业贷款贴息",
        "户籍迁移",
        "不动产登记",
        "食品安全抽检",
        "城市绿化养护",
    ],
    "abbreviation": [
        "社保",
        "医保",
        "低保",
        "新农合",
        "公积金",
        "发改委",
        "残联",
        "人社局",
        "住建局",
        "义教",
        "廉租房",
        "公租房",
        "城管",
        "卫健委",
        "市监局",
        "五保",
        "双拥",
        "棚改",
        "农保",
        "计生",
    ],
    "question": [
        "低保怎么申请",
        "在哪里办身份证",
        "公积金如何提取",
        "怎样办理残疾证",
        "社保卡怎么补办",
        "上户口需要什么材料",
        "廉租房申请条件是什么",
        "新农合怎么报销",
        "请问失业金在哪里领",
        "如何查询学区划分",
        "哪里可以办营业执照",
        "养老金什么时候发",
        "医保怎么转移",
        "怎么申请公租房",
        "残疾人补贴标准是多少",
        "低保多少钱一个月",
        "怎么查财政预算",
        "去哪里办不动产登记",
        "农机补贴怎么领",
        "如何申请临时救助",
    ],
    "full pinyin": [
        "shebao",
        "dibao",
        "gongjijin",
        "yibao",
        "caizhengyusuan",
        "canlian",
        "lianzufang",
        "xinnonghe",
        "anquanshengchan",
        "huanjingbaohu",
        "jiuye",
        "yanglao",
        "zhaosheng",
        "xuequ",
        "hukou",
        "budongchan",
        "fangxun",
        "shenji",
        "tongji",
        "lvhua",
    ],
    "a word nothing holds": [
        "低保 火锅",
        "公积金 滑雪场",
        "社保转移 外星",
        "财政预算 恐龙",
        "城市绿化 潜水艇",
        "医保 钢琴课",
        "学区 冰淇淋",
        "廉租房 游艇",
        "养老保险 魔术",
        "安全生产 棉花糖",
        "残疾人 火箭",
        "征地 海豚",
        "就业 宇航",
        "审计 熊猫馆",
        "防汛 滑板",
        "环境保护 芭蕾",
        "户籍 南极",
        "招生 烤鸭店",
        "统计公报 相声",
        "不动产 冲浪",
    ],
}


def _prepare(chunk: list[ItemRecord], publishers: dict[str, str]) -> list[store.PreparedItem]:
    return [store.prepare(rec, publishers[rec.publisher_code]) for rec in chunk]


def _chunks(items: int, size: int) -> Iterator[list[ItemRecord]]:
    stream = iter_items(items, seed=3, body_chars=BODY_CHARS)
    while chunk := list(islice(stream, size)):
        yield chunk


def _name(items: int) -> str:
    return f"search-{items}-c0003-cut{fts.CUT_VERSION}"


def search_cache_path(items: int) -> Path | None:
    """The kept search cache of `items` items, when it has been built."""
    return CACHE_DIR / f"{_name(items)}.db" if (CACHE_DIR / f"{_name(items)}.json").exists() else None


def search_cache(items: int) -> tuple[Path, Path, dict[str, float]]:
    """The content cache and tantivy index of `items` generated items, built once and kept."""
    import tantivy  # a benchmark-only baseline

    name = _name(items)
    path, index_dir, facts_file = CACHE_DIR / f"{name}.db", CACHE_DIR / f"{name}.tantivy", CACHE_DIR / f"{name}.json"
    if facts_file.exists():
        return path, index_dir, json.loads(facts_file.read_text())
    CACHE_DIR.mkdir(exist_ok=True)
    for old in CACHE_DIR.glob(f"search-{items}-*"):
        shutil.rmtree(old) if old.is_dir() else old.unlink()
    publishers = {p.code: p.name for p in publisher_records()}
    cache = ContentCache.open(path)
    with cache.transaction() as session:
        store.upsert_publishers(session, publisher_records())
        store.upsert_columns(session, column_records())
    index_dir.mkdir()
    index = tantivy.Index(_tantivy_schema(), path=str(index_dir))
    writer = index.writer(heap_size=500_000_000, num_threads=1)
    sqlite_seconds = tantivy_seconds = 0.0
    start = time.perf_counter()
    for batch in _prepared(items, publishers):
        began = time.perf_counter()
        with cache.transaction() as session:
            store.upsert_items(session, batch)
        sqlite_seconds += time.perf_counter() - began
        began = time.perf_counter()
        with cache.session() as session:
            ids = dict(
                session.execute(
                    text("SELECT index_no, id FROM items WHERE id > (SELECT max(id) FROM items) - :n"),
                    {"n": len(batch)},
                ).all()
            )
        for item in batch:
            writer.add_document(
                tantivy.Document(
                    id=ids[item.record.index_no],
                    title=item.indexed["title"] + " " + item.indexed["doc_no"],
                    body=item.indexed["body"],
                )
            )
        tantivy_seconds += time.perf_counter() - began
    began = time.perf_counter()
    writer.commit()
    writer.wait_merging_threads()
    tantivy_seconds += time.perf_counter() - began
    facts = {
        "build_seconds": time.perf_counter() - start,
        "sqlite_write_seconds": sqlite_seconds,
        "tantivy_seconds": tantivy_seconds,
    }
    cache.close()
    facts_file.write_text(json.dumps(facts))
    return path, index_dir, facts


def _prepared(items: int, publishers: dict[str, str]) -> Iterator[list[store.PreparedItem]]:
    """The generated items in chunks, prepared by two worker processes, at most three chunks ahead.

    Results piling up unread would hold millions of objects and make every
    garbage collection walk them all; a bounded window keeps memory flat.
    """
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(2, mp_context=context, initializer=worker_start, initargs=(os.getpid(),)) as pool:
        chunks = _chunks(items, 2000)
        ahead: deque[Future[list[store.PreparedItem]]] = deque(
            pool.submit(_prepare, chunk, publishers) for chunk in islice(chunks, 3)
        )
        while ahead:
            done = ahead.popleft().result()
            chunk = next(chunks, None)
            if chunk is not None:
                ahead.append(pool.submit(_prepare, chunk, publishers))
            yield done


def _tantivy_schema() -> Any:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    builder.add_text_field("title", stored=False, tokenizer_name="whitespace")
    builder.add_text_field("body", stored=False, tokenizer_name="whitespace")
    return builder.build()


def _percentiles(values: list[float]) -> str:
    q = statistics.quantiles(values, n=100, method="inclusive")
    return f"p50 {q[49]:.1f} / p95 {q[94]:.1f} / p99 {q[98]:.1f} ms"


def _timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) * 1000


def _like_count(cache: ContentCache, query: str) -> int:
    """The naive baseline: a substring scan of every text field."""
    clauses, params = [], {}
    for i, word in enumerate(query.split()):
        params[f"w{i}"] = f"%{word}%"
        clauses.append(
            f"(title LIKE :w{i} OR body LIKE :w{i} OR doc_no LIKE :w{i} OR index_no LIKE :w{i} "
            f"OR title_pinyin LIKE :w{i} OR title_initials LIKE :w{i})"
        )
    with cache.session() as session:
        return session.execute(text(f"SELECT count(*) FROM items WHERE {' AND '.join(clauses)}"), params).scalar_one()


PINYIN_CLASSES = ("pinyin initials", "full pinyin")  # tantivy holds no pinyin: no peer row


def _tantivy_any_term(index: Any, query: str, limit: int = 20) -> int:
    """The peer of the relevance set: the query's bigrams (single characters alone), any term, BM25, top `limit`."""
    tokens = fts.tokens(query)
    if not tokens:
        return 0
    parsed = index.parse_query(" ".join(dict.fromkeys(tokens)), ["title", "body"])
    return len(index.searcher().search(parsed, limit).hits)


def _tantivy_search(index: Any, query: str) -> int:
    import tantivy

    schema = _tantivy_schema()
    parts = []
    for run in fts._RUNS.findall(fts.normalise(query)):
        if len(run) == 1 and not run.isascii():
            parts.append(
                tantivy.Query.boolean_query(
                    [
                        (tantivy.Occur.Should, tantivy.Query.regex_query(schema, f, f"{run}.*"))
                        for f in ("title", "body")
                    ]
                )
            )
        else:
            tokens = run.split() if run.isascii() else [run[i : i + 2] for i in range(len(run) - 1)]
            phrase = " ".join(tokens)
            parts.append(index.parse_query(f'"{phrase}"' if len(tokens) > 1 else phrase, ["title", "body"]))
    searcher = index.searcher()
    found = searcher.search(tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in parts]), 20, count=True)
    return found.count


def _sample_numbers(cache: ContentCache, rng: random.Random) -> tuple[list[str], list[str]]:
    with cache.session() as session:
        top = session.execute(text("SELECT max(id) FROM items")).scalar_one()
        ids = [rng.randint(1, top) for _ in range(SAMPLES * 3)]
        rows = session.execute(
            text(f"SELECT index_no, doc_no FROM items WHERE id IN ({','.join(map(str, ids))})")
        ).all()
    return [r[0] for r in rows][:SAMPLES], [r[1] for r in rows if r[1]][:SAMPLES]


def _recall(cache: ContentCache, query: str) -> tuple[int, int]:
    """(items holding the query as a substring, how many of them the index finds)."""
    expression = fts.match_expression(query)
    with cache.session() as session:
        truth = {
            r[0]
            for r in session.execute(
                text(
                    "SELECT id FROM items WHERE instr(title, :q) OR instr(body, :q) OR instr(coalesce(doc_no, ''), :q)"
                ),
                {"q": query},
            )
        }
        found = {
            r[0] for r in session.execute(text("SELECT rowid FROM item_fts WHERE item_fts MATCH :e"), {"e": expression})
        }
    return len(truth), len(truth & found)


def _sizes(cache: ContentCache) -> tuple[float, float]:
    """MiB of raw text (title, body, 文号, 索引号 as UTF-8) and of both FTS tables' pages."""
    with cache.session() as session:
        raw = session.execute(
            text(
                "SELECT sum(length(CAST(title AS BLOB)) + length(CAST(body AS BLOB)) "
                "+ length(CAST(coalesce(doc_no, '') AS BLOB)) "
                "+ length(CAST(index_no AS BLOB))) FROM items"
            )
        ).scalar_one()
        index = 0
        for table in fts.TABLES:
            for part in ("data", "idx", "docsize"):
                index += session.execute(
                    text("SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name = :n"), {"n": f"{table}_{part}"}
                ).scalar_one()
    return raw / 2**20, index / 2**20


def _update_cost(cache: ContentCache, items: int, changed: int = 1000) -> float:
    """Seconds to write `changed` edited items (title and body) and their index rows in one transaction."""
    first = list(islice(iter_items(items, seed=3, body_chars=BODY_CHARS), changed))
    mark = f"(修订{time.time_ns()})"
    edited = [replace(r, title=r.title + mark, body=r.body + mark) for r in first]
    start = time.perf_counter()
    with cache.transaction() as session:
        counts = store.upsert_items(session, edited)
    seconds = time.perf_counter() - start
    assert counts.updated == changed
    return seconds


def bench_search_large(items: int) -> list[Row]:
    import tantivy

    path, index_dir, facts = search_cache(items)
    cache = ContentCache.open(path)
    index = tantivy.Index.open(str(index_dir))
    rng = random.Random(7)
    index_nos, doc_nos = _sample_numbers(cache, rng)
    classes = dict(CLASSES) | {"文号": doc_nos, "索引号": index_nos}
    rows: list[Row] = []
    size = f"{items:,} items, ~{BODY_CHARS} chars"
    try:
        for name, queries in classes.items():
            for query in queries:  # warm
                cache.search(query, 20)
            times = [_timed(lambda q=q: cache.search(q, 20)) for q in queries for _ in range(REPEAT)]
            like = [_timed(lambda q=q: _like_count(cache, q)) for q in queries[:LIKE_SAMPLES]]
            ratio_like = statistics.median(like) / statistics.median(times)
            peer = [
                _timed(lambda q=q: _tantivy_any_term(index, q))
                for q in queries
                for _ in range(REPEAT)
                if name not in PINYIN_CLASSES
            ]
            beside = f"; tantivy any-term {_percentiles(peer)}" if peer else ""
            rows.append(
                (
                    f"search: {name}",
                    size,
                    f"{_percentiles(times)}; LIKE median {statistics.median(like):,.0f} ms "
                    f"(×{ratio_like:,.0f}){beside}",
                )
            )
        filters = Filters(year=2009, validity="valid")
        times = [
            _timed(lambda q=q: cache.search(q, 20, filters=filters))
            for q in CLASSES["two-character word"]
            for _ in range(REPEAT)
        ]
        rows.append(("search: word + two filters", "year 2009, valid", _percentiles(times)))
        times = [_timed(lambda q=q: cache.search(q, 20, facets=True)) for q in CLASSES["two-character word"][:10]]
        rows.append(("search: word with facet counts", "5 facets", _percentiles(times)))
        agree = [
            (cache.search(q, 0).total, _tantivy_search(index, q)) for q in ["绿化", "财政预算", "城市 绿化", "审计"]
        ]
        rows.append(
            (
                "search: tantivy finds the same items",
                "kiosk total / tantivy count",
                ", ".join(f"{a:,}/{b:,}" for a, b in agree),
            )
        )
        misses = []
        for query in ["桥", "璧", "绿化", "审计", "财政预算", "防汛抗旱", "通知"]:
            truth, found = _recall(cache, query)
            misses.append(f"{query} {found}/{truth}")
        rows.append(("search: recall vs substring scan", "items found / items holding it", ", ".join(misses)))
        raw, indexed = _sizes(cache)
        rows.append(
            ("search: index size", f"raw text {raw:,.0f} MiB", f"{indexed:,.0f} MiB ({indexed / raw:.2f}× raw)")
        )
        rows.append(
            (
                "search: build (write path, 2 workers)",
                size,
                f"{facts['build_seconds']:,.0f} s ({items / facts['build_seconds']:,.0f} items/s; SQLite writes "
                f"{facts['sqlite_write_seconds']:,.0f} s, tantivy {facts['tantivy_seconds']:,.0f} s)",
            )
        )
        rows.append(("search: 1,000 items updated", "titles and bodies edited", f"{_update_cost(cache, items):.2f} s"))
        rows.append(("search: database file", str(path.name), f"{os.path.getsize(path) / 2**30:.1f} GiB"))
    finally:
        cache.close()
    return rows
