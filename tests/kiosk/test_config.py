from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.cli import build_parser
from kiosk.config import SETTINGS, ConfigError, describe, load_config


def test_defaults_when_nothing_is_set(kiosk_home: Path) -> None:
    config = load_config()
    assert config.home == kiosk_home.resolve()
    assert config.settings.session.idle_timeout == 120.0
    assert config.origins["session.idle_timeout"] == "default"


def test_the_file_overrides_defaults_and_the_environment_overrides_the_file(
    kiosk_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (kiosk_home / "kiosk.toml").write_text('[session]\nidle_timeout = 60\n[room]\nname = "档案馆一号机"\n', "utf-8")
    monkeypatch.setenv("KIOSK_SESSION_IDLE_TIMEOUT", "30")
    config = load_config()
    assert config.settings.session.idle_timeout == 30.0
    assert config.origins["session.idle_timeout"] == "env KIOSK_SESSION_IDLE_TIMEOUT"
    assert (config.settings.room.name, config.origins["room.name"]) == ("档案馆一号机", "file")


@pytest.mark.parametrize(
    "toml, message",
    [
        ("[session]\nidle_timeout = 'soon'\n", "session.idle_timeout"),
        ("[session]\nidle_timout = 5\n", "unknown setting session.idle_timout"),
        ("[printing]\npages_per_day = 'many'\n", "printing.pages_per_day"),
        ("not toml = = =", "cannot read"),
        ("session = 3\n", "must be a \\[section\\] table"),
    ],
)
def test_a_bad_file_names_the_setting(kiosk_home: Path, toml: str, message: str) -> None:
    (kiosk_home / "kiosk.toml").write_text(toml, "utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config()


def test_a_bad_environment_value_names_the_variable(kiosk_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_DISPLAY_FULLSCREEN", "perhaps")
    with pytest.raises(ConfigError, match="KIOSK_DISPLAY_FULLSCREEN"):
        load_config()


def test_every_setting_has_help_and_is_described(kiosk_home: Path) -> None:
    text = describe(load_config())
    for setting in SETTINGS:
        assert setting.help.endswith(".")
        assert f"{setting.name} = " in text and setting.help in text


def test_every_setting_and_command_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text("utf-8")
    for setting in SETTINGS:
        assert setting.key in readme and setting.env_var in readme, setting.key
    documented = set()
    for usage in re.findall(r"`kiosk ([^`]+)`", readme):
        words = usage.replace("\\|", "|").split()
        for name in words[0].split("|"):
            documented.add(name)
            documented.update(f"{name} {action}" for action in (words[1:2] or [""])[0].split("|") if action)
    commands = list(_commands(build_parser()))
    assert len(commands) > 20
    assert [command for command in commands if command not in documented] == []


def _commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> Iterator[str]:
    """Every command the parser takes, sub-commands spelt out: `run`, `jobs list` …"""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                inner = list(_commands(sub, (*prefix, name)))
                yield from inner or [" ".join((*prefix, name))]


def test_kivy_s_missing_cut_buffer_is_one_info_line_in_the_log(tmp_path: Path) -> None:
    import logging

    from kiosk.bootstrap import setup_logging
    from kiosk.config import load_config

    config = load_config({"KIOSK_HOME": str(tmp_path)})
    root = logging.getLogger()
    before = list(root.handlers)
    setup_logging(config)
    try:
        logging.getLogger("kivy").critical(
            "Cutbuffer: Unable to find any valuable Cutbuffer provider. Please …\n"
            "xclip - FileNotFoundError: [Errno 2] No such file or directory: 'xclip'"
        )
        for handler in root.handlers:
            handler.flush()
        text = (tmp_path / "logs" / "kiosk.log").read_text(encoding="utf-8")
    finally:
        for handler in [h for h in root.handlers if h not in before]:
            root.removeHandler(handler)
            handler.close()
    assert "CRITICAL" not in text and "FileNotFoundError" not in text
    assert "INFO kivy: Cutbuffer: none" in text
