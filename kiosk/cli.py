"""`kiosk …`: the operator's commands. Each failure is one line on stderr and a non-zero exit."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from content_cache import ContentError
from content_cache.records import (
    Filters,
    ItemSummary,
    SearchResult,
    Snippet,
    safe_for_terminal,
)
from kiosk.backup import DailyBackup
from kiosk.backup import add_parsers as add_backup_parsers
from kiosk.bootstrap import (
    CheckedSettings,
    ServicesOpening,
    build_services,
    check_settings,
    open_content,
    open_state,
    prepare_content,
    setup_logging,
)
from kiosk.cli_print import add_parsers as add_print_parsers
from kiosk.cli_stats import add_parsers as add_stats_parsers
from kiosk.config import Config, describe, load_config
from kiosk.errors import KioskError, is_database_error
from kiosk.print_worker import PrintWorker
from kiosk.scheduler import SyncScheduler, parse_time
from printing.errors import PrintError

if TYPE_CHECKING:  # the sync's modules load with the first sync, the stores with a command that opens them
    from content_cache.sync.run import SyncProgress
    from kiosk.services import Services
    from kiosk.state import StateStore


def _process_started_at() -> float:
    """The process's start on the time.monotonic() clock (Linux /proc), so start-up includes the imports."""
    try:
        stat = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        started = int(stat[19]) / os.sysconf("SC_CLK_TCK")  # field 22: start time, ticks after boot
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return time.monotonic() - (uptime - started)
    except (OSError, ValueError, IndexError):
        return time.monotonic()


STARTED_AT = _process_started_at()
log = logging.getLogger("kiosk")
Command = Callable[[argparse.Namespace, Config], int]


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def cmd_run(args: argparse.Namespace, config: Config) -> int:
    """Open the kiosk window."""
    headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    shots = args.screenshots or (config.home / "screenshots" if headless else None)
    if headless:
        print(f"No display found: rendering offscreen; screenshots go to {shots}")
    checked = check_settings(config)  # a bad setting (a printer URI) stops here, before anything opens
    if _sync_configured(config):
        parse_time(config.settings.sync.time)  # and so does a bad sync.time
        from kiosk.sync import request_from_config

        request_from_config(config, trigger="schedule")  # and a feed without a trusted key to check it
    size = (int(config.settings.display.width), int(config.settings.display.height))
    size = (size[1], size[0]) if args.landscape else size
    _prepare_kivy(config, size)
    from kivy.clock import Clock

    from kiosk.app import KioskApp  # Kivy is imported only by `kiosk run`

    # Home's first frame is drawn before the stores open (and SQLAlchemy loads): they open in the background
    # after it, while Home says 正在载入…. If they cannot be opened, the kiosk closes and says why, as before.
    services = ServicesOpening(
        lambda: _open_services(config, checked), on_failed=lambda _exc: Clock.schedule_once(lambda _dt: app.stop())
    )
    app = KioskApp(
        services,  # the facade's attributes, once open
        font_path=str(checked.font),
        idle_timeout=config.settings.session.idle_timeout,
        idle_warning=config.settings.session.idle_warning,
        window_size=size,
        screenshot_dir=shots,
        exit_after_first_frame=args.exit_after_first_frame,
        started_at=STARTED_AT,
        staff_taps=int(config.settings.staff.gesture_taps),
    )
    running: list[
        PrintWorker | SyncScheduler | DailyBackup
    ] = []  # a kiosk closed before Home was drawn started neither

    def start_background() -> None:
        # The print queue's recovery and the nightly sync need no window: they start once Home is on screen.
        # Each part that fails to start is logged and the others start: none of it is the citizen's doing.
        try:
            opened = services.opened()
        except Exception:  # the kiosk is closing; the error is reported when run() returns
            return
        for start in (
            lambda: _print_worker(opened),
            lambda: DailyBackup(config).start(),
            lambda: _nightly_sync(config, opened, app.content_changed),
            lambda: _warm_search(opened),
        ):
            try:
                part = start()
            except Exception:
                log.exception("a background part of the kiosk could not start")
                continue
            if part is not None:
                running.append(part)

    app.on_first_frame.append(services.open_in_background)
    app.after_first_frame.append(start_background)
    try:
        app.run()
    finally:
        for part in reversed(running):
            part.stop()
        services.close()
    services.raise_failure()  # the stores could not be opened: the kiosk closed, and says why
    if args.exit_after_first_frame:
        _report_peak_memory()
    return 0


def _print_worker(services: Services) -> PrintWorker:
    """The print worker over the queue, started (it recovers the queue first)."""
    worker = PrintWorker(services.queue)
    services.queue.on_change = worker.poke
    worker.start()
    return worker


def _warm_search(services: Services) -> None:
    """Ready what Search shows first (the 手写 tab, the searches to tap) in a thread of its own."""
    threading.Thread(target=services.warm_search, name="warm-search", daemon=True).start()


def _open_services(config: Config, checked: CheckedSettings) -> Services:
    """The services over the stores, with the demo content loaded into an empty content cache."""
    services = build_services(config, checked)
    try:
        prepare_content(services.content, config, lambda line: print(line, flush=True))
    except BaseException:
        services.close()
        raise
    return services


def _sync_configured(config: Config) -> bool:
    return bool(config.settings.sync.source and config.settings.sync.in_app)


def _nightly_sync(
    config: Config, services: Services, on_synced: Callable[[], None], start: bool = True
) -> SyncScheduler | None:
    """The in-app nightly sync, started unless `start` is false, when a feed source is configured."""
    if not _sync_configured(config):
        return None
    from kiosk.sync import request_from_config, sync_now

    request = request_from_config(config, trigger="schedule")

    def sync() -> None:
        report = sync_now(config, services.content, services.state, request, status=services.sync_status)
        if report.mode != "unchanged":
            on_synced()

    def last_success() -> datetime | None:
        from kiosk.state import as_local

        run = services.state.last_successful_sync()
        if run is None or services.content.feed_sequence() is None:
            return None  # a cache made anew (or never synced) is filled at once, not at the next night
        return as_local(run.started_at)

    scheduler = SyncScheduler(
        sync,
        last_success,
        at=parse_time(config.settings.sync.time),
        jitter_minutes=int(config.settings.sync.jitter_minutes),
        seed=config.settings.room.name,
    )
    if start:
        scheduler.start()
    return scheduler


def _prepare_kivy(config: Config, size: tuple[int, int]) -> None:
    """Kivy reads these before its window opens: its files in KIOSK_HOME, its hands off our argv."""
    os.environ.setdefault("KIVY_HOME", str(config.home / "kivy"))
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    from kivy.config import Config as KivyConfig

    KivyConfig.set("graphics", "width", str(size[0]))
    KivyConfig.set("graphics", "height", str(size[1]))
    KivyConfig.set("graphics", "fullscreen", "auto" if config.settings.display.fullscreen else "0")
    KivyConfig.set("kivy", "exit_on_escape", "0")  # a visitor's Esc key must not close the kiosk


def _report_peak_memory() -> None:
    """The process's own peak (VmHWM): getrusage would also count a parent's pages shared before exec."""
    try:
        status = Path("/proc/self/status").read_text().splitlines()
        line = next(entry for entry in status if entry.startswith("VmHWM:"))
        peak_mib = int(line.split()[1]) / 1024
    except (OSError, StopIteration, ValueError):
        import resource

        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS) {peak_mib:.0f} MiB")


def cmd_demo_content(args: argparse.Namespace, config: Config) -> int:
    """Add the seed report and N generated items to the content cache."""
    content = open_content(config)
    try:
        written = content.load_demo(args.count, args.seed)
        print(f"{written} items written; the cache holds {content.item_count()} items")
    finally:
        content.close()
    return 0


def _hit_json(hit: ItemSummary, snippet: Snippet | None = None) -> dict[str, object]:
    found: dict[str, object] = {
        "index_no": hit.index_no,
        "title": hit.title,
        "doc_no": hit.doc_no,
        "publisher": hit.publisher,
        "published_on": hit.published_on.isoformat(),
        "column": hit.column,
        "validity": hit.validity,
    }
    if snippet is not None:
        found |= {"title_marks": snippet.title_marks, "snippet": snippet.text, "snippet_marks": snippet.marks}
    return found


def _result_json(result: SearchResult) -> dict[str, object]:
    snippets = result.snippets or (None,) * len(result.hits)
    found: dict[str, object] = {
        "query": result.query,
        "total": result.total,
        "more": result.more,
        "hits": [_hit_json(h, s) for h, s in zip(result.hits, snippets, strict=True)],
        "suggestions": list(result.suggestions),
        "browse": result.browse,
    }
    if result.facets:
        found["facets"] = {
            name: [
                {"value": f.value, "label": f.label, "count": f.count} | ({"level": f.level} if f.level else {})
                for f in values
            ]
            for name, values in result.facets.items()
        }
    return found


def cmd_search(args: argparse.Namespace, config: Config) -> int:
    """Search the content cache as the kiosk does; with --stdin, one query per line, one JSON line each."""
    if args.stdin == (args.query is not None):
        print(
            "kiosk search: error: give a query, or --stdin to read one query per line (see kiosk search --help)",
            file=sys.stderr,
        )
        return 2
    filters = Filters(args.column, args.publisher, args.year, args.genre, args.validity)
    content = open_content(config)
    try:
        if args.stdin:
            for line in sys.stdin:
                start = time.perf_counter()
                result = content.search(
                    line.rstrip("\n"), args.limit, filters=filters, sort=args.sort, facets=args.facets
                )
                took = (time.perf_counter() - start) * 1000
                print(json.dumps(_result_json(result) | {"took_ms": round(took, 3)}, ensure_ascii=False), flush=True)
            return 0
        result = content.search(args.query, args.limit, filters=filters, sort=args.sort, facets=args.facets)
        explained = (
            content.explain(result.query, [hit.index_no for hit in result.hits], result.widened) if args.explain else []
        )
    finally:
        content.close()
    if args.json:
        print(json.dumps(_result_json(result), ensure_ascii=False))
        return 0
    found_as = f" (searched as {result.query!r})" if result.respelt_from else ""
    part = ", holding part of the words" if result.partial else ""
    print(f"{result.total}{'+' if result.more else ''} items match {args.query!r}{found_as}{part}")
    if explained:
        print(explained[0])
    for i, hit in enumerate(result.hits, 1):
        print(f"{hit.published_on}  {hit.index_no}  {hit.title}  ({hit.doc_no or '-'}, {hit.publisher})")
        if i < len(explained):
            print(f"    {explained[i].split('  ', 1)[1]}")
    if result.suggestions:
        print("try: " + " | ".join(result.suggestions))
    for name, values in result.facets.items():
        print(f"{name}: " + ", ".join(f"{f.label} {f.count}" for f in values[:10]))
    return 0


def cmd_sync(args: argparse.Namespace, config: Config) -> int:
    """Bring the content cache up to the publisher's signed feed, or show the last runs."""
    from kiosk.sync import request_from_config, settle_interrupted, sync_now

    state = open_state(config)
    try:
        if args.status:
            settle_interrupted(config.home, state)  # a run a kill left "running" is shown as interrupted
            _print_sync_runs(state)
            return 0
        request = request_from_config(config, source=args.source, trust=args.trust, full=args.full)
        content = open_content(config, full_check=args.full)
        try:
            progress = TerminalProgress() if sys.stderr.isatty() else None
            report = sync_now(config, content, state, request, progress=progress)
        finally:
            content.close()
    finally:
        state.close()
    if report.mode == "unchanged":
        print(f"already up to date at sequence {report.sequence_after} ({report.source})")
    else:
        print(
            f"{report.mode} applied: sequence {report.sequence_before} → {report.sequence_after}, "
            f"{report.added} added, {report.updated} updated, {report.withdrawn} withdrawn, "
            f"{report.bytes_read:,} bytes read from {report.source}"
        )
    return 0


class TerminalProgress:
    """A one-line progress bar on stderr."""

    def __call__(self, progress: SyncProgress) -> None:
        width = 30
        filled = width * progress.done // max(progress.total, 1)
        bar = "#" * filled + "-" * (width - filled)
        end = "\n" if progress.phase == "done" else ""
        print(f"\r{progress.phase:<12} [{bar}] {progress.done}/{progress.total}", end=end, file=sys.stderr)


def _print_sync_runs(state: StateStore) -> None:
    from kiosk.state import as_local

    runs = state.sync_runs(10)
    if not runs:
        print("no sync has run yet")
    for run in runs:
        change = f"{run.sequence_before} → {run.sequence_after}" if run.sequence_after is not None else "-"
        counts = f"+{run.added} ~{run.updated} -{run.withdrawn}, {run.bytes:,} bytes"
        line = (
            f"{as_local(run.started_at):%Y-%m-%d %H:%M:%S}  {run.outcome:<9} {run.mode or '-':<9} {change:<10} {counts}"
        )
        print(f"{line}  {run.source}" + (f"  ({run.error})" if run.error else ""))


def cmd_publish(args: argparse.Namespace, config: Config) -> int:
    """Build or update the signed feed in OUT from the publisher's folder SRC."""
    from content_cache.feed import publish

    result = publish(args.src, args.out, args.key)
    print(result.summary())
    return 0


def cmd_keygen(args: argparse.Namespace, config: Config) -> int:
    """Make a publisher key pair: DIR/publisher.key (keep it secret) and DIR/publisher.pub."""
    from content_cache.feed import generate_keypair, key_id, load_public_key

    private, public = generate_keypair(args.dir)
    print(f"private key {private} (keep it secret)\npublic key  {public} (key ID {key_id(load_public_key(public))})")
    return 0


def cmd_export(args: argparse.Namespace, config: Config) -> int:
    """Write the cached items in the publisher's input format, so a cache can seed a publisher."""
    from content_cache.feed import export_cache

    content = open_content(config)
    try:
        count = export_cache(content, args.dir, config.home / "attachments")
    finally:
        content.close()
    print(f"{count} items exported to {args.dir}")
    return 0


def cmd_synonyms(args: argparse.Namespace, config: Config) -> int:
    """Print the synonym groups search uses here (formal term first) under a heading for where they come from
    (built in, built in and extended by the publisher's list, the publisher's), then the counts and the words a
    query leaves out. The output is itself a valid synonyms.tsv."""
    content = open_content(config)
    try:
        vocabulary = content.vocabulary()
        stored = content.publisher_synonyms()
    finally:
        content.close()
    origins = vocabulary.origins or ("built-in",) * len(vocabulary.groups)
    where = "" if stored is None else f"list version {stored.version}, feed sequence {stored.sequence}"
    headings = {
        "built-in": "built in",
        "built-in + publisher": "built in, extended by the publisher",
        "publisher": "publisher",
    }
    counts = []
    for origin, heading in headings.items():
        groups = [group for group, o in zip(vocabulary.groups, origins, strict=True) if o == origin]
        if groups or origin == "built-in":
            print(f"# {heading}{', ' + where if origin != 'built-in' else ''}: {_groups(len(groups))}")
            for group in groups:
                print("\t".join(group))
        counts.append(f"{len(groups)} {heading}")
    words = "words a query leaves out: " + " ".join(sorted(vocabulary.query_words))
    if stored is None:
        print(f"# {len(vocabulary.groups)} groups (built in), no publisher list; {words}")
    else:
        print(f"# {_groups(len(vocabulary.groups))}: {', '.join(counts)} (publisher {where}); {words}")
    return 0


def _groups(count: int) -> str:
    return f"{count} group" if count == 1 else f"{count} groups"


def cmd_config(args: argparse.Namespace, config: Config) -> int:
    """Print the effective settings, where each came from and what each allows; exit 1 if any value is refused."""
    print(describe(config))
    for problem in config.problems:
        print(f"kiosk: error: {problem}", file=sys.stderr)
    return 1 if config.problems else 0


def cmd_doctor(args: argparse.Namespace, config: Config) -> int:
    """Check the settings, both stores, the feed, the printers and the disk; say what is wrong and what to do.
    Exit 1 when something is wrong. --repair first repairs what is safe to repair."""
    from kiosk.doctor import run_doctor

    return run_doctor(config, repair=args.repair)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kiosk", description="Reading-room disclosure kiosk (政府信息查阅场所).")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    run = sub.add_parser("run", help="open the kiosk", description=cmd_run.__doc__)
    run.add_argument("--landscape", action="store_true", help="swap width and height (1920x1080)")
    run.add_argument("--screenshots", type=Path, help="write a screenshot of every screen shown into DIR")
    run.add_argument(
        "--exit-after-first-frame",
        action="store_true",
        help="quit once Home is drawn; print the start-up time and peak memory",
    )
    run.set_defaults(func=cmd_run)

    demo = sub.add_parser("demo-content", help="add demo items", description=cmd_demo_content.__doc__)
    demo.add_argument("--count", type=int, default=1000, help="generated items to add (default 1000)")
    demo.add_argument("--seed", type=int, default=1, help="same seed, same items (default 1)")
    demo.set_defaults(func=cmd_demo_content)

    search = sub.add_parser("search", help="search the cached content", description=cmd_search.__doc__)
    search.add_argument("query", nargs="?", help="characters, 文号, 索引号, publisher, or pinyin (full or initials)")
    search.add_argument("--json", action="store_true", help="print one JSON object")
    search.add_argument(
        "--stdin", action="store_true", help="read one query per line, print one JSON line each, with took_ms"
    )
    search.add_argument("--limit", type=int, default=20, help="hits to return (default 20)")
    search.add_argument("--column", help="only this column code and its sub-columns")
    search.add_argument("--publisher", help="only this publisher code")
    search.add_argument("--year", type=int, help="only items published in this year")
    search.add_argument("--genre", help="only this 体裁")
    search.add_argument("--validity", choices=("valid", "amended", "abolished", "expired"), help="only this validity")
    search.add_argument(
        "--sort", choices=("relevance", "date"), default="relevance", help="best first (default) or newest first"
    )
    search.add_argument(
        "--facets", action="store_true", help="add counts per column, publisher, year, 体裁 and validity"
    )
    search.add_argument("--explain", action="store_true", help="show the words searched and why each hit ranks there")
    search.set_defaults(func=cmd_search)

    add_print_parsers(sub)
    add_backup_parsers(sub)
    add_stats_parsers(sub)

    sync = sub.add_parser("sync", help="update the content from the signed feed", description=cmd_sync.__doc__)
    sync.add_argument("--source", help="a feed URL, folder or .zip bundle (default: sync.source)")
    sync.add_argument(
        "--trust", type=Path, metavar="PUBKEYFILE", help="trust this public key (default: sync.trusted_keys)"
    )
    sync.add_argument("--full", action="store_true", help="take the full snapshot even when a delta would do")
    sync.add_argument("--status", action="store_true", help="show the last sync runs and exit")
    sync.set_defaults(func=cmd_sync)

    pub = sub.add_parser("publish", help="build the signed feed (publisher)", description=cmd_publish.__doc__)
    pub.add_argument(
        "src",
        type=Path,
        metavar="SRC",
        help="folder with publishers.jsonl, columns.jsonl, items.jsonl (and synonyms.tsv, if any)",
    )
    pub.add_argument("out", type=Path, metavar="OUT", help="feed folder to create or update")
    pub.add_argument("--key", type=Path, required=True, metavar="KEYFILE", help="the publisher's private key")
    pub.set_defaults(func=cmd_publish)

    keygen = sub.add_parser("keygen", help="make a publisher key pair", description=cmd_keygen.__doc__)
    keygen.add_argument("dir", type=Path, metavar="DIR", help="folder for publisher.key and publisher.pub")
    keygen.set_defaults(func=cmd_keygen)

    export = sub.add_parser("export", help="export the cache as publisher input", description=cmd_export.__doc__)
    export.add_argument("dir", type=Path, metavar="DIR", help="folder to write")
    export.set_defaults(func=cmd_export)

    synonyms = sub.add_parser("synonyms", help="show the synonym list search uses", description=cmd_synonyms.__doc__)
    synonyms.set_defaults(func=cmd_synonyms)

    cfg = sub.add_parser("config", help="show the effective settings", description=cmd_config.__doc__)
    cfg.set_defaults(func=cmd_config)

    doctor = sub.add_parser(
        "doctor", help="check the stores, feed, printers, disk, settings", description=cmd_doctor.__doc__
    )
    doctor.add_argument("--repair", action="store_true", help="repair what is safe to repair, then check again")
    doctor.set_defaults(func=cmd_doctor)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `kiosk` command: one line on stderr for any failure, never a traceback (that goes to
    the log)."""
    args = build_parser().parse_args(argv)
    try:
        with _printable_output():
            return _run(args)
    except BrokenPipeError:  # the reader went away (`kiosk jobs list | head`): nothing more to say, to no one
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # Python's own flush at exit must not fail on the pipe again
        return 1


def _run(args: argparse.Namespace) -> int:
    logging.lastResort = None  # before the log file is set up, a logged traceback must not reach stderr either
    logged = False
    try:
        config = load_config(strict=args.command not in ("config", "doctor"))  # these two show what is refused
        setup_logging(config)
        logged = True
        return int(args.func(args, config))
    except (KioskError, ContentError, PrintError) as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return _fail("interrupted")
    except BrokenPipeError:
        raise  # main() ends quietly: the reader of the output is gone
    except Exception as exc:
        log.exception("kiosk %s failed", args.command)
        where = "; the details are in the kiosk's log (KIOSK_HOME/logs/kiosk.log)" if logged else ""
        if isinstance(exc, OSError) or is_database_error(exc):
            return _fail(f"{type(exc).__name__}: {exc}".splitlines()[0] + where)
        return _fail(
            f"unexpected {type(exc).__name__} in `kiosk {args.command}`: {str(exc)[:200]}".splitlines()[0] + where
        )


def _fail(message: str) -> int:
    print(f"kiosk: error: {message}", file=sys.stderr)
    return 1


def printable(text: str) -> str:
    """Text safe to write to a terminal: control, zero-width and direction characters escaped (a feed title or a
    file name written raw could move the cursor, recolour the terminal or hide what follows); lines stay."""
    return safe_for_terminal(text, keep_lines=True)


class _PrintableStream:
    """A text stream that writes what it is given through `printable`; anything else goes to the stream beneath."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(printable(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def _printable_output() -> Iterator[None]:
    """Everything the command writes to stdout and stderr goes through `printable`, whoever writes it."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _PrintableStream(out), _PrintableStream(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


if __name__ == "__main__":
    sys.exit(main())
