"""`kiosk stats`: the room's figures for a period as a table, JSON, CSV or an A4 PDF; `--merge` joins exports."""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from kiosk.config import Config

FORMATS = ("table", "json", "csv", "pdf")


def day(text: str) -> date:
    """An argparse type: a date as YYYY-MM-DD."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip(), re.ASCII):
            return date.fromisoformat(text.strip())
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"{text!r} is not a date as YYYY-MM-DD (such as 2026-01-31)")


def year(text: str) -> int:
    """An argparse type: a year from 2000 to 2100."""
    value = int(text) if re.fullmatch(r"\s*\d{4}\s*", text, re.ASCII) else 0
    if not 2000 <= value <= 2100:
        raise argparse.ArgumentTypeError(f"{text!r} is not a year from 2000 to 2100")
    return value


def period(args: argparse.Namespace, today: date | None = None) -> tuple[date, date] | None:
    """The period asked for: --year, or --from/--to (each defaulting to the year so far); None when the
    period is upside down."""
    today = today or date.today()
    if args.year is not None:
        return date(args.year, 1, 1), date(args.year, 12, 31)
    start = args.start or (args.end.replace(month=1, day=1) if args.end else today.replace(month=1, day=1))
    end = args.end or max(today, start)
    return (start, end) if start <= end else None


def cmd_stats(args: argparse.Namespace, config: Config) -> int:
    """The room's figures for a period: visits, searches, reading, printing, ratings and the catalogue."""
    if args.year is not None and (args.start or args.end):
        return _usage("give --year, or --from/--to, not both")
    asked = period(args)
    if asked is None:
        return _usage("--from is after --to")
    if args.format == "pdf" and args.output is None and sys.stdout.isatty():
        return _usage("a PDF goes to a file: add --output FILE.pdf")
    if args.merge:
        from kiosk.report import merge

        report = merge(
            args.merge, asked[0] if (args.year or args.start) else None, asked[1] if (args.year or args.end) else None
        )
        exported: dict[str, Any] | None = None
    else:
        report, exported = _own(config, *asked, exported=args.format == "json")
    _write(args, _render(args.format, report, exported))
    return 0


def _own(config: Config, start: date, end: date, exported: bool) -> tuple[Any, dict[str, Any]]:
    from kiosk.bootstrap import open_content, open_state
    from kiosk.report import make_report

    state = open_state(config)
    content = open_content(config)
    try:
        s = config.settings
        return make_report(
            state,
            content,
            start,
            end,
            room=s.room.place,
            kiosk=s.room.name,
            keep_days=s.state.usage_days,
            exported=exported,
        )
    finally:
        content.close()
        state.close()


def _render(form: str, report: Any, exported: dict[str, Any] | None) -> str | bytes:
    from kiosk import report as reports

    if form == "json":
        data = exported if exported is not None else reports.export(report, [], report.usage.zero_queries)
        if exported is None:
            data["totals"], data["zero_queries"] = {}, {}
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
    if form == "csv":
        from kiosk.stats import as_csv

        return as_csv(reports.lines(report))
    if form == "pdf":
        from kiosk.stats_pdf import render_report_pdf

        return render_report_pdf(report)
    return reports.table(report)


def _write(args: argparse.Namespace, output: str | bytes) -> None:
    raw = output.encode("utf-8") if isinstance(output, str) else output
    if args.output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(raw)
        return
    temp = args.output.with_name(args.output.name + ".part")
    temp.write_bytes(raw)
    temp.replace(args.output)


def _usage(message: str) -> int:
    print(f"kiosk stats: error: {message} (see kiosk stats --help)", file=sys.stderr)
    return 2


def add_parsers(sub: Any) -> None:
    stats = sub.add_parser("stats", help="the room's figures for the annual report", description=cmd_stats.__doc__)
    stats.add_argument("--year", type=year, help="a calendar year, such as 2026")
    stats.add_argument("--from", dest="start", type=day, help="first day, YYYY-MM-DD (default: 1 January)")
    stats.add_argument("--to", dest="end", type=day, help="last day, YYYY-MM-DD (default: today)")
    stats.add_argument("--format", choices=FORMATS, default="table", help="table (default), json, csv or pdf")
    stats.add_argument("--output", type=Path, help="write to this file (a PDF needs one on a terminal)")
    stats.add_argument(
        "--merge",
        nargs="+",
        type=Path,
        metavar="EXPORT.json",
        help="merge the JSON exports of several kiosks instead of this kiosk's own figures",
    )
    stats.set_defaults(func=cmd_stats)


def last_days(days: int, today: date | None = None) -> tuple[date, date]:
    """The last `days` days up to today."""
    end = today or date.today()
    return end - timedelta(days=days - 1), end
