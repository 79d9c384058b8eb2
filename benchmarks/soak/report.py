"""The soak's figures as one table, and its verdict: failed on any error or when memory grew by the limit or more."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from benchmarks.soak.watch import LogCounts, Problem

RSS_GROWTH_LIMIT = 5.0  # per cent, from the start (after the warm-up) to the end
PROBLEMS_SHOWN = 5


@dataclass
class SoakResult:
    """Everything a soak run measured."""

    seed: int
    minutes: float
    warmup_seconds: float
    rss_start_kib: int
    rss_end_kib: int
    rss_peak_kib: int
    rss_samples_kib: list[int]  # one a minute of the soak
    idle_cpu: float | None  # share of one core over the idle minute (None: the soak stopped before it)
    idle_seconds: float
    log: LogCounts
    log_file_bytes: int
    screens: Counter[str]
    actions: Counter[str]
    touches: int
    jobs: Counter[str]  # print jobs made, by state
    stalls: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    home: str = ""  # KIOSK_HOME, when kept
    interrupted: bool = False  # stopped by Ctrl-C or SIGTERM before the end
    trimmed_kib: tuple[int | None, int | None] = (None, None)  # RSS after malloc_trim at the start, at the end
    # RSS (anonymous, file-backed) at the start and at the end
    rss_parts_kib: tuple[tuple[int, int] | None, tuple[int, int] | None] = (None, None)

    @property
    def rss_growth(self) -> float:
        """Growth of resident memory from the start to the end, in per cent (NaN when the start was not reached)."""
        if not self.rss_start_kib:
            return float("nan")
        return (self.rss_end_kib - self.rss_start_kib) / self.rss_start_kib * 100


def failures(result: SoakResult, rss_limit: float = RSS_GROWTH_LIMIT) -> list[str]:
    """Why the soak failed, one line each; empty when it passed."""
    found = ["stopped (Ctrl-C or SIGTERM) before the end"] if result.interrupted else []
    if result.problems:
        found.append(f"{len(result.problems)} error(s): exceptions in the kiosk or error entries in its log")
    if result.rss_growth >= rss_limit:
        found.append(f"resident memory grew by {result.rss_growth:.1f} % (limit: under {rss_limit:g} %)")
    return found


def _mib(kib: int) -> str:
    return f"{kib / 1024:.1f} MiB" if kib else "not reached (the soak stopped before)"


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{name} {count}" for name, count in counter.most_common()) or "none"


def _trimmed(kib: tuple[int | None, int | None]) -> str:
    """Start and end once glibc returned freed heap: a growth here is memory still in use."""
    start, end = kib
    if not start or not end:
        return "-"
    return f"{start / 1024:.1f} → {end / 1024:.1f} MiB ({(end - start) / start * 100:+.1f} %; the rest is freed heap)"


def _parts(parts: tuple[tuple[int, int] | None, tuple[int, int] | None]) -> str:
    """Anonymous and file-backed RSS, each start → end."""
    start, end = parts
    if start is None or end is None:
        return "-"
    return (
        f"{start[0] / 1024:.1f} → {end[0] / 1024:.1f} MiB / {start[1] / 1024:.1f} → {end[1] / 1024:.1f} MiB "
        "(start → end)"
    )


def rows(result: SoakResult) -> list[tuple[str, str]]:
    """The table's rows: what, figure."""
    log = result.log
    return [
        ("seed", f"{result.seed} (replay: SOAK_SEED={result.seed})"),
        ("touching", f"{result.minutes:g} min after a warm-up of {result.warmup_seconds:.0f} s"),
        ("RSS at start (after warm-up)", _mib(result.rss_start_kib)),
        ("RSS at end (after the idle reset)", _mib(result.rss_end_kib)),
        ("RSS growth", f"{result.rss_growth:+.1f} %" if result.rss_start_kib else "-"),
        (
            "RSS each minute",
            " ".join(f"{kib / 1024:.0f}" for kib in result.rss_samples_kib) + " MiB" if result.rss_samples_kib else "-",
        ),
        ("RSS peak (VmHWM)", _mib(result.rss_peak_kib)),
        ("RSS anonymous / file-backed", _parts(result.rss_parts_kib)),
        ("RSS after malloc_trim, start → end", _trimmed(result.trimmed_kib)),
        (
            f"CPU over the last idle {result.idle_seconds:g} s",
            f"{result.idle_cpu * 100:.1f} % of one core" if result.idle_cpu is not None else "not measured",
        ),
        ("log growth", f"{log.bytes:,} bytes, {log.lines:,} lines (kiosk.log now {result.log_file_bytes:,} bytes)"),
        ("log WARNING / ERROR", f"{log.warnings} / {log.errors} ({log.tracebacks} with a traceback)"),
        ("screens visited", _counts(result.screens)),
        ("touches made", f"{result.touches:,} ({_counts(result.actions)})"),
        ("print jobs made", f"{sum(result.jobs.values())} ({_counts(result.jobs)})"),
        ("waits that ran out", f"{len(result.stalls)}" + (f": {result.stalls[0]}" if result.stalls else "")),
        ("errors", str(len(result.problems))),
    ]


def table(result: SoakResult) -> str:
    """The rows as an aligned two-column table."""
    found = rows(result)
    width = max(len(name) for name, _ in found)
    lines = [f"{'soak':<{width}}  result", f"{'-' * width}  {'-' * 40}"]
    lines += [f"{name:<{width}}  {figure}" for name, figure in found]
    return "\n".join(lines)


def problem_details(result: SoakResult) -> str:
    """The first problems in full: where, the traceback or log entry, and the actions before it."""
    parts = []
    for number, problem in enumerate(result.problems[:PROBLEMS_SHOWN], 1):
        before = "\n".join(f"    {line}" for line in problem.after)
        parts.append(f"error {number} ({problem.source}):\n{problem.text.rstrip()}\n  after these actions:\n{before}")
    more = len(result.problems) - PROBLEMS_SHOWN
    if more > 0:
        parts.append(f"and {more} more error(s)")
    return "\n\n".join(parts)
