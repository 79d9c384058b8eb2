"""The settings and the commands are documented as declared: a setting, its range or a command left out of the
docs fails here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.config import SETTINGS, Setting

ROOT = Path(__file__).parents[1]


def _row(setting: Setting) -> str:
    default = {True: "true", False: "false"}.get(setting.default, None) if isinstance(setting.default, bool) else None
    shown = default or (f'"{setting.default}"' if isinstance(setting.default, str) else repr(setting.default))
    help = setting.help.replace("|", "&#124;")
    return f"| `{setting.key}` | `{setting.env_var}` | `{shown}` | {setting.range_text} | {help} |"


@pytest.mark.parametrize("document", ["README.md", "docs/settings.md"])
def test_every_setting_is_documented_with_its_default_and_range(document: str) -> None:
    text = (ROOT / document).read_text("utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| `") and "| `KIOSK_" in line]
    assert rows == [_row(setting) for setting in SETTINGS]


def test_doctor_and_the_changed_commands_are_documented() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "| `kiosk doctor [--repair]` |" in readme and "docs/doctor.md" in readme
    assert "`--to receipt --attachment` is refused" in readme and "Without a terminal" in readme
    doctor = (ROOT / "docs" / "doctor.md").read_text("utf-8")
    for area in ("设置", "内容缓存", "状态库", "内容源", "A4 打印机", "小票打印机", "磁盘"):
        assert f"| {area}" in doctor or f", {area}" in doctor


@pytest.mark.parametrize("command", [("doctor",), ("config",), ("staff", "set-pin"), ("print",)])
def test_the_commands_have_help(tmp_path: Path, command: tuple[str, ...]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", *command, "--help"],
        capture_output=True,
        text=True,
        env={"KIOSK_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.startswith("usage: kiosk")
