"""The kiosk as a citizen meets it: cold start beside a bare Kivy app, screen changes, text size.

Cold start: `kiosk run --exit-after-first-frame`, offscreen, each run a fresh
process with its bytecode cached, as on a kiosk that ran before; the figure is
the median of N runs, and each run's peak memory (VmHWM) is kept. The same is
done for a bare Kivy app (one Label, the kiosk's font and window size,
benchmarks/bare_kivy.py) in the same loop, run for run, so both meet the machine
in the same state and the ratio means something.
The large cache is the search benchmark's million-item cache when it has been
built, else a million items copied by SQL from 10,000 generated ones (no search
index: nothing at start reads it), kept in benchmarks/.cache/.

Screen changes: the App driven in-process as the UI tests drive it, a tap
being a touch down and up on the widget found by its visible text; the time
runs from the tap to the first frame drawn after the new screen says `ready`.
"""

from __future__ import annotations

import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.search_bench import CACHE_DIR, search_cache_path

Row = tuple[str, str, str]
DEMO_SEED_ITEMS = 10_000


# the large cache


def large_cache(items: int) -> tuple[Path, str]:
    """A content cache of `items` items for the start-up rows, and how it was made."""
    found = search_cache_path(items)
    if found is not None:
        return found, f"{items:,} items (search benchmark's cache)"
    path = CACHE_DIR / f"app-{items}-c0003.db"
    if not path.exists():
        _build_copied_cache(path, items)
    return path, f"{items:,} items (copied rows, no search index)"


def _build_copied_cache(path: Path, items: int) -> None:
    """10,000 generated items through the write path, then copies of their rows under new 索引号 up to `items`."""
    from content_cache import ContentCache

    CACHE_DIR.mkdir(exist_ok=True)
    partial = path.with_suffix(".partial")
    for old in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        old.unlink(missing_ok=True)
    cache = ContentCache.open(partial)
    cache.load_demo(DEMO_SEED_ITEMS, seed=1)
    cache.close()
    db = sqlite3.connect(partial, isolation_level=None)
    columns = [row[1] for row in db.execute("PRAGMA table_info(items)") if row[1] not in ("id", "index_no")]
    names = ", ".join(columns)
    have = db.execute("SELECT count(*) FROM items").fetchone()[0]
    copy = 1
    while have < items:
        # 003232741/2008-00001 becomes 003232741/2008-0000100001: the pattern of a 索引号, never taken.
        db.execute("BEGIN")
        db.execute(
            f"INSERT INTO items (index_no, {names}) "
            f"SELECT substr(index_no, 1, instr(index_no, '-')) || printf('%010d', ? * 100000 + id), {names} "
            f"FROM items WHERE id <= ? ORDER BY id LIMIT ?",
            (copy, DEMO_SEED_ITEMS + 1, items - have),
        )
        db.execute("COMMIT")
        have = db.execute("SELECT max(id) FROM items").fetchone()[0]
        copy += 1
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    partial.rename(path)


# cold start


def _env(home: Path, database: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK_", "KIVY_"))} | {"KIOSK_HOME": str(home)}
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    # A kiosk starts every day from the same code, its bytecode cached by the first start (the installed
    # libraries' was written by pip): a shell that forbids the cache would time the compiler instead.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if database is not None:
        env["KIOSK_CONTENT_DATABASE"] = str(database)
    return env


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float | None]:
    """(first frame s, peak MiB, Home drawn s or None) of one run; RuntimeError with its stderr when it failed."""
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    first = re.search(r"first frame drawn after ([\d.]+) s", done.stdout)
    peak = re.search(r"peak memory \(max RSS\) (\d+) MiB", done.stdout)
    home = re.search(r"Home drawn after ([\d.]+) s", done.stdout)
    if done.returncode or not (first and peak):
        raise RuntimeError((done.stderr.strip() or done.stdout.strip())[-300:])
    return float(first.group(1)), float(peak.group(1)), float(home.group(1)) if home else None


def bench_cold_start(runs: int, large_items: int) -> list[Row]:
    """First frame and peak memory of the kiosk (demo cache, large cache) and of a bare Kivy app, side by side."""
    from kiosk.config import load_config
    from printing.fonts import find_cjk_font

    large, made = large_cache(large_items)
    config = load_config({})
    width, height = int(config.settings.display.width), int(config.settings.display.height)
    font = str(find_cjk_font(None))
    kiosk = [sys.executable, "-m", "kiosk.cli", "run", "--exit-after-first-frame"]
    bare = [
        sys.executable,
        "-m",
        "benchmarks.bare_kivy",
        "--width",
        str(width),
        "--height",
        str(height),
        "--font",
        font,
    ]
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-start-") as tmp:
        demo_home, large_home, bare_home = Path(tmp, "demo"), Path(tmp, "large"), Path(tmp, "bare")
        (bare_home / "kivy").mkdir(parents=True)
        subjects = {
            "bare": (bare, _env(bare_home, None) | {"KIVY_HOME": str(bare_home / "kivy")}),
            "demo": (kiosk, _env(demo_home, None)),
            "large": (kiosk, _env(large_home, large)),
        }
        results: dict[str, list[tuple[float, float, float | None]]] = {name: [] for name in subjects}
        try:
            for cmd, env in subjects.values():  # a first run of each writes its state, Kivy's files, the demo
                _run(cmd, env)
            for _ in range(runs):  # interleaved: a busy moment of the machine falls on all three alike
                for name, (cmd, env) in subjects.items():
                    results[name].append(_run(cmd, env))
        except RuntimeError as exc:
            return [("cold start", "offscreen", f"failed: {exc}")]
    demo = int(config.settings.content.demo_count) + 1  # the generated items and the seed report
    return _start_rows(results, runs, f"{demo:,} items (demo)", made)


def _start_rows(
    results: dict[str, list[tuple[float, float, float | None]]], runs: int, demo: str, large: str
) -> list[Row]:
    def median(name: str, at: int) -> float:
        return statistics.median(r[at] for r in results[name] if r[at] is not None)  # type: ignore[misc]

    bare_first, bare_peak = median("bare", 0), median("bare", 1)
    bare_range = f"{min(r[0] for r in results['bare']):.2f}–{max(r[0] for r in results['bare']):.2f}"
    rows: list[Row] = [
        (
            "start: bare Kivy app, first frame",
            f"one Label, same font and window; median of {runs}",
            f"{bare_first:.2f} s (range {bare_range})",
        ),
        ("start: bare Kivy app, peak memory", "VmHWM", f"{bare_peak:.0f} MiB"),
    ]
    for name, workload in (("demo", demo), ("large", large)):
        first, peak = median(name, 0), median(name, 1)
        spread = f"range {min(r[0] for r in results[name]):.2f}–{max(r[0] for r in results[name]):.2f}"
        rows.append(
            (
                f"start: kiosk first frame, {name} cache",
                f"{workload}; median of {runs}",
                f"{first:.2f} s ({spread}), ×{first / bare_first:.2f} bare (target ≤ ×1.5)",
            )
        )
        if all(r[2] is not None for r in results[name]):
            home = median(name, 2)
            rows.append(
                (
                    f"start: kiosk Home with its counts drawn, {name} cache",
                    workload,
                    f"{home:.2f} s, ×{home / bare_first:.2f} bare",
                )
            )
        rows.append(
            (f"start: kiosk peak memory, {name} cache", "VmHWM", f"{peak:.0f} MiB, ×{peak / bare_peak:.2f} bare")
        )
    return rows


# screen changes and text size

SCREEN_TARGET_MS = 300
TEXT_STEP_TARGET_MS = 200
HANDWRITING_TARGET_MS = 50  # a finger lifted: the candidates of the strokes so far are on screen


def bench_screens(home: Path, repeat: int) -> list[Row]:
    """Tap-to-drawn-frame times of the screen changes and the A+ steps, the App in a process of its own."""
    import json

    env = _env(home, None)
    cmd = [sys.executable, "-m", "benchmarks.ui_bench", "--repeat", str(repeat)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1800)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        return [("screens: tap to drawn frame", "in-process", f"failed: {done.stderr.strip()[-300:]}")]
    times: dict[str, list[float]] = json.loads(lines[-1])
    items = _item_count(home / "content.db")
    rows: list[Row] = []
    for name, values in times.items():
        target = (
            TEXT_STEP_TARGET_MS
            if name.startswith("A+")
            else HANDWRITING_TARGET_MS
            if name.startswith("Handwriting")
            else SCREEN_TARGET_MS
        )
        worst = max(values)
        verdict = "within target" if statistics.median(values) < target else "over target"
        end = (
            "next drawn frame"
            if name.startswith("A+")
            else ("frame with its ink" if name.endswith("ink") else "frame with its candidates")
            if name.startswith("Handwriting")
            else "first frame of the ready screen"
        )
        cause, causes = ("lift", "strokes") if name.startswith("Handwriting") else ("tap", "taps")
        rows.append(
            (
                f"screens: {name}",
                f"{items:,} items, {cause} → {end}, {len(values)} {causes}",
                f"median {statistics.median(values):.0f} ms, max {worst:.0f} ms (target < {target} ms: {verdict})",
            )
        )
    return rows


def _item_count(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT count(*) FROM items").fetchone()[0])
