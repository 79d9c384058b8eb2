"""The CLI run as an operator runs it: a separate process, a temporary KIOSK_HOME."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # separate processes: `make test-fast` leaves these out

SEED_INDEX_NO = "003232741/2008-00001"


def kiosk(
    home: Path, *args: str, env: dict[str, str] | None = None, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")} | {"KIOSK_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", *args],
        env=clean | (env or {}),
        input=input,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("cli-home")
    done = kiosk(home, "demo-content", "--count", "60", "--seed", "2")
    assert done.returncode == 0, done.stderr
    assert "61 items written" in done.stdout
    return home


def test_search_json_has_the_documented_shape(home: Path) -> None:
    done = kiosk(home, "search", "czys", "--json", "--limit", "3")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["total"] >= len(result["hits"]) > 0
    assert set(result) == {"query", "total", "more", "hits", "suggestions", "browse"}
    assert set(result["hits"][0]) == {
        "index_no",
        "title",
        "doc_no",
        "publisher",
        "published_on",
        "column",
        "validity",
        "title_marks",
        "snippet",
        "snippet_marks",
    }
    assert all("财政预算" in hit["title"] for hit in result["hits"])


def test_search_stdin_answers_one_json_line_per_query(home: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")} | {"KIOSK_HOME": str(home)}
    queries = ["年度报告", "", '"*(NEAR', "czys", SEED_INDEX_NO]
    done = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "search", "--stdin", "--limit", "2", "--facets"],
        env=env,
        input="\n".join(queries) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert [a["query"] for a in answers] == queries
    assert all(a["took_ms"] >= 0 and "facets" in a or a["total"] == 0 for a in answers)
    assert answers[0]["total"] > 0 and answers[1]["total"] == 0
    assert answers[4]["hits"][0]["index_no"] == SEED_INDEX_NO


def test_search_filters_and_date_sort(home: Path) -> None:
    every = json.loads(kiosk(home, "search", "通知", "--json", "--limit", "100", "--facets").stdout)
    year = every["facets"]["year"][0]
    narrowed = json.loads(kiosk(home, "search", "通知", "--json", "--limit", "100", "--year", year["value"]).stdout)
    assert narrowed["total"] == year["count"]
    assert all(h["published_on"].startswith(year["value"]) for h in narrowed["hits"])
    newest = json.loads(kiosk(home, "search", "通知", "--json", "--limit", "100", "--sort", "date").stdout)
    dates = [h["published_on"] for h in newest["hits"]]
    assert dates == sorted(dates, reverse=True) and newest["total"] == every["total"]


def test_search_by_index_no(home: Path) -> None:
    done = kiosk(home, "search", SEED_INDEX_NO, "--json")
    hits = json.loads(done.stdout)["hits"]
    assert hits[0]["index_no"] == SEED_INDEX_NO and hits[0]["published_on"] == "2008-12-30"


def test_print_writes_an_a4_pdf_and_a_slip_into_the_spool_folder(home: Path) -> None:
    a4 = kiosk(home, "print", SEED_INDEX_NO, "--to", "a4")
    slip = kiosk(home, "print", SEED_INDEX_NO, "--to", "receipt")
    assert a4.returncode == slip.returncode == 0, a4.stderr + slip.stderr
    a4_no, slip_no = (re.match(r"job (\d{4}): done, ", done.stdout).group(1) for done in (a4, slip))  # type: ignore[union-attr]
    assert "pages on spool folder" in a4.stdout and "1 page on spool folder" in slip.stdout
    assert "小票已打出，请在本机出纸口取走。" in slip.stdout and "请到服务台领取。" in a4.stdout
    pdf, escpos = home / "spool" / f"{a4_no}.pdf", home / "spool" / f"{slip_no}.escpos"
    assert pdf.read_bytes().startswith(b"%PDF") and escpos.read_bytes().startswith(b"\x1b@")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "宿州市2008年政府信息公开工作年度报告" in text


def test_jobs_and_printers_from_the_cli(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert kiosk(home, "demo-content", "--count", "5").returncode == 0
    assert kiosk(home, "print", SEED_INDEX_NO, "--to", "receipt").returncode == 0
    listing = json.loads(kiosk(home, "jobs", "list", "--json", "--today").stdout)
    assert [(j["job_no"], j["state"], j["kind"]) for j in listing["jobs"]] == [("0001", "done", "receipt")]
    assert (listing["today"]["pages"], listing["today"]["slips"]) == (0, 1)  # A4 pages and slips apart
    reprint = kiosk(home, "jobs", "reprint", "1")
    assert reprint.returncode == 0 and reprint.stdout.startswith("job 0001 reprinted as job 0002: done")
    refused = kiosk(home, "jobs", "release", "0002")
    assert refused.returncode == 1 and "only a job that is awaiting_release can be released" in refused.stderr
    status = json.loads(kiosk(home, "printers", "status", "--json").stdout)
    assert status["a4"]["state"] == status["receipt"]["state"] == "idle"
    test = kiosk(home, "printers", "test", "receipt")
    assert test.returncode == 0 and "test page job 0003" in test.stdout and test.stdout.rstrip().endswith("done")
    pin = kiosk(home, "staff", "set-pin", "--stdin", input="13579\n")
    assert pin.returncode == 0 and pin.stdout.strip() == "staff PIN set"
    assert kiosk(home, "staff", "set-pin", "--stdin", input="12\n").stderr.strip().endswith("4 to 12 digits")


@pytest.mark.parametrize(
    "setting, value, message",
    [
        ("KIOSK_PRINTING_DOCUMENT", "lpr://queue", "printing.document: unknown printer kind 'lpr'"),
        ("KIOSK_PRINTING_RECEIPT", "tcp://printer:99999", "printing.receipt: the port"),
        ("KIOSK_PRINTING_RECEIPT", "usb://zz", "printing.receipt: usb:// needs the vendor and product id"),
    ],
)
def test_a_malformed_printer_uri_is_refused_naming_the_setting(
    home: Path, setting: str, value: str, message: str
) -> None:
    for args in (("print", SEED_INDEX_NO), ("run", "--exit-after-first-frame")):
        done = kiosk(home, *args, env={setting: value})
        assert done.returncode == 1 and message in done.stderr, done.stderr


def test_config_shows_every_setting_with_its_origin(home: Path) -> None:
    done = kiosk(home, "config")
    assert done.returncode == 0
    assert f"# KIOSK_HOME: {home}" in done.stdout and "idle_timeout = 120.0  # default" in done.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (("print", "nobody/2008-00001"), "no item with index number nobody/2008-00001"),
        (("print", SEED_INDEX_NO, "--to", "fax"), "invalid choice: 'fax'"),
        (("frobnicate",), "invalid choice: 'frobnicate'"),
        (("search",), "give a query, or --stdin"),
    ],
)
def test_a_failure_is_one_line_and_a_non_zero_exit(home: Path, args: tuple[str, ...], message: str) -> None:
    done = kiosk(home, *args)
    assert done.returncode != 0
    assert len(done.stderr.strip().splitlines()) == 1 and message in done.stderr
    assert "Traceback" not in done.stderr


def test_a_broken_config_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "kiosk.toml").write_text("[session]\nidle_timeout = 'x'\n", "utf-8")
    done = kiosk(tmp_path, "config")
    assert done.returncode == 1 and done.stderr.startswith("kiosk: error: session.idle_timeout")


@pytest.mark.parametrize(
    "command", ["", "run", "demo-content", "search", "print", "config", "sync", "keygen", "publish", "export"]
)
def test_every_command_has_help(tmp_path: Path, command: str) -> None:
    done = kiosk(tmp_path, *([command] if command else []), "--help")
    assert done.returncode == 0 and "usage: kiosk" in done.stdout


def test_synonyms_shows_the_groups_formal_term_first(home: Path) -> None:
    done = kiosk(home, "synonyms")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert "社会保险\t社保" in "\n".join(lines) and any(line.startswith("最低生活保障\t") for line in lines)
    assert lines[-1].startswith("# ") and "groups (built in)" in lines[-1]


def test_search_explain_shows_the_words_and_why_each_hit_ranks(home: Path) -> None:
    done = kiosk(home, "search", "怎么查财政预算", "--limit", "2", "--explain")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[1].startswith("words: ") and "left out: 怎么" in lines[1]
    assert any(line.strip().startswith("holds ") and "prior ×" in line for line in lines[2:])
