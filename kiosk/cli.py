"""`kiosk …`: the operator's commands. Each failure is one line on stderr and a non-zero exit."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from sqlalchemy.exc import SQLAlchemyError

from content_cache import ContentError
from content_cache.records import ItemSummary
from kiosk.bootstrap import build_services, ensure_content, open_content, setup_logging
from kiosk.config import Config, describe, load_config
from kiosk.errors import KioskError
from printing import PrintError



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
    content = open_content(config)
    if not content.item_count():
        print(f"The content cache is empty: loading the demo content ({int(config.number('content.demo_count'))} items)")
        ensure_content(content, config)
    content.close()
    size = (int(config.number("display.width")), int(config.number("display.height")))
    size = (size[1], size[0]) if args.landscape else size
    _prepare_kivy(config, size)
    from kiosk.app import KioskApp  # Kivy is imported only by `kiosk run`

    services = build_services(config)
    app = KioskApp(
        services,
        font_path=str(services.settings.font_path),
        idle_timeout=config.number("session.idle_timeout"),
        idle_warning=config.number("session.idle_warning"),
        window_size=size,
        screenshot_dir=shots,
        exit_after_first_frame=args.exit_after_first_frame,
        started_at=STARTED_AT,
    )
    try:
        app.run()
    finally:
        services.close()
    if args.exit_after_first_frame:
        _report_peak_memory()
    return 0


def _prepare_kivy(config: Config, size: tuple[int, int]) -> None:
    """Kivy reads these before its window opens: its files in KIOSK_HOME, its hands off our argv."""
    os.environ.setdefault("KIVY_HOME", str(config.home / "kivy"))
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    from kivy.config import Config as KivyConfig

    KivyConfig.set("graphics", "width", str(size[0]))
    KivyConfig.set("graphics", "height", str(size[1]))
    KivyConfig.set("graphics", "fullscreen", "auto" if config.get("display.fullscreen") else "0")
    KivyConfig.set("kivy", "exit_on_escape", "0")  # a visitor's Esc key must not close the kiosk


def _report_peak_memory() -> None:
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


def _hit_json(hit: ItemSummary) -> dict[str, object]:
    return {
        "index_no": hit.index_no,
        "title": hit.title,
        "doc_no": hit.doc_no,
        "publisher": hit.publisher,
        "published_on": hit.published_on.isoformat(),
        "column": hit.column,
    }


def cmd_search(args: argparse.Namespace, config: Config) -> int:
    """Search the content cache as the kiosk does."""
    content = open_content(config)
    try:
        result = content.search(args.query, args.limit)
    finally:
        content.close()
    if args.json:
        print(json.dumps({"total": result.total, "hits": [_hit_json(h) for h in result.hits]}, ensure_ascii=False))
        return 0
    print(f"{result.total} items match {args.query!r}")
    for hit in result.hits:
        print(f"{hit.published_on}  {hit.index_no}  {hit.title}  ({hit.doc_no or '-'}, {hit.publisher})")
    return 0


def cmd_print(args: argparse.Namespace, config: Config) -> int:
    """Print a copy of one item; prints where it was written."""
    services = build_services(config)
    try:
        outcome = services.print_item(args.index_no, args.to)
    finally:
        services.close()
    print(outcome.output)
    return 0


def cmd_config(args: argparse.Namespace, config: Config) -> int:
    """Print the effective settings and where each came from."""
    print(describe(config))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kiosk", description="Reading-room disclosure kiosk (政府信息查阅场所).")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    run = sub.add_parser("run", help="open the kiosk", description=cmd_run.__doc__)
    run.add_argument("--landscape", action="store_true", help="swap width and height (1920x1080)")
    run.add_argument("--screenshots", type=Path, help="write a screenshot of every screen shown into DIR")
    run.add_argument("--exit-after-first-frame", action="store_true",
                     help="quit once Home is drawn; print the start-up time and peak memory")
    run.set_defaults(func=cmd_run)

    demo = sub.add_parser("demo-content", help="add demo items", description=cmd_demo_content.__doc__)
    demo.add_argument("--count", type=int, default=1000, help="generated items to add (default 1000)")
    demo.add_argument("--seed", type=int, default=1, help="same seed, same items (default 1)")
    demo.set_defaults(func=cmd_demo_content)

    search = sub.add_parser("search", help="search the cached content", description=cmd_search.__doc__)
    search.add_argument("query", help="characters, 文号, 索引号, or pinyin (full or initials)")
    search.add_argument("--json", action="store_true", help="print one JSON object")
    search.add_argument("--limit", type=int, default=20, help="hits to return (default 20)")
    search.set_defaults(func=cmd_search)

    prt = sub.add_parser("print", help="print a copy of an item", description=cmd_print.__doc__)
    prt.add_argument("index_no", metavar="INDEX_NO", help="the item's 索引号")
    prt.add_argument("--to", choices=("a4", "receipt"), default="a4", help="A4 copy or receipt slip (default a4)")
    prt.set_defaults(func=cmd_print)

    cfg = sub.add_parser("config", help="show the effective settings", description=cmd_config.__doc__)
    cfg.set_defaults(func=cmd_config)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `kiosk` command."""
    args = build_parser().parse_args(argv)
    try:
        config = load_config()
        setup_logging(config)
        return int(args.func(args, config))
    except (KioskError, ContentError, PrintError) as exc:
        return _fail(str(exc))
    except (OSError, SQLAlchemyError) as exc:
        log.exception("kiosk %s failed", args.command)
        return _fail(f"{type(exc).__name__}: {exc}".splitlines()[0])
    except KeyboardInterrupt:
        return _fail("interrupted")


def _fail(message: str) -> int:
    print(f"kiosk: error: {message}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
