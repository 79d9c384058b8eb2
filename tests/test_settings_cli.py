"""Settings and commands through the real CLI, as an operator or a script runs them: a separate process with no
terminal, a temporary KIOSK_HOME. A refused value stops the start in one line; nothing traces back."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.config import SETTINGS

pytestmark = pytest.mark.slow  # separate processes: `make test-fast` leaves these out

SEED_INDEX_NO = "003232741/2008-00001"


def kiosk(
    home: Path, *args: str, env: dict[str, str] | None = None, input: str | None = None, stdin: int | None = None
) -> subprocess.CompletedProcess[str]:
    """`kiosk ARGS` in a session of its own: no controlling terminal, as under cron or systemd."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_") and k != "DISPLAY"}
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", *args],
        env=clean | {"KIOSK_HOME": str(home)} | (env or {}),
        input=input,
        stdin=stdin,
        check=False,
        capture_output=True,
        text=True,
        timeout=180,
        start_new_session=True,
    )


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("settings-home")
    done = kiosk(home, "demo-content", "--count", "5", "--seed", "3")
    assert done.returncode == 0, done.stderr
    return home


@pytest.mark.parametrize(
    "variable, value, allowed",
    [
        ("KIOSK_DISPLAY_WIDTH", "0", "a whole number from 480 to 7680 (pixels)"),
        ("KIOSK_DISPLAY_HEIGHT", "-1080", "a whole number from 480 to 7680 (pixels)"),
        ("KIOSK_SESSION_IDLE_TIMEOUT", "nan", "a number from 5 to 3600 (seconds)"),
        ("KIOSK_SESSION_IDLE_WARNING", "inf", "a number from 3 to 300 (seconds)"),
        ("KIOSK_STAFF_GESTURE_TAPS", "0", "a whole number from 3 to 20 (taps)"),
        ("KIOSK_ROOM_NAME", "\x1b[2J一号机", "text of 1 to 40 characters, without control or invisible characters"),
    ],
)
def test_kiosk_run_stops_at_start_naming_the_setting_the_value_and_the_range(
    tmp_path: Path, variable: str, value: str, allowed: str
) -> None:
    done = kiosk(tmp_path, "run", "--exit-after-first-frame", env={variable: value})
    assert done.returncode == 1
    line = one_line(done)
    key = variable.removeprefix("KIOSK_").lower().replace("_", ".", 1)
    assert line == f"kiosk: error: {key} = {value!r} (environment {variable}): must be {allowed}"
    assert not (tmp_path / "state.db").exists() and not (tmp_path / "content.db").exists()  # nothing opened


@pytest.mark.parametrize(
    "variable, value",
    [
        ("KIOSK_PRINTING_FEE_PER_PAGE", "nan"),
        ("KIOSK_PRINTING_FEE_PER_PAGE", "1e400"),
        ("KIOSK_PRINTING_FEE_PER_PAGE", "-0.5"),
        ("KIOSK_PRINTING_HOLD_HOURS", "inf"),
        ("KIOSK_PRINTING_HOLD_HOURS", "0"),
        ("KIOSK_PRINTING_PAGES_PER_DAY", "-1"),
        ("KIOSK_SYNC_MAX_ATTACHMENT_MB", "-1"),
        ("KIOSK_PRINTING_COLLECT_AT", "服务台\u202e"),
    ],
)
def test_kiosk_print_refuses_the_same_before_it_prints(home: Path, variable: str, value: str) -> None:
    before = sorted((home / "spool").glob("*")) if (home / "spool").exists() else []
    done = kiosk(home, "print", SEED_INDEX_NO, env={variable: value})
    assert done.returncode == 1 and variable in one_line(done)
    assert (sorted((home / "spool").glob("*")) if (home / "spool").exists() else []) == before


def test_a_nan_in_the_config_file_stops_the_kiosk_too(tmp_path: Path) -> None:
    (tmp_path / "kiosk.toml").write_text("[printing]\nfee_per_page = nan\nhold_hours = 1e400\n", "utf-8")
    done = kiosk(tmp_path, "run", "--exit-after-first-frame")
    assert done.returncode == 1
    assert one_line(done) == (
        f"kiosk: error: printing.fee_per_page = nan (file {tmp_path / 'kiosk.toml'}): "
        "must be a number from 0 to 100 (yuan); 1 more refused (`kiosk config` lists them)"
    )


def test_kiosk_config_shows_every_setting_and_every_refusal(tmp_path: Path) -> None:
    (tmp_path / "kiosk.toml").write_text("[display]\nwidth = 0\n[printing]\nfee_pr_page = 1\n", "utf-8")
    done = kiosk(tmp_path, "config", env={"KIOSK_SESSION_IDLE_TIMEOUT": "nan"})
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "width = 1080  # default; Window width in pixels" in done.stdout  # the value the kiosk would not use
    assert "Allowed: a whole number from 480 to 7680 (pixels)." in done.stdout
    assert "# REFUSED (3): the kiosk will not start until these are corrected" in done.stdout
    refused = done.stderr.strip().splitlines()
    assert len(refused) == 3 and all(line.startswith("kiosk: error: ") for line in refused)
    assert any("unknown setting printing.fee_pr_page" in line for line in refused)
    assert any(line.startswith("kiosk: error: display.width = 0 (file ") for line in refused)
    assert any("session.idle_timeout = 'nan' (environment KIOSK_SESSION_IDLE_TIMEOUT)" in line for line in refused)


def test_kiosk_config_of_good_settings_shows_each_range_and_exits_0(tmp_path: Path) -> None:
    done = kiosk(tmp_path, "config", env={"KIOSK_PRINTING_FEE_PER_PAGE": "0.2"})
    assert done.returncode == 0 and done.stderr == ""
    assert "fee_per_page = 0.2  # env KIOSK_PRINTING_FEE_PER_PAGE;" in done.stdout
    assert "REFUSED" not in done.stdout and done.stdout.count("Allowed: ") == len(SETTINGS)


# -- kiosk staff set-pin without a terminal ------------------------------------------------------------------------


@pytest.mark.parametrize("stdin", [subprocess.DEVNULL, "closed", "text"])
def test_set_pin_without_a_terminal_says_so_in_one_line(home: Path, stdin: int | str) -> None:
    if stdin == "closed":
        done = subprocess.run(
            ["sh", "-c", f'exec "{sys.executable}" -m kiosk.cli staff set-pin <&-'],
            env=os.environ | {"KIOSK_HOME": str(home)},
            capture_output=True,
            text=True,
            timeout=60,
            start_new_session=True,
            check=False,
        )
    elif stdin == "text":  # a script that forgot --stdin: refused, not read with echo
        done = kiosk(home, "staff", "set-pin", input="2468\n2468\n")
    else:
        done = kiosk(home, "staff", "set-pin", stdin=stdin)  # type: ignore[arg-type]
    assert done.returncode == 1 and done.stdout == ""
    assert one_line(done) == (
        "kiosk: error: no terminal to ask for the PIN: run this in a terminal, or give the "
        "PIN on standard input with --stdin (echo … | kiosk staff set-pin --stdin); "
        "nothing was changed"
    )


@pytest.mark.parametrize("given", ["", "\n", "   \n", None])
def test_set_pin_stdin_with_nothing_on_it_says_so(home: Path, given: str | None) -> None:
    done = kiosk(home, "staff", "set-pin", "--stdin", input=given, stdin=subprocess.DEVNULL if given is None else None)
    assert done.returncode == 1
    assert one_line(done) == (
        "kiosk: error: no PIN on standard input (give one line of 4 to 12 digits); nothing was changed"
    )


@pytest.mark.parametrize("given", ["12\n", "１２３４\n", "12345678901234\n", "12 34\n", "\x1b[2J1234\n"])
def test_set_pin_stdin_refuses_a_pin_that_is_not_4_to_12_digits(home: Path, given: str) -> None:
    done = kiosk(home, "staff", "set-pin", "--stdin", input=given)
    assert done.returncode == 1 and one_line(done) == "kiosk: error: the PIN must be 4 to 12 digits"


def test_set_pin_stdin_sets_it_from_the_first_line(home: Path) -> None:
    done = kiosk(home, "staff", "set-pin", "--stdin", input="97531\r\nignored\n")
    assert done.returncode == 0 and done.stdout == "staff PIN set\n" and done.stderr == ""


# -- kiosk print: what the operator asked, or a refusal ------------------------------------------------------------


def test_print_to_receipt_with_an_attachment_is_refused_not_sent_to_a4(home: Path) -> None:
    done = kiosk(home, "print", SEED_INDEX_NO, "--to", "receipt", "--attachment", "附件1.pdf")
    assert done.returncode == 2 and done.stdout == ""
    assert one_line(done) == (
        "kiosk print: error: a receipt printer prints the item's slip, not an attachment: "
        "leave out --to receipt to print the attachment on A4, or --attachment for the slip"
    )
    jobs = kiosk(home, "jobs", "list", "--json")
    assert '"attachment:' not in jobs.stdout  # no job was made


@pytest.mark.parametrize(
    "args, message",
    [
        (("print", SEED_INDEX_NO, "--wait", "nan"), "argument --wait: 'nan' is not a number of seconds from 0 to 3600"),
        (("print", SEED_INDEX_NO, "--wait", "inf"), "argument --wait: 'inf' is not a number of seconds"),
        (("print", SEED_INDEX_NO, "--wait", "-1"), "argument --wait: '-1' is not a number of seconds"),
        (("print", SEED_INDEX_NO, "--wait", "1e400"), "argument --wait: '1e400' is not a number of seconds"),
        (("printers", "test", "a4", "--wait", "NaN"), "argument --wait: 'NaN' is not a number of seconds"),
        (("jobs", "resume", "--wait", "9999"), "argument --wait: '9999' is not a number of seconds"),
        (("jobs", "release", "0001", "--wait=-inf"), "argument --wait: '-inf' is not a number of seconds"),
        (("jobs", "list", "--limit", "-1"), "argument --limit: '-1' is not a whole number from 1 to 100000"),
        (("jobs", "list", "--limit", "0"), "argument --limit: '0' is not a whole number from 1 to 100000"),
        (("jobs", "cancel", "１２"), "argument JOB: '１２' is not a job number"),
        (("jobs", "cancel", "٣"), "argument JOB: '٣' is not a job number"),
        (("jobs", "reprint", "-1"), "argument JOB: '-1' is not a job number"),
    ],
)
def test_a_number_option_that_makes_no_sense_is_a_usage_error(home: Path, args: tuple[str, ...], message: str) -> None:
    done = kiosk(home, *args)
    assert done.returncode == 2 and message in one_line(done)


def test_a_sane_wait_and_an_attachment_less_a4_print_still_work(home: Path) -> None:
    done = kiosk(home, "print", SEED_INDEX_NO, "--wait", "30")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("job ") and ": done," in done.stdout
