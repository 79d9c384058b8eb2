"""`python -m benchmarks.soak [--minutes M] [--seed S]`: soak the real kiosk, print the table, exit 1 on failure.

SOAK_MINUTES and SOAK_SEED give the defaults of --minutes and --seed (as
`make soak SOAK_MINUTES=1 SOAK_SEED=42` passes them).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.soak.report import (
    RSS_GROWTH_LIMIT,
    SoakResult,
    failures,
    problem_details,
    table,
)
from benchmarks.soak.watch import (
    LogCounts,
    Watch,
    measure_idle_cpu,
    peak_rss_kib,
    rss_kib,
    rss_parts_kib,
    trimmed_rss_kib,
)

SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080)}
START_LIMIT = 120.0  # s for Home to be ready after the window opens
# The warm-up goes on (up to WARMUP_STRETCH times its length) until each of these screens was shown and a copy of
# each kind was printed: what a first use loads (a screen's rules, the PDF and slip renderers, their fonts) is then
# loaded before memory is first taken, and what grows after it is what the visits leave behind.
WARMUP_SCREENS = frozenset({"home", "browse", "document", "print", "search"})
WARMUP_KINDS = frozenset({"a4", "receipt"})
WARMUP_STRETCH = 5


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line, its defaults from SOAK_MINUTES and SOAK_SEED."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.soak", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--minutes",
        type=float,
        default=float(os.environ.get("SOAK_MINUTES") or 10),
        help="minutes of random touches after the warm-up (default: SOAK_MINUTES or 10)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=int(os.environ["SOAK_SEED"]) if os.environ.get("SOAK_SEED") else None,
        help="the random visitor's seed (default: SOAK_SEED, or a new one, printed)",
    )
    parser.add_argument(
        "--warmup", type=float, default=60.0, help="seconds of touches before memory is first taken (default 60)"
    )
    parser.add_argument(
        "--idle",
        type=float,
        default=60.0,
        help="seconds the kiosk is left alone after its idle reset, its CPU measured (default 60)",
    )
    parser.add_argument(
        "--idle-timeout",
        type=float,
        default=15.0,
        help="the kiosk's session.idle_timeout for the soak, in seconds (default 15)",
    )
    parser.add_argument(
        "--idle-warning",
        type=float,
        default=5.0,
        help="the kiosk's session.idle_warning for the soak, in seconds (default 5)",
    )
    parser.add_argument("--demo-items", type=int, help="demo items in the content cache (default: the kiosk's)")
    parser.add_argument("--orientation", choices=sorted(SIZES), default="portrait")
    parser.add_argument(
        "--rss-limit",
        type=float,
        default=RSS_GROWTH_LIMIT,
        help=f"memory growth in per cent that fails the soak (default {RSS_GROWTH_LIMIT:g})",
    )
    parser.add_argument(
        "--keep-home", action="store_true", help="keep the temporary KIOSK_HOME (it is always kept when the soak fails)"
    )
    return parser.parse_args(argv)


def prepare_environment(home: Path, args: argparse.Namespace) -> None:
    """The kiosk's defaults in `home`: no KIOSK_* or display from outside, the soak's idle times."""
    for name in [n for n in os.environ if n.startswith("KIOSK_")] + ["DISPLAY", "WAYLAND_DISPLAY"]:
        os.environ.pop(name, None)
    os.environ["KIOSK_HOME"] = str(home)
    os.environ["KIOSK_SESSION_IDLE_TIMEOUT"] = f"{args.idle_timeout:g}"
    os.environ["KIOSK_SESSION_IDLE_WARNING"] = f"{args.idle_warning:g}"
    if args.demo_items is not None:
        os.environ["KIOSK_CONTENT_DEMO_COUNT"] = str(args.demo_items)
    os.environ["KIVY_HOME"] = str(home / "kivy")


@dataclass
class Figures:
    """What has been measured so far (a run cut short by an exception reports what it has)."""

    rss_start: int = 0
    rss_end: int = 0
    samples: list[int] = field(default_factory=list)
    idle_cpu: float | None = None
    screens: Counter[str] = field(default_factory=Counter)
    warmup: float = 0.0  # s the warm-up took
    interrupted: bool = False  # stopped by Ctrl-C or SIGTERM
    trimmed_start: int | None = None  # RSS after malloc_trim, at the start and at the end
    trimmed_end: int | None = None
    parts_start: tuple[int, int] | None = None  # RSS anonymous and file-backed, at the start and at the end
    parts_end: tuple[int, int] | None = None
    log_start: LogCounts = field(default_factory=LogCounts)  # the log's counts when the start was taken


def soak(args: argparse.Namespace, seed: int, home: Path) -> SoakResult:
    """Start the real kiosk in `home`, run the visitor and the measurements, stop it; the result."""
    from kiosk.bootstrap import build_services, ensure_content, setup_logging
    from kiosk.config import load_config
    from kiosk.print_worker import PrintWorker
    from tests.tour.drive import open_window, prepare_kivy

    config = load_config()
    setup_logging(config)
    services = build_services(config)
    ensure_content(services.content, config)
    size = SIZES[args.orientation]
    prepare_kivy(size)
    window = open_window()
    from benchmarks.soak.citizen import Citizen, open_action_log
    from kiosk.app import KioskApp

    worker = PrintWorker(services.queue)
    services.queue.on_change = worker.poke
    worker.start()
    app = KioskApp(
        services,
        font_path=str(services.settings.font_path),
        idle_timeout=config.settings.session.idle_timeout,
        idle_warning=config.settings.session.idle_warning,
        window_size=size,
        staff_taps=int(config.settings.staff.gesture_taps),
    )
    action_log = open_action_log(home / "soak-actions.log")
    citizen = Citizen(app, seed, action_log)
    watch = Watch(lambda: list(citizen.history))
    watch.install()
    figures = Figures()
    try:
        app.root = app.build()
        window.add_widget(app.root)
        app.dispatch("on_start")
        app.navigator.bind(on_display=lambda _nav, name, _params: figures.screens.update([name]))
        _visit(args, citizen, watch, figures, lambda: {job.kind for job in services.queue.jobs(limit=1_000_000)})
    except Exception as exc:  # out of a frame: the App would have stopped; reported as an error
        watch.event_loop_exception(exc)
    except KeyboardInterrupt:
        figures.interrupted = True  # what was measured until then is still reported
    finally:
        log_counts = watch.log.snapshot().since(figures.log_start)
        _stop(app, citizen, worker, watch)
        jobs = Counter(job.state for job in services.queue.jobs(limit=1_000_000))
        services.close()
        action_log.close()
    log_file = home / "logs" / "kiosk.log"
    return SoakResult(
        seed=seed,
        minutes=args.minutes,
        warmup_seconds=figures.warmup,
        rss_start_kib=figures.rss_start,
        rss_end_kib=figures.rss_end or rss_kib(),
        trimmed_kib=(figures.trimmed_start, figures.trimmed_end),
        rss_parts_kib=(figures.parts_start, figures.parts_end),
        rss_peak_kib=peak_rss_kib(),
        rss_samples_kib=figures.samples,
        idle_cpu=figures.idle_cpu,
        idle_seconds=args.idle,
        log=log_counts,
        log_file_bytes=log_file.stat().st_size if log_file.exists() else 0,
        screens=figures.screens,
        actions=citizen.done,
        touches=citizen.touches,
        jobs=jobs,
        stalls=citizen.stalls,
        problems=watch.problems,
        home=str(home),
        interrupted=figures.interrupted,
    )


def _visit(
    args: argparse.Namespace, citizen: Any, watch: Watch, figures: Figures, printed_kinds: Callable[[], set[str]]
) -> None:
    """Warm-up, reset, memory; the minutes of touches; reset, memory; the idle minute's CPU."""
    citizen.wait(lambda: citizen.app.current_screen.ready, "Home at start", START_LIMIT)
    print(f"soak: kiosk started; warm-up of {args.warmup:g} s or more", flush=True)
    figures.warmup = _warm_up(args.warmup, citizen, figures, printed_kinds)
    _reset(citizen)
    figures.rss_start = rss_kib()
    figures.parts_start = rss_parts_kib()
    figures.trimmed_start = trimmed_rss_kib()  # after the plain figure: trimming only ever lowers it
    figures.log_start = watch.log.snapshot()
    print(f"soak: RSS at start {figures.rss_start / 1024:.1f} MiB; touching for {args.minutes:g} min", flush=True)
    end = time.monotonic() + args.minutes * 60
    while (left := end - time.monotonic()) > 0:
        citizen.run_for(min(60.0, left))
        figures.samples.append(rss_kib())
        print(
            f"soak: {len(figures.samples)} min, RSS {figures.samples[-1] / 1024:.1f} MiB, "
            f"{citizen.touches} touches, {len(watch.problems)} errors",
            flush=True,
        )
        if watch.problems:
            break
    print("soak: touches stopped; waiting for the idle reset", flush=True)
    _reset(citizen)
    figures.rss_end = rss_kib()
    figures.parts_end = rss_parts_kib()
    figures.idle_cpu = measure_idle_cpu(citizen.pump, args.idle)
    figures.trimmed_end = trimmed_rss_kib()


def _warm_up(seconds: float, citizen: Any, figures: Figures, printed_kinds: Callable[[], set[str]]) -> float:
    """Touch for `seconds`, and on until the warm-up's screens and kinds of copy were all used; how long it took."""
    start = time.monotonic()
    while (spent := time.monotonic() - start) < seconds * WARMUP_STRETCH:
        if spent >= seconds and WARMUP_SCREENS <= set(figures.screens) and WARMUP_KINDS <= printed_kinds():
            break
        citizen.run_for(min(5.0, seconds))
    return time.monotonic() - start


def _reset(citizen: Any) -> None:
    """Wait for the kiosk's idle reset; a reset that does not come is a stall, and the soak goes on."""
    from benchmarks.soak.citizen import Stalled

    try:
        citizen.wait_for_reset()
    except Stalled as stalled:
        citizen.stalls.append(f"{citizen.screen_name()}: {stalled}")
    citizen.pump(2.0)  # the reset's own work (Home's counts) is done before memory is taken


def _stop(app: Any, citizen: Any, worker: Any, watch: Watch) -> None:
    """Let the screens' background calls deliver, stop the App, the print worker and the watch;
    what goes wrong here is an error too."""
    from benchmarks.soak.citizen import Stalled
    from screens.worker import pending_tasks

    try:
        citizen.wait(lambda: pending_tasks() == 0, "the screens' background calls", 30.0)
    except Stalled as stalled:
        citizen.stalls.append(f"at the end: {stalled}")
    except KeyboardInterrupt:
        pass  # stopped: the calls still under way are left to end with the process
    except Exception as exc:  # out of a frame, as during the visit
        watch.event_loop_exception(exc)
    try:
        app.dispatch("on_stop")
        worker.stop()
    except Exception as exc:  # reported with the rest
        watch.event_loop_exception(exc)
    watch.uninstall()


def main(argv: list[str] | None = None) -> int:
    """Run the soak, print the table (and any error in full); 1 when it failed."""
    args = parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 1_000_000)
    home = Path(tempfile.mkdtemp(prefix="kiosk-soak-"))
    print(f"soak: seed {seed} (replay with SOAK_SEED={seed}); KIOSK_HOME {home}", flush=True)
    prepare_environment(home, args)
    from kiosk.errors import KioskError

    try:
        result = soak(args, seed, home)
    except KioskError as exc:  # a setting out of its range, a store that cannot open: the kiosk's own one line
        print(f"soak: the kiosk did not start: {exc}", file=sys.stderr)
        shutil.rmtree(home, ignore_errors=True)
        return 2
    print(table(result))
    if result.problems:
        print("\n" + problem_details(result))
    failed = failures(result, args.rss_limit)
    for reason in failed:
        print(f"FAIL: {reason}")
    if failed or args.keep_home:
        print(f"soak: KIOSK_HOME kept at {home} (logs/kiosk.log, soak-actions.log)")
    else:
        shutil.rmtree(home, ignore_errors=True)
    print("soak: " + ("failed" if failed else "passed"), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
