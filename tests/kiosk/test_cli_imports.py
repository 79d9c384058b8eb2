"""Importing the CLI loads no heavy library: `kiosk --help` and the kiosk's first frame do not wait for them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = (
    "pypinyin",
    "kivy",
    "reportlab",
    "httpx",
    "alembic",
    "cryptography",
    "escpos",
    "pypdf",
    "pypdfium2",
    "sqlalchemy",
)


def test_importing_the_cli_loads_no_heavy_library() -> None:
    code = f"import json, sys, kiosk.cli; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_the_first_frame_needs_neither_the_stores_nor_the_other_screens() -> None:
    # what `kiosk run` imports before Home's first frame: the App, Home and the settings' check
    code = (
        "import json, os, sys; os.environ['KIVY_NO_ARGS'] = '1'; os.environ['KIVY_LOG_MODE'] = 'PYTHON'; "
        "import kiosk.cli, kiosk.app, screens.home, screens.registry, kiosk.bootstrap; "
        "late = ('sqlalchemy', 'kiosk.state', 'content_cache.cache', 'screens.search', 'screens.staff', "
        "'screens.browse', 'screens.document', 'screens.print_copy', 'screens.keyboard'); "
        "print(json.dumps([m for m in late if m in sys.modules]))"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == []


def test_the_renderers_still_load_when_asked_for() -> None:
    code = (
        "import json, sys, printing, content_cache; printing.render_a4; content_cache.ContentCache; "
        "from content_cache.pinyin import pinyin_keys; "
        "print(json.dumps([pinyin_keys('财政预算'), 'reportlab' in sys.modules, 'pypinyin' in sys.modules]))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [["caizhengyusuan", "czys"], True, True]


def test_kiosk_run_draws_home_with_its_content_and_exits(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK_", "KIVY_"))}
    env.pop("DISPLAY", None)
    env |= {"KIOSK_HOME": str(tmp_path), "KIOSK_CONTENT_DEMO_COUNT": "30"}
    done = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "run", "--exit-after-first-frame"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("first frame drawn after") for line in lines)
    assert any(line.startswith("Home drawn after") for line in lines)
    assert any(line.startswith("peak memory") for line in lines)
    assert (tmp_path / "screenshots" / "01-home.png").is_file()  # the screenshot is of Home with its tiles


def test_kiosk_run_whose_state_store_cannot_be_opened_closes_and_says_why(tmp_path: Path) -> None:
    # the stores open after the first frame: a store that cannot be opened still ends the start with its reason
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK_", "KIVY_"))}
    env.pop("DISPLAY", None)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the state store's folder should be")
    env |= {
        "KIOSK_HOME": str(tmp_path),
        "KIOSK_CONTENT_DEMO_COUNT": "30",
        "KIOSK_STATE_DATABASE": f"sqlite:///{blocked}/state.db",
    }
    done = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "run", "--exit-after-first-frame"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "kiosk: error:" in done.stderr and "Traceback" not in done.stderr
    assert any(line.startswith("first frame drawn after") for line in done.stdout.splitlines())
