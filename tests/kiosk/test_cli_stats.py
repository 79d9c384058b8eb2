"""`kiosk stats` on real stores in a temporary KIOSK_HOME: periods, the four formats, refused input, merges."""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from content_cache import store
from kiosk import cli, usage
from kiosk.bootstrap import open_content, open_state
from kiosk.config import load_config
from kiosk.report import export, load_export, report_from
from kiosk.usage import Event

KIOSK_A, KIOSK_B = "查阅终端1", "终端2"  # the default kiosk name, and the second kiosk's


@pytest.fixture(autouse=True)
def _log_file_closed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """main() sets up the log file in KIOSK_HOME and clears logging's last resort: both undone after each test."""
    monkeypatch.setattr(logging, "lastResort", logging.lastResort)
    yield
    root = logging.getLogger()
    for handler in [h for h in root.handlers if hasattr(h, "baseFilename")]:
        root.removeHandler(handler)
        handler.close()


# -- helpers ---------------------------------------------------------------------------------------------


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A local wall-clock time as the stored (aware) moment."""
    return datetime(year, month, day, hour, minute).astimezone()


def record(*events: Event) -> None:
    """Store events in the state store of KIOSK_HOME, opened as the CLI opens it."""
    state = open_state(load_config())
    try:
        with state.begin() as session:
            usage.add_events(session, list(events))
    finally:
        state.close()


def record_zero_queries(query: str, *days: date) -> None:
    """One visit a day asked `query` and found nothing."""
    state = open_state(load_config())
    try:
        with state.begin() as session:
            for day in days:
                usage.count_zero_query(session, query, datetime(day.year, day.month, day.day, 11).astimezone())
    finally:
        state.close()


def a_visit(token: str, moment: datetime, reads: int = 1) -> list[Event]:
    """A visit that searched, read `reads` documents and left."""
    return [
        Event("visit", token, at=moment),
        Event("search", token, "text", at=moment + timedelta(minutes=1)),
        *(Event("read", token, index_no=f"A/{n}", amount=60, at=moment + timedelta(minutes=2)) for n in range(reads)),
        Event("visit_end", token, "end", amount=300, at=moment + timedelta(minutes=5)),
    ]


def fill_content(items: int, sequence: int) -> None:
    """The content cache of KIOSK_HOME: the demo catalogue of `items` (and the seed report), at a feed sequence."""
    content = open_content(load_config())
    try:
        content.load_demo(items, seed=3)
        with content.transaction() as session:
            store.set_meta(session, store.FEED_SEQUENCE, str(sequence))
    finally:
        content.close()


def stats(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`kiosk stats ARGS` in this process: (exit code, stdout, stderr); argparse's exit is a code too."""
    try:
        code = cli.main(["stats", *args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def figure(table: str, item: str) -> int:
    """The count of one item of the table (`kiosk stats`' default format)."""
    for line in table.splitlines():
        fields = [field.strip() for field in line.split("\t")]
        if len(fields) >= 3 and fields[1] == item:
            return int(fields[2])
    raise AssertionError(f"no {item} in the table")


def exported(capsys: pytest.CaptureFixture[str], path: Path, *period: str) -> dict[str, Any]:
    """`kiosk stats PERIOD --format json --output PATH`, read back."""
    code, _out, err = stats(capsys, *period, "--format", "json", "--output", str(path))
    assert code == 0, err
    return load_export(path)


def merged(capsys: pytest.CaptureFixture[str], *paths: Path) -> dict[str, Any]:
    """The figures of `kiosk stats --merge PATHS --format json`."""
    code, out, err = stats(capsys, "--merge", *map(str, paths), "--format", "json")
    assert code == 0, err
    figures: dict[str, Any] = json.loads(out)["figures"]
    return figures


def one_line(err: str) -> str:
    """The single line of an error on stderr, never a traceback."""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


# -- kiosk A: four visits in 2026, one on New Year's Eve before -----------------------------------------


@pytest.fixture
def kiosk_a(kiosk_home: Path) -> Path:
    record(
        *a_visit("v0", at(2025, 12, 31, 23, 30)),
        *a_visit("v1", at(2026, 3, 2, 10), reads=3),
        *a_visit("v2", at(2026, 5, 4, 14)),
        *a_visit("v3", at(2026, 5, 20, 9)),
        *a_visit("v4", at(2026, 11, 10, 16), reads=2),
    )
    return kiosk_home


def test_year_prints_the_table_with_the_visits_of_that_year(kiosk_a: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = stats(capsys, "--year", "2026")
    assert (code, err) == (0, "")
    assert "查阅场所统计 2026-01-01 至 2026-12-31" in out and f"终端：{KIOSK_A}" in out
    assert figure(out, "来访人次") == 4 and figure(out, "阅读文件次数") == 7 and figure(out, "检索次数") == 4
    assert [figure(out, f"2026-{month:02d}") for month in (3, 5, 11)] == [1, 2, 1]


def test_from_and_to_limit_the_period(kiosk_a: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = stats(capsys, "--from", "2026-05-01", "--to", "2026-05-31")
    assert code == 0 and "2026-05-01 至 2026-05-31" in out
    assert figure(out, "来访人次") == 2 and figure(out, "阅读文件次数") == 2
    code, out, _err = stats(capsys, "--from", "2025-12-31", "--to", "2026-03-02")
    assert code == 0 and figure(out, "来访人次") == 2  # the days at both ends count


def test_csv_has_a_header_and_a_row_per_figure(kiosk_a: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = stats(capsys, "--year", "2026", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[0] == ["部分", "项目", "数量", "占比"]
    assert ["使用", "来访人次", "4", ""] in rows and ["各月来访", "2026-05", "2", ""] in rows
    assert all(len(row) == 4 for row in rows) and len(rows) > 50


def test_json_round_trips_through_load_export_and_report_from(
    kiosk_a: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    found = exported(capsys, kiosk_a / "A.json", "--year", "2026")
    report = report_from(found["figures"])
    assert report.usage.visits == 4 and report.kiosks == (KIOSK_A,)
    assert (report.start, report.end) == (date(2026, 1, 1), date(2026, 12, 31))
    again = json.loads(json.dumps(export(report, [], [])["figures"], ensure_ascii=False))
    assert again == found["figures"]
    visits = [row for row in found["totals"][KIOSK_A] if row[2] == "visit"]
    assert sum(row[5] for row in visits) == 4 and all(row[0].startswith("2026-") for row in visits)


def test_pdf_goes_to_the_output_file(kiosk_a: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = stats(capsys, "--year", "2026", "--format", "pdf", "--output", str(kiosk_a / "figures.pdf"))
    assert (code, out, err) == (0, "", "")
    assert (kiosk_a / "figures.pdf").read_bytes().startswith(b"%PDF")
    assert not (kiosk_a / "figures.pdf.part").exists()


@pytest.mark.slow  # a separate process: stdout is a pipe, not a terminal
def test_pdf_without_output_goes_to_a_stdout_that_is_not_a_terminal(kiosk_a: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")} | {"KIOSK_HOME": str(kiosk_a)}
    done = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "stats", "--year", "2026", "--format", "pdf"],
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(b"%PDF") and done.stdout.rstrip().endswith(b"%%EOF")


def test_a_year_without_events_is_all_zeros(kiosk_a: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = stats(capsys, "--year", "2024")
    assert code == 0 and figure(out, "来访人次") == figure(out, "检索次数") == figure(out, "阅读文件次数") == 0
    code, out, _err = stats(capsys, "--year", "2024", "--format", "json")
    usage_figures = json.loads(out)["figures"]["usage"]
    assert code == 0 and usage_figures["visits"] == usage_figures["reads"] == 0
    assert [count for _month, count in usage_figures["visits_by_month"]] == [0] * 12


# -- refused input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--year", "1999"], "argument --year: '1999' is not a year from 2000 to 2100"),
        (["--year", "abc"], "argument --year: 'abc' is not a year from 2000 to 2100"),
        (["--from", "2026-13-01"], "argument --from: '2026-13-01' is not a date as YYYY-MM-DD"),
        (["--from", "2026-05-01", "--to", "2026-04-01"], "--from is after --to"),
        (["--year", "2026", "--from", "2026-01-01"], "give --year, or --from/--to, not both"),
    ],
)
def test_a_bad_period_is_one_line_and_exit_2(
    kiosk_a: Path, capsys: pytest.CaptureFixture[str], args: list[str], says: str
) -> None:
    code, out, err = stats(capsys, *args)
    line = one_line(err)
    assert (code, out) == (2, "")
    assert line.startswith("kiosk stats: error: ") and says in line


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "not a readable export"),  # no such file
        (b"figures of 2026: 4 visits\n", "not a readable export"),
        (b"\xff\xfe not UTF-8", "not a readable export"),
        (b'{"visits": 4}', "not an export of `kiosk stats --format json`"),
        (b"[1, 2, 3]", "not an export of `kiosk stats --format json`"),
        (b'{"format": "reading-room-kiosk-stats/1", "figures": {}}', "the export has no 'totals'"),
    ],
)
def test_merging_what_is_not_an_export_is_one_line_naming_the_file_and_exit_1(
    kiosk_home: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, says: str
) -> None:
    path = kiosk_home / "given.json"
    if content is not None:
        path.write_bytes(content)
    code, out, err = stats(capsys, "--merge", str(path))
    line = one_line(err)
    assert (code, out) == (1, "")
    assert line.startswith("kiosk: error: ") and str(path) in line and says in line


@pytest.fixture
def export_a(kiosk_a: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    return exported(capsys, kiosk_a / "A.json", "--year", "2026")


def with_totals(found: dict[str, Any], rows: list[list[Any]], path: Path) -> Path:
    """A copy of an export whose daily totals are `rows`."""
    path.write_text(json.dumps(found | {"totals": {KIOSK_A: rows}}, ensure_ascii=False), "utf-8")
    return path


BAD_ROWS = {
    "too short": ["2026-03-02", 10, "visit", "", ""],
    "too long": ["2026-03-02", 10, "visit", "", "", 1, 0, 0],
    "a string for the count": ["2026-03-02", 10, "visit", "", "", "1", 0],
    "a string for the amount": ["2026-03-02", 10, "visit", "", "", 1, "0"],
    "a string for the hour": ["2026-03-02", "10", "visit", "", "", 1, 0],
    "a fraction for the count": ["2026-03-02", 10, "visit", "", "", 1.5, 0],
    "true for the count": ["2026-03-02", 10, "visit", "", "", True, 0],
    "null for the count": ["2026-03-02", 10, "visit", "", "", None, 0],
    "no such day": ["2026-02-30", 10, "visit", "", "", 1, 0],
    "not a date": ["March 2", 10, "visit", "", "", 1, 0],
    "count -5": ["2026-03-02", 10, "visit", "", "", -5, 0],
    "amount -60": ["2026-03-02", 10, "read", "", "A/1", 1, -60],
    "hour -7": ["2026-03-02", -7, "visit", "", "", 1, 0],
    # -1 is the hour of kinds not kept by hour; a count or an amount is never below 0
    "count -1": ["2026-03-02", 10, "visit", "", "", -1, 0],
    "amount -1": ["2026-03-02", 10, "read", "", "A/1", 1, -1],
    "not a list": "2026-03-02",
}


@pytest.mark.parametrize("row", list(BAD_ROWS.values()), ids=list(BAD_ROWS))
def test_merging_an_export_with_malformed_daily_totals_is_one_line_and_exit_1(
    export_a: dict[str, Any], kiosk_a: Path, capsys: pytest.CaptureFixture[str], row: Any
) -> None:
    path = with_totals(export_a, [["2026-03-03", 9, "visit", "", "", 2, 0], row], kiosk_a / "bad.json")
    code, out, err = stats(capsys, "--merge", str(path), "--format", "csv")
    assert (code, out) == (1, ""), f"exit {code}, merged as {[line for line in out.splitlines() if '来访人次' in line]}"
    assert one_line(err).startswith("kiosk: error: ") and "bad.json: not an export" in one_line(err)


def test_the_message_about_malformed_daily_totals_names_the_export(
    export_a: dict[str, Any], kiosk_a: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = with_totals(export_a, [["2026-03-02", 10, "visit", "", ""]], kiosk_a / "kiosk-7.json")
    code, _out, err = stats(capsys, "--merge", str(kiosk_a / "A.json"), str(bad))
    assert code == 1 and "kiosk-7.json" in one_line(err)


# -- merges ----------------------------------------------------------------------------------------------


def test_merge_counts_every_kiosk_day_once_and_takes_the_newest_catalogue(
    kiosk_a: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fill_content(10, sequence=3)
    a = exported(capsys, tmp_path / "A.json", "--year", "2026")
    exported(capsys, tmp_path / "A_part.json", "--from", "2026-05-01", "--to", "2026-11-30")
    monkeypatch.setenv("KIOSK_HOME", str(tmp_path / "kiosk-b"))
    monkeypatch.setenv("KIOSK_ROOM_NAME", KIOSK_B)
    record(*a_visit("w1", at(2026, 5, 4, 15), reads=2), *a_visit("w2", at(2026, 5, 4, 15, 30)))
    record(*a_visit("w3", at(2026, 12, 1, 11)))
    fill_content(25, sequence=7)
    b = exported(capsys, tmp_path / "B.json", "--year", "2026")
    assert (a["figures"]["usage"]["visits"], b["figures"]["usage"]["visits"]) == (4, 3)
    paths = [tmp_path / name for name in ("A.json", "A.json", "A_part.json", "B.json")]
    figures = merged(capsys, *paths)
    assert figures["usage"]["visits"] == 7 and figures["usage"]["reads"] == 7 + 4
    assert figures["usage"]["visits_by_month"][4] == ["2026-05", 4]
    assert figures["kiosks"] == [KIOSK_A, KIOSK_B] and (figures["start"], figures["end"]) == (
        "2026-01-01",
        "2026-12-31",
    )
    assert figures["content_sequence"] == 7 and figures["catalogue"] == b["figures"]["catalogue"]
    assert figures["catalogue"]["total"] == 26 != a["figures"]["catalogue"]["total"]
    assert merged(capsys, *reversed(paths)) | {"made_at": ""} == figures | {"made_at": ""}


def test_merge_of_a_newer_export_given_before_an_older_one_counts_the_newer(
    kiosk_a: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a kiosk's totals only grow: of two exports of the same day the larger counts, whatever their order
    old = exported(capsys, kiosk_a / "old.json", "--year", "2026")
    old["figures"]["made_at"] = "2026-05-21T09:00:00+08:00"  # exported in May; the second export comes later
    (kiosk_a / "old.json").write_text(json.dumps(old, ensure_ascii=False), "utf-8")
    record(*a_visit("v5", at(2026, 5, 20, 9, 40)))  # the same day and hour as v3: the same daily-total key
    exported(capsys, kiosk_a / "new.json", "--year", "2026")
    assert merged(capsys, kiosk_a / "old.json", kiosk_a / "new.json")["usage"]["visits"] == 5
    assert merged(capsys, kiosk_a / "new.json", kiosk_a / "old.json")["usage"]["visits"] == 5


def test_merge_of_a_period_and_a_part_of_it_keeps_the_zero_hit_queries_of_the_whole(
    kiosk_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # an export of a part of the period never lowers the whole's count
    today = date.today()
    record_zero_queries("公租房", *(today - timedelta(days=n) for n in (40, 39, 38, 5, 4, 3)))
    whole, part = kiosk_home / "whole.json", kiosk_home / "part.json"
    period = ["--from", (today - timedelta(days=60)).isoformat(), "--to", today.isoformat()]
    assert exported(capsys, whole, *period)["figures"]["usage"]["zero_queries"] == [["公租房", 6]]
    recent = exported(capsys, part, "--from", (today - timedelta(days=10)).isoformat(), "--to", today.isoformat())
    assert recent["figures"]["usage"]["zero_queries"] == [["公租房", 3]]
    assert merged(capsys, whole, part)["usage"]["zero_queries"] == [["公租房", 6]]
