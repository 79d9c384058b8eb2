"""`make soak` in a few seconds: the real kiosk under random touches, then idle, reports its table and no error.

The figures themselves (memory growth over seconds means little) are not
judged here; `make soak` judges them over its minutes.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.soak.report import SoakResult, failures, table
from benchmarks.soak.watch import LogCounter, LogCounts, Problem

pytestmark = pytest.mark.slow  # separate processes: `make test-fast` leaves these out

ROOT = Path(__file__).resolve().parents[1]
ROWS = (
    "seed",
    "RSS at start",
    "RSS at end",
    "RSS growth",
    "CPU over the last idle",
    "log growth",
    "log WARNING / ERROR",
    "screens visited",
    "touches made",
    "print jobs made",
    "errors",
)


def test_a_short_soak_runs_the_kiosk_and_reports_every_figure() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    command = [
        sys.executable,
        "-m",
        "benchmarks.soak",
        "--minutes",
        "0.1",
        "--warmup",
        "3",
        "--idle",
        "2",
        "--idle-timeout",
        "5",
        "--idle-warning",
        "3",
        "--demo-items",
        "100",
        "--seed",
        "12",
        "--rss-limit",
        "1000",
    ]
    done = subprocess.run(command, check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-6000:]
    assert "soak: seed 12" in output and "soak: passed" in output
    table_rows = {line.split("  ")[0] for line in output.splitlines()}
    for row in ROWS:
        assert any(name.startswith(row) for name in table_rows), f"no {row!r} row in:\n{output[-3000:]}"
    touches = next(line for line in output.splitlines() if line.startswith("touches made"))
    assert int(touches.split()[2].replace(",", "")) > 0
    assert "Traceback" not in output


def _result(**changes: object) -> SoakResult:
    base: dict[str, object] = {
        "seed": 1,
        "minutes": 1.0,
        "warmup_seconds": 60.0,
        "rss_start_kib": 100_000,
        "rss_end_kib": 104_000,
        "rss_peak_kib": 105_000,
        "rss_samples_kib": [102_000],
        "idle_cpu": 0.02,
        "idle_seconds": 60.0,
        "log": LogCounts(),
        "log_file_bytes": 0,
        "screens": Counter({"home": 2}),
        "actions": Counter({"button": 5}),
        "touches": 5,
        "jobs": Counter({"done": 1}),
    }
    return SoakResult(**(base | changes))  # type: ignore[arg-type]


def test_the_verdict_fails_on_an_error_or_on_memory_growth_of_five_per_cent() -> None:
    assert failures(_result()) == []
    assert "grew by 5.0 %" in failures(_result(rss_end_kib=105_000))[0]
    assert "1 error(s)" in failures(_result(problems=[Problem("log", "Traceback ...")]))[0]
    assert "RSS growth" in table(_result()) and "+4.0 %" in table(_result())


def test_a_soak_cut_short_by_an_exception_still_reports() -> None:
    cut_short = _result(rss_start_kib=0, idle_cpu=None, problems=[Problem("event loop", "Traceback ...")])
    shown = table(cut_short)
    assert "not reached" in shown and "not measured" in shown
    assert failures(cut_short) == ["1 error(s): exceptions in the kiosk or error entries in its log"]


def test_the_log_counter_counts_bytes_lines_levels_and_keeps_tracebacks() -> None:
    kept: list[str] = []
    counter = LogCounter(kept.append)
    logger = logging.getLogger("soak-test")
    logger.propagate, logger.level = False, logging.INFO
    logger.addHandler(counter)
    try:
        logger.info("一行")
        logger.warning("careful")
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("it broke")
    finally:
        logger.removeHandler(counter)
    counts = counter.snapshot()
    assert (counts.warnings, counts.errors, counts.tracebacks) == (1, 1, 1)
    assert counts.lines > 3 and counts.bytes > len("一行".encode())
    assert len(kept) == 1 and "ValueError: boom" in kept[0]
