"""The CLI's error boundary: any failure is one line on stderr, never a traceback; nothing reaches the terminal raw."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk import cli
from kiosk.config import Config


def _command_raising(exc: BaseException):
    def command(_args: argparse.Namespace, _config: Config) -> int:
        raise exc

    return command


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for name in [n for n in __import__("os").environ if n.startswith("KIOSK_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("KIOSK_HOME", str(tmp_path))
    monkeypatch.setattr(logging, "lastResort", logging.lastResort)
    yield tmp_path
    root = logging.getLogger()
    for handler in [h for h in root.handlers if hasattr(h, "baseFilename")]:  # the log file main() set up
        root.removeHandler(handler)
        handler.close()


@pytest.mark.parametrize(
    "exc",
    [
        ValueError("bad value\nsecond line"),
        KeyError("x"),
        AttributeError("no attr"),
        RecursionError("deep"),
        ZeroDivisionError("division by zero"),
        MemoryError(),
    ],
)
def test_an_unexpected_error_is_one_line_and_its_traceback_goes_to_the_log(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], exc: BaseException
) -> None:
    monkeypatch.setattr(cli, "cmd_config", _command_raising(exc))
    assert cli.main(["config"]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(f"kiosk: error: unexpected {type(exc).__name__} in `kiosk config`")
    assert "KIOSK_HOME/logs/kiosk.log" in err
    log = (home / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "Traceback" in log and type(exc).__name__ in log


def test_a_failure_before_the_log_is_set_up_prints_no_traceback_either(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_args: object, **_kwargs: object) -> Config:
        raise RuntimeError("settings could not be read")

    monkeypatch.setattr(cli, "load_config", broken)
    assert cli.main(["config"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == "kiosk: error: unexpected RuntimeError in `kiosk config`: settings could not be read"


def test_control_characters_never_reach_the_terminal_raw(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def shows_a_title(_args: argparse.Namespace, _config: Config) -> int:
        print("0007  关于\x1b[2J\x1b]0;owned\x07停水\u202e的通知\u200b\r\n")
        raise cli.KioskError("no item with index number 003\x1b[31m/2008")

    monkeypatch.setattr(cli, "cmd_config", shows_a_title)
    assert cli.main(["config"]) == 1
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err and "\x07" not in out and "\u202e" not in out and "\u200b" not in out
    assert "关于\\x1b[2J\\x1b]0;owned\\x07停水\\u202e的通知\\u200b\r\n" in out
    assert err.strip() == "kiosk: error: no item with index number 003\\x1b[31m/2008"


def test_an_interrupt_is_one_line(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "cmd_config", _command_raising(KeyboardInterrupt()))
    assert cli.main(["config"]) == 1
    assert capsys.readouterr().err.strip() == "kiosk: error: interrupted"
